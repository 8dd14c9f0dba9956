"""The portfolio of priority rules, forward and backward, and when to call the search.

Each rule is a station-oriented list schedule (`solver.list_schedule`) with a different priority: critical path
(tail), positional weight, story size, number of (transitive) dependents, profile rank. Backward passes plan the
reversed graph from the last sprint back, which suits graphs that fan in. The first plan that reaches the lower
bound ends the portfolio; otherwise the branch, bound and remember search (`solver_search`) tries to beat the best.
"""

from __future__ import annotations

from typing import Optional

from sprintgen.scheduling.bounds import lower_bounds
from sprintgen.scheduling.solver import (SEARCH_MAX_TASKS, Problem, list_schedule, sprint_count, successors, tail_weights,
                     topological_order)
from sprintgen.scheduling.search import reversed_problem, search

#: Exact transitive closures (positional weight, number of all dependents) are computed up to this many stories.
CLOSURE_MAX_TASKS = 600


def priority_rules(problem: Problem, succ: list[list[int]]) -> list[list[float]]:
    """Priorities to try, most useful first (higher goes first; ties by rank)."""
    n = problem.n
    order = topological_order(problem)
    tail = tail_weights(problem, order)
    sizes = problem.sizes
    rules = [tail, list(sizes), [0.0] * n]
    if problem.sequential:
        # in sequential mode every story of a chain takes a sprint of its own: the longest chain in stories first
        depth = [0] * n
        for task in reversed(order):
            depth[task] = 1 + max((depth[s] for s in succ[task]), default=0)
        scale = 1 + max(tail, default=0)
        rules.insert(0, [depth[t] * scale + tail[t] for t in range(n)])
    if problem.milestone is not None and len(set(problem.milestone)) > 1:
        # the work of an earlier milestone first (a thin slice), the best rule above among equals; tried first so
        # that it is kept whenever it needs no more sprints than the other rules
        base = rules[0]
        scale = 1 + max(base, default=0)
        last = max(problem.milestone)
        rules.insert(0, [(last - problem.milestone[t]) * scale + base[t] for t in range(n)])
    immediate = [float(len(s)) for s in succ]
    if n <= CLOSURE_MAX_TASKS:
        below = [0] * n
        for task in reversed(order):
            mask = 0
            for s in succ[task]:
                mask |= below[s] | (1 << s)
            below[task] = mask
        weight = [sizes[t] + sum(sizes[j] for j in _bits(below[t])) for t in range(n)]
        count = [float(below[t].bit_count()) for t in range(n)]
        rules[1:1] = [weight]
        rules += [count, immediate]
        # a mix: critical path first, the largest stories among equals (scaled so the path dominates)
        scale = 1 + max(sizes, default=0)
        rules.append([tail[t] * scale + sizes[t] for t in range(n)])
    else:
        rules.append(immediate)
    return rules


def best_plan(problem: Problem, budget: int) -> tuple[list[Optional[int]], bool, dict[str, int]]:
    """The plan with the fewest sprints the rules and (for small backlogs) the search find, ignoring max_sprints,
    whether no plan can use fewer sprints (it reaches the lower bound, or the search exhausted every option), and
    the lower bounds.
    """
    unlimited = Problem(sizes=problem.sizes, preds=problem.preds, capacity=problem.capacity,
                        sequential=problem.sequential, rank=problem.rank, milestone=problem.milestone,
                        pinned=problem.pinned,
                        steady_from=problem.steady_from, _cache=problem._cache)
    bounds = lower_bounds(unlimited)
    target = max(bounds.values(), default=0)
    succ = successors(unlimited)
    best: list[Optional[int]] = []

    def consider(candidate: Optional[list]) -> bool:
        nonlocal best
        if candidate is not None and (not best or sprint_count(candidate) < sprint_count(best)):
            best = candidate
        return bool(best) and sprint_count(best) <= target

    for rule in priority_rules(unlimited, succ):
        if consider(list_schedule(unlimited, rule, succ)):
            return best, True, bounds
    backward = not problem.pinned and problem.steady_from <= 1
    if backward:
        reverse = reversed_problem(unlimited)
        reverse_succ = successors(reverse)
        for rule in priority_rules(reverse, reverse_succ):
            if consider(_turned(list_schedule(reverse, rule, reverse_succ))):
                return best, True, bounds
    if problem.n > SEARCH_MAX_TASKS or problem.pinned or any(s is None for s in best):
        return best, False, bounds
    share = budget // 2 if backward else budget
    found, proven = search(unlimited, sprint_count(best), share)
    if consider(found) or proven:
        return best, True, bounds
    if backward:
        found, proven = search(reversed_problem(unlimited), sprint_count(best), budget - share)
        if consider(_turned(found)) or proven:
            return best, True, bounds
    return best, False, bounds


def _turned(assignment: Optional[list]) -> Optional[list]:
    """A backward plan read forward: the last sprint becomes the first."""
    if assignment is None or any(s is None for s in assignment):
        return None
    last = sprint_count(assignment)
    return [last + 1 - s for s in assignment]


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
