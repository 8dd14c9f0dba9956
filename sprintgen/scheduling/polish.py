"""After the packing: keep the sprint count, put higher-priority work first, and fit a fixed number of sprints.

`pull_forward` moves every story, in priority order (rank), to the earliest sprint where its dependencies and the
remaining capacity allow. Moving a story earlier never breaks what depends on it, and never adds a sprint, so the
count found by the packing is kept. A segment tree over the sprints' free room finds that sprint in O(log sprints).
`swap_forward` then exchanges a story with a lower-priority one planned earlier when both fit and no dependency
objects, so a full early sprint does not keep important work waiting behind less important work.
"""

from __future__ import annotations

from typing import Optional

from sprintgen.scheduling.problem import EPS, Problem, successors

#: Passes over all stories; each pass only moves stories earlier, so a few reach a fixed point on real backlogs.
PULL_PASSES = 4
#: Exchanges are tried up to this many stories (they look at every story of every earlier sprint).
SWAP_MAX_TASKS = 1000


class _RoomTree:
    """Free room per sprint (1..size) with 'first sprint >= lo with room >= need' in O(log size)."""

    def __init__(self, rooms: list[float]) -> None:
        self.size = 1
        while self.size < len(rooms):
            self.size *= 2
        self.tree = [float("-inf")] * (2 * self.size)
        for i, room in enumerate(rooms):
            self.tree[self.size + i] = room
        for i in reversed(range(1, self.size)):
            self.tree[i] = max(self.tree[2 * i], self.tree[2 * i + 1])

    def add(self, sprint: int, delta: float) -> None:
        i = self.size + sprint - 1
        self.tree[i] += delta
        i //= 2
        while i:
            self.tree[i] = max(self.tree[2 * i], self.tree[2 * i + 1])
            i //= 2

    def first_fit(self, lo: int, hi: int, need: float) -> Optional[int]:
        """The first sprint in [lo, hi] with room >= need, or None."""
        return self._find(1, 1, self.size, lo, hi, need)

    def _find(self, node: int, left: int, right: int, lo: int, hi: int, need: float) -> Optional[int]:
        if right < lo or left > hi or self.tree[node] < need - EPS:
            return None
        if left == right:
            return left
        middle = (left + right) // 2
        found = self._find(2 * node, left, middle, lo, hi, need)
        if found is None:
            found = self._find(2 * node + 1, middle + 1, right, lo, hi, need)
        return found


def pull_forward(problem: Problem, assignment: list[Optional[int]]) -> list[Optional[int]]:
    """Same sprint count, each story (rank order) as early as dependencies and capacity allow.

    Unplanned stories (None) are placed into the existing sprints when they now fit there.
    """
    last = max((s for s in assignment if s is not None), default=0)
    if last == 0:
        return list(assignment)
    if problem.max_sprints is not None:
        last = max(last, problem.max_sprints)
    result = list(assignment)
    rooms = [problem.capacity(s) for s in range(1, last + 1)]
    for task, sprint in enumerate(result):
        if sprint is not None:
            rooms[sprint - 1] -= problem.sizes[task]
    tree = _RoomTree(rooms)
    rank = problem.ranks()
    order = sorted(range(problem.n), key=rank.__getitem__)
    gap = 1 if problem.sequential else 0
    succ = successors(problem)
    for _ in range(PULL_PASSES):
        moved = False
        for task in order:
            current = result[task]
            if task in problem.pinned:
                continue
            pred_sprints = [result[p] for p in problem.preds[task]]
            if any(s is None for s in pred_sprints):
                continue
            earliest = max(pred_sprints, default=0) + gap
            earliest = max(earliest, 1)
            latest = (current - 1) if current is not None else last
            if current is None:  # an unplanned story still goes before what is planned after it (a pin)
                latest = min([latest] + [result[s] - gap for s in succ[task] if result[s] is not None])
            if earliest > latest:
                continue
            target = tree.first_fit(earliest, latest, problem.sizes[task])
            if target is None:
                continue
            if current is not None:
                tree.add(current, problem.sizes[task])
            tree.add(target, -problem.sizes[task])
            result[task] = target
            moved = True
        if not moved:
            break
    return result


def fit_into_limit(problem: Problem, assignment: list[Optional[int]]) -> list[Optional[int]]:
    """Cut a plan to `max_sprints`: stories after it, and those depending on them, are left unplanned (None)."""
    limit = problem.max_sprints
    result = [s if s is not None and s <= limit else None for s in assignment]
    succ = successors(problem)
    stack = [t for t, s in enumerate(result) if s is None]
    while stack:
        task = stack.pop()
        for s in succ[task]:
            if result[s] is not None and s not in problem.pinned:
                result[s] = None
                stack.append(s)
    return result


def swap_forward(problem: Problem, assignment: list[Optional[int]]) -> list[Optional[int]]:
    """Exchange each story (rank order) with the lowest-priority story of an earlier sprint when that is allowed.

    Story a (sprint j) and a lower-priority story b (an earlier sprint i) trade places when a fits in i once b
    leaves, b fits in j once a leaves, a's blockers are done before i (or in i, concurrent mode) and b's dependents
    all come after j (or in j). The sprint count never changes.
    """
    if problem.n > SWAP_MAX_TASKS:
        return assignment
    result = list(assignment)
    sizes = problem.sizes
    rank = problem.ranks()
    succ = successors(problem)
    gap = 1 if problem.sequential else 0
    last = max((x for x in result if x is not None), default=0)
    room = [0.0] + [problem.capacity(x) for x in range(1, last + 1)]
    members: list[list[int]] = [[] for _ in range(last + 1)]
    for task, sprint in enumerate(result):
        if sprint is not None:
            room[sprint] -= sizes[task]
            members[sprint].append(task)
    for a in sorted(range(problem.n), key=rank.__getitem__):
        j = result[a]
        if j is None or a in problem.pinned or any(result[p] is None for p in problem.preds[a]):
            continue
        earliest = max([result[p] + gap for p in problem.preds[a]] + [1])
        for i in range(earliest, j):
            best = None
            for b in members[i]:
                if rank[b] <= rank[a] or b in problem.pinned or a in succ[b]:
                    continue
                if room[i] + sizes[b] < sizes[a] - EPS or room[j] + sizes[a] < sizes[b] - EPS:
                    continue
                if any(result[s] is not None and result[s] < j + gap for s in succ[b]):
                    continue
                if best is None or rank[b] > rank[best]:
                    best = b
            if best is not None:
                b = best
                members[i].remove(b)
                members[j].remove(a)
                members[i].append(a)
                members[j].append(b)
                room[i] += sizes[b] - sizes[a]
                room[j] += sizes[a] - sizes[b]
                result[a], result[b] = i, j
                break
    return result
