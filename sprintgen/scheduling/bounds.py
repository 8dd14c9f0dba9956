"""Lower bounds on the number of sprints: no plan within capacity and dependencies can use fewer.

`capacity`          total work against the per-sprint capacities, sprint by sprint (SALBP LB1); only the work that
                    must fit (unpinned, no larger than a steady sprint), plus a sprint each for stories too large
                    for any sprint
`large_stories`     (only when above `capacity`) stories too large to share a sprint: more than half the largest
                    capacity each need their own, with Martello-Toth style weights for thirds (SALBP LB2 / LB3)
`dependency_chain`  sequential mode: the longest chain of stories, one sprint each; concurrent mode: for every
                    story, the sprints its heaviest chain of blockers needs plus those of its heaviest chain of
                    dependents (the SALBP earliest/latest station bound); in both modes, up to 400 stories, the
                    same with all of a story's blockers and dependents windowed by their own earliest sprints
`pinned`            the latest sprint a story is pinned to
"""

from __future__ import annotations

import math

from sprintgen.graph import bits, descendant_masks
from sprintgen.graph import tail_weights as graph_tail_weights
from sprintgen.scheduling.problem import (EPS, Problem, chain_depths_of, largest_capacity, successors,
                                          topological_order)


def capacity_bound(total: float, problem: Problem) -> int:
    """The fewest sprints whose summed capacity holds `total` points (per-sprint capacities taken into account)."""
    if total <= EPS:
        return 0
    running = 0.0
    for number in range(1, problem.steady_from):
        running += problem.capacity(number)
        if running >= total - EPS:
            return number
    steady = problem.capacity(problem.steady_from)
    if steady <= EPS:
        return problem.steady_from if running + steady >= total - EPS else 0  # 0: no bound (capacity runs out)
    start = problem.steady_from - 1
    return start + max(1, math.ceil((total - running) / steady - EPS))


def capacity_bound_with_alone(total: float, alone: int, problem: Problem) -> int:
    """The fewest sprints n such that `alone` of them can be given whole to stories that fit no sprint and the other
    n - alone, the largest of sprints 1..n, still hold `total` points (0: no bound, capacity runs out)."""
    if alone == 0:
        return capacity_bound(total, problem)
    irregular = [problem.capacity(s) for s in range(1, problem.steady_from)]
    steady = problem.capacity(problem.steady_from)

    def holds(n: int) -> bool:
        capacities = irregular[:n] + [steady] * max(0, n - len(irregular))
        return sum(sorted(capacities, reverse=True)[: n - alone]) >= total - EPS

    low = alone + (1 if total > EPS else 0)
    high = len(irregular) + alone + (math.ceil(total / steady) + 1 if steady > EPS else 1)
    if not holds(high):
        return 0
    while low < high:  # holds() only grows with n: one more sprint, one more capacity to choose from
        middle = (low + high) // 2
        low, high = (low, middle) if holds(middle) else (middle + 1, high)
    return low


def large_stories_bound(sizes: list[float], capacity: float) -> int:
    """max(LB2, LB3): stories above half (or in thirds of) the capacity cannot share a sprint freely."""
    if capacity <= EPS:
        return 0
    half = 0.0
    thirds = 0.0
    for size in sizes:
        ratio = size / capacity
        if ratio > 0.5 + EPS:
            half += 1
        elif abs(ratio - 0.5) <= EPS:
            half += 0.5
        if ratio > 2 / 3 + EPS:
            thirds += 1
        elif abs(ratio - 2 / 3) <= EPS:
            thirds += 2 / 3
        elif ratio > 1 / 3 + EPS:
            thirds += 0.5
        elif abs(ratio - 1 / 3) <= EPS:
            thirds += 1 / 3
    return math.ceil(max(half, thirds) - 1e-6)


def chain_bound(problem: Problem, capacity: float | None = None) -> int:
    """The dependency bound: longest chain (sequential) or earliest + latest sprint of a story (concurrent)."""
    if problem.n == 0:
        return 0
    order = topological_order(problem)
    if problem.sequential:
        return max(chain_depths_of(problem))
    capacity = capacity if capacity is not None else largest_capacity(problem)
    if capacity <= EPS:
        return 0
    # A sprint holds at most `capacity` of a chain's work, except that a story too large for it fills one sprint
    # alone (so it counts as one sprint's worth) and pins are forced in over capacity (so they count as nothing).
    work = [0.0 if t in problem.pinned else min(problem.sizes[t], capacity) for t in range(problem.n)]
    head = graph_tail_weights(work, problem.preds, list(reversed(order)))  # blockers' heaviest chain
    tail = graph_tail_weights(work, successors(problem), order)
    # a chain holding more than a sprint's capacity spans several sprints: story j sits at the earliest in sprint
    # ceil(head/c), and its dependents need ceil(tail/c) sprints from there on
    best = 0
    for task in range(problem.n):
        if problem.sizes[task] > capacity + EPS:
            continue  # a story too large for any sprint is reported, not bounded
        early = max(1, math.ceil(head[task] / capacity - EPS))
        late = max(1, math.ceil(tail[task] / capacity - EPS))
        best = max(best, early + late - 1)
    return best


