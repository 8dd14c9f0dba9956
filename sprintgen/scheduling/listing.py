"""Station-oriented list scheduling: fill sprint after sprint with the highest-priority story that fits.

Every priority rule of the portfolio (`heuristics`) is one call of `list_schedule` with a different priority.
Pinned stories go first into their sprint. With deadlines (the sprint by which a blocker of a pinned story must be
planned, see `pins`), `force_due` places a story whose deadline has come even if the sprint is full: the result
keeps every dependency and pin, and the overfill is reported (the last resort when no plan within capacity is
found).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from typing import Optional

from sprintgen.scheduling.problem import EPS, Problem, max_sprint_count, successors


class _Pool:
    """Available tasks grouped by size, each group a heap by priority: 'the best task that fits' in O(#sizes)."""

    def __init__(self, sizes: list[float], key: list[tuple]) -> None:
        self.sizes = sizes
        self.key = key
        self.heaps: dict[float, list] = {}
        self.distinct: list[float] = []  # sorted sizes that have (or had) a heap
        self.count = 0
        self.gone: set[int] = set()  # tasks taken out of the pool by `discard` (removed lazily from the heaps)

    def add(self, task: int) -> None:
        size = self.sizes[task]
        heap = self.heaps.get(size)
        if heap is None:
            heap = self.heaps[size] = []
            self.distinct.insert(bisect_right(self.distinct, size), size)
        heapq.heappush(heap, (self.key[task], task))
        self.count += 1

    def discard(self, task: int) -> None:
        """Take a task out of the pool (it was placed by force)."""
        self.gone.add(task)
        self.count -= 1

    def pop_best(self, room: float) -> Optional[int]:
        """Remove and return the highest-priority task of size <= room, or None."""
        best = None
        for size in self.distinct[:bisect_right(self.distinct, room)]:
            heap = self.heaps[size]
            while self.gone and heap and heap[0][1] in self.gone:
                self.gone.discard(heapq.heappop(heap)[1])
            if heap and (best is None or heap[0] < best):
                best = heap[0]
        if best is None:
            return None
        heapq.heappop(self.heaps[self.sizes[best[1]]])
        self.count -= 1
        return best[1]


def list_schedule(problem: Problem, priority: list[float], succ: list[list[int]] | None = None, *,
                  key: list[tuple] | None = None, deadlines: dict[int, int] | None = None,
                  force_due: bool = False) -> list[Optional[int]]:
    """The sprint of every task: each sprint takes the highest-priority available task that fits, in turn.

    Pinned tasks go first into their sprint. A task that fits no sprint from the steady state on goes alone into an
    empty sprint (the checks report it); tasks still unplaced after `max_sprints` sprints are None. `key` replaces
    the order given by (-priority, rank). With `force_due`, a task still unplaced when its deadline's sprint is
    filled goes into it anyway.
    """
    rank = problem.ranks()
    key = key if key is not None else [(-priority[t], rank[t]) for t in range(problem.n)]
    scheduler = _ListScheduler(problem, succ if succ is not None else successors(problem), key)
    if force_due and deadlines:
        for task in sorted(deadlines, key=key.__getitem__):
            scheduler.due_by_sprint.setdefault(deadlines[task], []).append(task)
    return scheduler.run()


class _ListScheduler:
    """One list schedule: the pool of available tasks, the sprint of each task, what each still waits for."""

    def __init__(self, problem: Problem, succ: list[list[int]], key: list[tuple]) -> None:
        self.problem = problem
        self.succ = succ
        self.gap = 1 if problem.sequential else 0
        self.pins_by_sprint: dict[int, list[int]] = {}
        for task in sorted(problem.pinned, key=key.__getitem__):
            self.pins_by_sprint.setdefault(problem.pinned[task], []).append(task)
        self.due_by_sprint: dict[int, list[int]] = {}
        self.remaining = [len(p) for p in problem.preds]
        self.pool = _Pool(problem.sizes, key)
        for task in range(problem.n):
            if self.remaining[task] == 0 and task not in problem.pinned:
                self.pool.add(task)
        self.sprint_of: list[Optional[int]] = [None] * problem.n
        self.placed = 0

    def run(self) -> list[Optional[int]]:
        limit = self.problem.max_sprints or max_sprint_count(self.problem)
        sprint = 0
        while self.placed < self.problem.n and sprint < limit:
            sprint += 1
            newly: list[int] = []  # sequential mode: available from the next sprint on
            self.fill(sprint, newly)
            self.force_due(sprint, newly)
            for s in newly:
                self.pool.add(s)
        return self.sprint_of

    def fill(self, sprint: int, newly: list[int]) -> None:
        """The sprint's pins, then the best available tasks that fit (or one that fits no sprint, alone)."""
        problem, pool = self.problem, self.pool
        capacity = problem.capacity(sprint)
        load = 0.0
        in_sprint = 0
        forced = list(self.pins_by_sprint.get(sprint, []))
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
            self.place(task, sprint, newly)
            load += problem.sizes[task]
            in_sprint += 1

    def force_due(self, sprint: int, newly: list[int]) -> None:
        """Tasks whose deadline is this sprint go in even when it is full. They wait for nothing unplaced: their
        blockers are due earlier (or, concurrent mode, here too: the loop repeats until nothing more is placed)."""
        due = self.due_by_sprint.get(sprint, [])
        progress = bool(due)
        while progress:
            progress = False
            for task in due:
                if self.sprint_of[task] is None and self.remaining[task] == 0 and all(
                        self.sprint_of[p] + self.gap <= sprint for p in self.problem.preds[task]):
                    self.pool.discard(task)
                    self.place(task, sprint, newly)
                    progress = True

    def place(self, task: int, sprint: int, newly: list[int]) -> None:
        self.sprint_of[task] = sprint
        self.placed += 1
        for s in self.succ[task]:
            self.remaining[s] -= 1
            if self.remaining[s] == 0 and s not in self.problem.pinned:
                if self.problem.sequential:
                    newly.append(s)
                else:
                    self.pool.add(s)
