"""Packing stories into sprints under capacity and precedence: a pure function on numbers, no models.

The problem is bin packing with precedence constraints: in `sequential` mode a story goes in a strictly later sprint
than every story it depends on (BPP-P); in `concurrent` mode the same sprint is allowed (SALBP-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

EPS = 1e-9


@dataclass
class Problem:
    """A packing problem. Tasks are 0..n-1; `preds[i]` lists the tasks i depends on."""

    sizes: list[float]
    preds: list[list[int]]
    capacity: Callable[[int], float]  # sprint number (1-based) -> capacity
    sequential: bool = True
    rank: Optional[list[int]] = None  # tie-break: lower rank first (profile order); default: index
    pinned: dict[int, int] = field(default_factory=dict)  # task -> sprint number
    max_sprints: Optional[int] = None  # plan into at most this many sprints; the rest is left unplanned
    steady_from: int = 1  # from this sprint on, every sprint has the same capacity

    @property
    def n(self) -> int:
        return len(self.sizes)


def successors(problem: Problem) -> list[list[int]]:
    """The successor lists of the precedence graph."""
    succ: list[list[int]] = [[] for _ in range(problem.n)]
    for task, preds in enumerate(problem.preds):
        for p in preds:
            succ[p].append(task)
    return succ


def topological_order(problem: Problem) -> list[int]:
    """Tasks in an order where every task follows its predecessors (Kahn, lowest rank first)."""
    import heapq

    rank = problem.rank or list(range(problem.n))
    indegree = [len(p) for p in problem.preds]
    succ = successors(problem)
    heap = [(rank[i], i) for i in range(problem.n) if indegree[i] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, task = heapq.heappop(heap)
        order.append(task)
        for s in succ[task]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(heap, (rank[s], s))
    return order


def tail_weights(problem: Problem, order: list[int] | None = None) -> list[float]:
    """For each task, its size plus the heaviest chain of successors after it (critical-path priority)."""
    order = order or topological_order(problem)
    succ = successors(problem)
    tail = [0.0] * problem.n
    for task in reversed(order):
        tail[task] = problem.sizes[task] + max((tail[s] for s in succ[task]), default=0.0)
    return tail


def max_sprint_count(problem: Problem) -> int:
    """A safe upper limit on sprints to open: every task alone, plus the irregular sprints before steady state."""
    return problem.n + problem.steady_from + len(problem.pinned) + 1


def solve(problem: Problem) -> list[Optional[int]]:
    """The sprint (1-based) of every task, or None for a task that did not fit within `max_sprints`."""
    return list_schedule(problem, tail_weights(problem))


def list_schedule(problem: Problem, priority: list[float]) -> list[Optional[int]]:
    """Station-oriented list scheduling: fill sprint after sprint with the highest-priority task that fits.

    A task too large for any sprint goes alone into the first sprint where it is available (it is reported).
    """
    n = problem.n
    rank = problem.rank or list(range(n))
    sprint_of: list[Optional[int]] = [None] * n
    remaining_preds = [len(p) for p in problem.preds]
    succ = successors(problem)
    pinned_by_sprint: dict[int, list[int]] = {}
    for task, sprint in problem.pinned.items():
        pinned_by_sprint.setdefault(sprint, []).append(task)
    available = {i for i in range(n) if remaining_preds[i] == 0 and i not in problem.pinned}
    placed = 0
    limit = problem.max_sprints or max_sprint_count(problem)
    order_key = lambda t: (-priority[t], rank[t])  # noqa: E731
    sprint = 0
    while placed < n and sprint < limit:
        sprint += 1
        capacity = problem.capacity(sprint)
        load = 0.0
        in_sprint: list[int] = []

        def place(task: int) -> None:
            nonlocal load, placed
            sprint_of[task] = sprint
            load += problem.sizes[task]
            placed += 1
            in_sprint.append(task)
            available.discard(task)

        newly: list[int] = []

        def release(task: int) -> None:
            for s in succ[task]:
                remaining_preds[s] -= 1
                if remaining_preds[s] == 0 and s not in problem.pinned:
                    if problem.sequential:
                        newly.append(s)  # available from the next sprint on
                    else:
                        available.add(s)

        for task in sorted(pinned_by_sprint.get(sprint, []), key=order_key):
            place(task)
            release(task)
        while True:
            candidates = sorted(available, key=order_key)
            chosen = next((t for t in candidates if load + problem.sizes[t] <= capacity + EPS), None)
            if chosen is None and not in_sprint and candidates and capacity > 0:
                chosen = candidates[0]  # too large for any sprint: alone, reported by the checks
            if chosen is None:
                break
            place(chosen)
            release(chosen)
            if load >= capacity - EPS:
                break
        available.update(newly)
    return sprint_of
