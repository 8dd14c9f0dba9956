"""Packing stories into sprints under capacity and precedence: a pure function on numbers, no models.

The problem is bin packing with precedence constraints: in `sequential` mode a story goes in a strictly later sprint
than every story it depends on (BPP-P); in `concurrent` mode the same sprint is allowed (SALBP-1).

`solve` is the entry point: several priority rules (forward and, where capacities allow, backward), then a
station-oriented branch, bound and remember search (`solver_search`) while the best plan is above the lower bound,
then a final pass that keeps the sprint count and pulls higher-priority work earlier (`solver_polish`). Every search
is bounded by a count of nodes, never by time, so a plan is the same on any machine.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

EPS = 1e-9

#: Node budget of the exact search (station loads enumerated); it keeps a plan well under a second or two.
SEARCH_BUDGET = 250_000
#: Above this many stories only the priority rules run (the search would not pay for itself).
SEARCH_MAX_TASKS = 1000


@dataclass
class Problem:
    """A packing problem. Tasks are 0..n-1; `preds[i]` lists the tasks i depends on."""

    sizes: list[float]
    preds: list[list[int]]
    capacity: Callable[[int], float]  # sprint number (1-based) -> capacity
    sequential: bool = True
    rank: Optional[list[int]] = None  # tie-break: lower rank first (profile order); default: index
    milestone: Optional[list[int]] = None  # per task: the first milestone needing it (lower first); None: none
    pinned: dict[int, int] = field(default_factory=dict)  # task -> sprint number
    max_sprints: Optional[int] = None  # plan into at most this many sprints; the rest is left unplanned
    steady_from: int = 1  # from this sprint on, every sprint has the same capacity
    # derived data (successor lists, orders) computed once per problem; the graph must not change afterwards
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.sizes)

    def ranks(self) -> list[int]:
        """The tie-break rank of every task (the index when no rank is given)."""
        return self.rank if self.rank is not None else list(range(self.n))


def successors(problem: Problem) -> list[list[int]]:
    """The successor lists of the precedence graph (computed once per problem; do not modify them)."""
    cached = problem._cache.get("succ")
    if cached is not None:
        return cached
    succ: list[list[int]] = [[] for _ in range(problem.n)]
    for task, preds in enumerate(problem.preds):
        for p in preds:
            succ[p].append(task)
    problem._cache["succ"] = succ
    return succ


def kahn_order(preds: Sequence[Sequence[int]], succ: Sequence[Sequence[int]], key: Callable[[int], Any]
               ) -> list[int]:
    """Tasks in an order where every task follows its predecessors; among the ready ones, the lowest key first."""
    indegree = [len(p) for p in preds]
    heap = [(key(t), t) for t in range(len(preds)) if indegree[t] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, task = heapq.heappop(heap)
        order.append(task)
        for s in succ[task]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(heap, (key(s), s))
    return order


def topological_order(problem: Problem) -> list[int]:
    """Tasks in an order where every task follows its predecessors (Kahn, lowest rank first)."""
    key = ("order", id(problem.rank))
    cached = problem._cache.get(key)
    if cached is not None and cached[0] is problem.rank:
        return list(cached[1])
    rank = problem.ranks()
    order = kahn_order(problem.preds, successors(problem), rank.__getitem__)
    problem._cache[key] = (problem.rank, order)
    return list(order)


def tail_weights(problem: Problem, order: list[int] | None = None) -> list[float]:
    """For each task, its size plus the heaviest chain of successors after it (critical-path priority)."""
    order = order or topological_order(problem)
    succ = successors(problem)
    tail = [0.0] * problem.n
    for task in reversed(order):
        tail[task] = problem.sizes[task] + max((tail[s] for s in succ[task]), default=0.0)
    return tail


def max_sprint_count(problem: Problem) -> int:
    """A safe upper limit on sprints to open: every task alone, plus the irregular sprints and the pins."""
    return problem.n + problem.steady_from + max(problem.pinned.values(), default=0) + 1


def sprint_count(assignment: list[Optional[int]]) -> int:
    """The number of sprints a plan uses (its last sprint)."""
    return max((s for s in assignment if s is not None), default=0)


class _Pool:
    """Available tasks grouped by size, each group a heap by priority: 'the best task that fits' in O(#sizes)."""

    def __init__(self, sizes: list[float], key: list[tuple]) -> None:
        self.sizes = sizes
        self.key = key
        self.heaps: dict[float, list] = {}
        self.distinct: list[float] = []  # sorted sizes that have (or had) a heap
        self.count = 0

    def add(self, task: int) -> None:
        size = self.sizes[task]
        heap = self.heaps.get(size)
        if heap is None:
            heap = self.heaps[size] = []
            self.distinct.insert(bisect_right(self.distinct, size), size)
        heapq.heappush(heap, (self.key[task], task))
        self.count += 1

    def pop_best(self, room: float) -> Optional[int]:
        """Remove and return the highest-priority task of size <= room, or None."""
        best = None
        for size in self.distinct[:bisect_right(self.distinct, room)]:
            heap = self.heaps[size]
            if heap and (best is None or heap[0] < best):
                best = heap[0]
        if best is None:
            return None
        heapq.heappop(self.heaps[self.sizes[best[1]]])
        self.count -= 1
        return best[1]


def list_schedule(problem: Problem, priority: list[float], succ: list[list[int]] | None = None
                  ) -> list[Optional[int]]:
    """Station-oriented list scheduling: fill sprint after sprint with the highest-priority task that fits.

    Pinned tasks go first into their sprint. A task that fits no sprint from the steady state on goes alone into an
    empty sprint (the checks report it); tasks still unplaced after `max_sprints` sprints are None.
    """
    n = problem.n
    rank = problem.ranks()
    sizes = problem.sizes
    succ = succ if succ is not None else successors(problem)
    pinned = problem.pinned
    key = [(-priority[t], rank[t]) for t in range(n)]
    pins_by_sprint: dict[int, list[int]] = {}
    for task in sorted(pinned, key=key.__getitem__):
        pins_by_sprint.setdefault(pinned[task], []).append(task)
    remaining = [len(p) for p in problem.preds]
    pool = _Pool(sizes, key)
    for task in range(n):
        if remaining[task] == 0 and task not in pinned:
            pool.add(task)
    sprint_of: list[Optional[int]] = [None] * n
    placed = 0
    limit = problem.max_sprints or max_sprint_count(problem)
    sprint = 0
    while placed < n and sprint < limit:
        sprint += 1
        capacity = problem.capacity(sprint)
        load = 0.0
        newly: list[int] = []
        in_sprint = 0
        forced = pins_by_sprint.get(sprint, [])
        alone = False
        while not alone:
            if forced:
                task: Optional[int] = forced.pop(0)
            else:
                task = pool.pop_best(capacity - load + EPS)
                if task is None and in_sprint == 0 and pool.count and sprint >= problem.steady_from \
                        and capacity > 0:
                    task = pool.pop_best(float("inf"))  # fits no sprint from here on: alone, reported
                    alone = True
                if task is None:
                    break
            sprint_of[task] = sprint
            load += sizes[task]
            placed += 1
            in_sprint += 1
            for s in succ[task]:
                remaining[s] -= 1
                if remaining[s] == 0 and s not in pinned:
                    if problem.sequential:
                        newly.append(s)  # available from the next sprint on
                    else:
                        pool.add(s)
        for s in newly:
            pool.add(s)
    return sprint_of


@dataclass
class Solution:
    """A plan of a problem, and whether the search proved no plan uses fewer sprints."""

    assignment: list[Optional[int]]
    proven_minimum: bool
    bounds: dict[str, int] = field(default_factory=dict)  # the lower bounds by kind (see bounds.py)


def solve(problem: Problem, budget: int = SEARCH_BUDGET) -> list[Optional[int]]:
    """The sprint (1-based) of every task, or None for a task that did not fit within `max_sprints`.

    Uses as few sprints as the search finds (the lower bound whenever it reaches it), then orders the work so that
    higher-rank tasks come as early as capacity and dependencies allow.
    """
    return solve_plan(problem, budget).assignment


def solve_plan(problem: Problem, budget: int = SEARCH_BUDGET) -> Solution:
    """`solve`, with whether the sprint count (ignoring `max_sprints`) is proven to be the fewest possible."""
    from sprintgen.scheduling.heuristics import best_plan
    from sprintgen.scheduling.polish import fit_into_limit, pull_forward, swap_forward

    if problem.n == 0:
        return Solution([], True)
    assignment, proven, bounds = best_plan(problem, budget)
    if problem.max_sprints is not None and sprint_count(assignment) > problem.max_sprints:
        # not everything fits: take the work in priority order (rank) so what is left out is the least important
        ranks = problem.ranks()
        assignment = list_schedule(problem, [-float(r) for r in ranks])
    if problem.max_sprints is not None:
        assignment = fit_into_limit(problem, assignment)
    assignment = pull_forward(problem, assignment)
    return Solution(pull_forward(problem, swap_forward(problem, assignment)), proven, bounds)