#: The window bound needs every story's transitive blockers: computed up to this many stories.
WINDOW_MAX_TASKS = 400


def earliest_sprints(problem: Problem, capacity: float, order: list[int], preds: list[list[int]]) -> list[int]:
    """For every story, a sprint it cannot be planned before, from its blockers' work and their own earliest sprints.

    Blockers whose earliest sprint is s or later must all fit in sprints s .. sprint(j) - 1 (sequential; up to
    sprint(j), together with j, in concurrent mode), so sprint(j) >= s + ceil(work / capacity) (- 1 concurrent).
    """
    gap = 1 if problem.sequential else 0
    n = problem.n
    sizes = [0.0 if t in problem.pinned else size for t, size in enumerate(problem.sizes)]  # pins: over capacity
    above = descendant_masks(preds, list(reversed(order)))  # transitive blockers, as masks
    earliest = [1] * n
    for task in order:
        mask = above[task]
        best = max((earliest[p] + gap for p in preds[task]), default=1)
        work_from: dict[int, float] = {}  # earliest sprint -> work of the blockers with it
        for b in bits(mask):
            work_from[earliest[b]] = work_from.get(earliest[b], 0.0) + sizes[b]
        work = 0.0 if problem.sequential else sizes[task]
        for start in sorted(work_from, reverse=True):
            work += work_from[start]
            best = max(best, start + math.ceil(work / capacity - EPS) - (1 - gap))
        earliest[task] = best
    return earliest


def window_bound(problem: Problem, capacity: float) -> int:
    """max over stories of earliest sprint + sprints its dependents need after it - 1 (both directions windowed)."""
    if problem.n == 0 or problem.n > WINDOW_MAX_TASKS or capacity <= EPS:
        return 0
    if any(size > capacity + EPS for size in problem.sizes):
        return 0  # a story too large for any sprint is reported, not bounded
    forward = earliest_sprints_cached(problem, capacity, backward=False)
    backward = earliest_sprints_cached(problem, capacity, backward=True)
    return max(f + b - 1 for f, b in zip(forward, backward))


def earliest_sprints_cached(problem: Problem, capacity: float, backward: bool) -> list[int]:
    """`earliest_sprints` forward, or backward (sprints a story and its dependents need), once per problem."""
    key = ("earliest", capacity, backward)
    if key not in problem._cache:
        order = topological_order(problem)
        if backward:
            problem._cache[key] = earliest_sprints(problem, capacity, list(reversed(order)), successors(problem))
        else:
            problem._cache[key] = earliest_sprints(problem, capacity, order, problem.preds)
    return problem._cache[key]


def lower_bounds(problem: Problem) -> dict[str, int]:
    """Every bound by kind; the plan's lower bound is their maximum."""
    largest = largest_capacity(problem)
    free = [t for t in range(problem.n) if t not in problem.pinned]  # pins are forced in whatever the load
    fitting = [problem.sizes[t] for t in free if problem.sizes[t] <= largest + EPS]
    oversize = len(free) - len(fitting)
    # The capacity bound counts only work that must fit within capacity: a story larger than the steady capacity
    # may go alone into an over-full sprint (and one larger than every sprint does, reported), and pins are forced
    # in whatever their load; unpinned stories too large for any sprint take a sprint each.
    steady = problem.capacity(problem.steady_from)
    within = sum(problem.sizes[t] for t in free if problem.sizes[t] <= steady + EPS)
    bounds = {"capacity": capacity_bound_with_alone(within, oversize, problem)}
    large = large_stories_bound(fitting, largest) + oversize
    if large > bounds["capacity"]:  # reported only when it says more than the capacity bound
        bounds["large_stories"] = large
    bounds["dependency_chain"] = max(chain_bound(problem, largest), window_bound(problem, largest))
    if problem.pinned:
        bounds["pinned"] = max(problem.pinned.values())
    return bounds
