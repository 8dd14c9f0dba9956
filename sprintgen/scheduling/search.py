"""Station-oriented branch, bound and remember (after Sewell & Jacobson 2012) for small and medium backlogs.

A node is the set of stories already planned when a sprint opens (a bit mask). Its children are the sprint's
*full loads*: subsets of the available stories that fit the sprint and to which no other available story could be
added (a non-full load is never better). Children are tried fullest first, so the first dive is the Hoffmann
heuristic; the search is cyclic best-first (one queue per sprint count, least idle capacity first). Up to
`EXACT_MAX_TASKS` stories every full load is enumerated first, so a search that ends proves its answer; after that
(or beyond) beams of the fullest loads, narrow then wider, search within the budget. A node is cut when the
sprints used plus a lower bound on the rest (capacity, large stories, the sprints each story's dependents need)
cannot beat the best plan, and remembered so the same set is never expanded twice with as many sprints.
Everything is counted in nodes: the result does not depend on the machine's speed.

Pinned stories join the load of their sprint whatever its room; the other stories share what room is left, and a
load that leaves out a story whose deadline (`pins`) is this sprint is not a child. A sprint with nothing available
(everything left waits for a later pin) is an empty load.
"""

from __future__ import annotations

import heapq
import math
from typing import Optional

from sprintgen.graph import bits, chain_depths, descendant_masks, kahn_order, successor_lists
from sprintgen.scheduling.bounds import WINDOW_MAX_TASKS, earliest_sprints_cached
from sprintgen.scheduling.pins import analyse_pins
from sprintgen.scheduling.problem import EPS, Problem, room_after_pins, successors

#: Beams, narrowest first: per sprint, at most this many enumeration steps and this many full loads kept (the
#: fullest). A narrow beam often finds the plan at once; when it is exhausted, the next, wider one searches again.
BEAMS = ((300, 10), (1_000, 25), (3_000, 60))
#: The exact search (a proof when it ends) is tried first up to this many stories: backlogs, not assembly lines.
EXACT_MAX_TASKS = 80


class StationSearch:
    """Search for a plan with fewer sprints than `upper`; tasks are relabelled in a topological order that takes
    the largest story first (rank breaks ties), so nothing depends on how the caller numbered them."""

    def __init__(self, problem: Problem, budget: int, exact: bool = False) -> None:
        self.problem = problem
        self.order = _size_first_order(problem)
        position = {task: i for i, task in enumerate(self.order)}
        n = self.n = problem.n
        self.sizes = [problem.sizes[t] for t in self.order]
        self.preds = [[position[p] for p in problem.preds[t]] for t in self.order]
        self.succ = successor_lists(self.preds)
        self.predmask = [sum(1 << p for p in preds) for preds in self.preds]
        self.sequential = problem.sequential
        self.full = (1 << n) - 1
        self.budget = budget
        self.nodes = 0
        self.exact = exact  # enumerate every full load (no beam): a search that ends is a proof
        self.enum_steps, self.max_loads = BEAMS[0]
        self.truncated = False  # some loads were left out, or the budget ran out: no proof
        self.complete = False  # the search ended with nothing left to try: its best is the optimum
        self.steady = problem.capacity(problem.steady_from)
        self.largest = max([problem.capacity(s) for s in range(1, problem.steady_from)] + [self.steady])
        self._prepare_pins(position)
        self._prepare_bounds()

    def _prepare_pins(self, position: dict[int, int]) -> None:
        """Pins (per sprint, as masks) and deadlines (the tasks due by each sprint, as masks) in internal labels."""
        self.pins_at: dict[int, int] = {}
        self.pin_of = [0] * self.n  # internal task -> its pinned sprint, or 0
        for task, sprint in self.problem.pinned.items():
            self.pins_at[sprint] = self.pins_at.get(sprint, 0) | 1 << position[task]
            self.pin_of[position[task]] = sprint
        self.pinned_mask = sum(self.pins_at.values())
        self.last_pin = max(self.pins_at, default=0)
        self.due_by: dict[int, int] = {}  # sprint -> tasks due in it (cumulated in `due_mask`)
        for task, sprint in analyse_pins(self.problem).deadlines.items():
            self.due_by[sprint] = self.due_by.get(sprint, 0) | 1 << position[task]
        # pins past the irregular sprints change the room of their sprints: count them one by one
        self.steady_after = max(self.problem.steady_from, self.last_pin + 1)

    def due_mask(self, sprint: int) -> int:
        """The tasks whose deadline is this sprint or earlier."""
        return sum(mask for number, mask in self.due_by.items() if number <= sprint)

    def room(self, sprint: int) -> float:
        """What the unpinned stories can take in a sprint."""
        return room_after_pins(self.problem, sprint)

    # --- bounds -------------------------------------------------------------------------------------------------

    def _prepare_bounds(self) -> None:
        n, c = self.n, self.largest
        order = list(range(n))  # internal labels are a topological order
        below = descendant_masks(self.succ, order)
        chain = chain_depths(self.succ, order)
        free_size = [0.0 if self.pinned_mask >> i & 1 else self.sizes[i] for i in range(n)]
        need = []
        for i in range(n):
            work = free_size[i] + sum(free_size[j] for j in bits(below[i]))
            stations = max(1, math.ceil(work / c - EPS)) if c > EPS else n
            need.append(max(stations, chain[i]) if self.sequential else stations)
        if not self.pinned_mask and n <= WINDOW_MAX_TASKS and c > EPS and max(self.sizes, default=0) <= c + EPS:
            # the windowed bound of bounds.py, read backwards: sprints a story and all its dependents need
            windowed = earliest_sprints_cached(self.problem, c, backward=True)
            need = [max(need[i], windowed[self.order[i]]) for i in range(n)]
        self.tail_need = need
        self.by_need = sorted(range(n), key=lambda i: -need[i])
        free = self.full & ~self.pinned_mask  # pinned stories share their sprint whatever their size

        def having(test) -> int:
            return sum(1 << i for i in range(n) if test(self.sizes[i])) & free

        self.lb2 = (having(lambda size: size > c / 2 + EPS), having(lambda size: abs(size - c / 2) <= EPS))
        self.lb3 = (having(lambda size: size > 2 * c / 3 + EPS), having(lambda size: abs(size - 2 * c / 3) <= EPS),
                    having(lambda size: c / 3 + EPS < size < 2 * c / 3 - EPS),
                    having(lambda size: abs(size - c / 3) <= EPS))

    def _rest_capacity(self, k: int, remaining: float) -> int:
        """Fewest further sprints after sprint k whose capacities hold `remaining` points."""
        if remaining <= EPS:
            return 0
        count = 0
        number = k
        while number + 1 < self.steady_after:
            number += 1
            count += 1
            remaining -= self.room(number)
            if remaining <= EPS:
                return count
        return count + math.ceil(remaining / self.steady - EPS)

    def bound(self, mask: int, k: int, remaining: float) -> int:
        """A lower bound on the total sprints of any plan extending `mask` planned in k sprints."""
        free = self.full & ~mask
        best = self._rest_capacity(k, remaining)
        half, exact_half = self.lb2
        lb2 = (free & half).bit_count() + (free & exact_half).bit_count() / 2
        t1, t23, t12, t13 = self.lb3
        lb3 = ((free & t1).bit_count() + (free & t23).bit_count() * 2 / 3 + (free & t12).bit_count() / 2
               + (free & t13).bit_count() / 3)
        best = max(best, math.ceil(max(lb2, lb3) - 1e-6))
        for i in self.by_need:
            if free >> i & 1:
                best = max(best, self.tail_need[i])
                break
        if free & self.pinned_mask:  # a story pinned later ends the plan no earlier than its sprint
            return max(k + best, max(self.pin_of[i] for i in bits(free & self.pinned_mask)))
        return k + best

    # --- full loads ---------------------------------------------------------------------------------------------

    def full_loads(self, mask: int, sprint: int) -> list[tuple[float, int]]:
        """The fullest maximal loads of a sprint: (unpinned load, mask after it), fullest first, then by rank."""
        capacity = self.room(sprint)
        pinned_now = self.pins_at.get(sprint, 0)
        start = mask | pinned_now
        done = start if not self.sequential else mask  # concurrent: a pin's dependents may follow it in its sprint
        # in topological order: every subset is then generated once, each story after the ones it depends on
        available = [i for i in range(self.n) if not start >> i & 1 and not self.pinned_mask >> i & 1
                     and self.predmask[i] & ~done == 0]
        due = self.due_mask(sprint) if self.due_by else 0
        if not available:
            return [(0.0, start)] if start & due == due and (pinned_now or self.pinned_mask & ~mask) else []
        found: list[tuple[float, int]] = []
        steps = 0
        sizes, succ, predmask, sequential = self.sizes, self.succ, self.predmask, self.sequential
        pinned = self.pinned_mask

        limit = self.budget - self.nodes if self.exact else self.enum_steps

        def extend(cands: list[int], start: int, current: int, load: float) -> None:
            nonlocal steps
            steps += 1
            if steps > limit:
                self.truncated = True
                return
            room = capacity - load + EPS
            grew = False
            for idx in range(start, len(cands)):
                task = cands[idx]
                if sizes[task] > room:
                    continue
                grew = True
                chosen = current | (1 << task)
                following = cands
                if not sequential:
                    released = [s for s in succ[task] if predmask[s] & ~chosen == 0 and not pinned >> s & 1]
                    if released:
                        following = cands[:idx + 1] + sorted(cands[idx + 1:] + released)
                extend(following, idx + 1, chosen, load + sizes[task])
                if steps > limit:
                    return
            if grew:
                return
            for task in cands:  # full: nothing skipped earlier may still fit
                if not current >> task & 1 and sizes[task] <= room:
                    return
            found.append((load, current))

        extend(available, 0, start, 0.0)
        if due:
            found = [(load, after) for load, after in found if after & due == due]
        # count the scans around the enumeration too (available stories, bounds of the children), so that the
        # budget tracks the work done rather than only the enumeration
        self.nodes += steps + self.n // 8 + len(found)
        found.sort(key=lambda item: (-item[0], item[1]))  # fullest first; ties by a fixed order of the sets
        if not self.exact and len(found) > self.max_loads:
            self.truncated = True
            return found[:self.max_loads]
        return found

    # --- the search ---------------------------------------------------------------------------------------------

    def run(self, upper: int) -> Optional[list[int]]:
        """A plan (internal order) with fewer than `upper` sprints, the fewest found within the budget, or None.

        Cyclic best-first search: one queue of open nodes per sprint count; the search cycles through the counts and
        expands, at each, the node with the least idle capacity so far. It dives like depth-first search, but never
        gets stuck in the first subtree (Sewell & Jacobson's CBFS).
        """
        total = sum(size for i, size in enumerate(self.sizes) if not self.pinned_mask >> i & 1)
        target = self.bound(0, 0, total)
        tree = _Tree(upper)
        level = 0
        empty_rounds = 0
        while tree.best > target:
            if self.nodes > self.budget:
                self.truncated = True
                break
            if level >= len(tree.levels) or level + 1 >= tree.best:
                level = 0
            heap = tree.levels[level]
            if not heap:
                level += 1
                empty_rounds += 1
                if empty_rounds > len(tree.levels) + 1:
                    self.complete = not self.truncated  # every queue is empty: nothing better exists
                    break
                continue
            empty_rounds = 0
            _idle, _tie, node, done = heapq.heappop(heap)
            mask = tree.masks[node]
            if not tree.dominated(node, mask, level) and self.bound(mask, level, total - done) < tree.best:
                self._expand(tree, node, level, done, total)
            level += 1
        return self._read_plan(tree) if tree.best_node >= 0 else None

    def _expand(self, tree: "_Tree", node: int, k: int, done: float, total: float) -> None:
        """Open the children of a node planned in k sprints: one per full load of sprint k + 1."""
        mask = tree.masks[node]
        while len(tree.capacity_so_far) <= k + 1:
            tree.capacity_so_far.append(tree.capacity_so_far[-1] + self.room(len(tree.capacity_so_far)))
        for load, after in self.full_loads(mask, k + 1):
            planned = done + load
            child = tree.add(after, node)
            if after == self.full:
                if k + 1 < tree.best:
                    tree.best, tree.best_node = k + 1, child
                continue
            if self.bound(after, k + 1, total - planned) >= tree.best:
                continue
            if tree.remember(child, after, mask, k + 1):
                tree.push(child, k + 1, tree.capacity_so_far[k + 1] - planned, planned)

    def _read_plan(self, tree: "_Tree") -> list[int]:
        """The sprint of every task (caller's numbering) on the path to the best node."""
        chain = []
        node = tree.best_node
        while node > 0:
            chain.append(tree.masks[node])
            node = tree.parents[node]
        chain.reverse()
        assignment = [0] * self.n
        previous = 0
        for number, after in enumerate(chain, start=1):
            for i in bits(after & ~previous):
                assignment[self.order[i]] = number
            previous = after
        return assignment


class _Tree:
    """The nodes of a search (mask and parent each), its open queues per sprint count, and what it remembers."""

    def __init__(self, upper: int) -> None:
        self.best = upper
        self.best_node = -1
        self.parents: list[int] = [-1]
        self.masks: list[int] = [0]
        self.levels: list[list] = [[(0.0, 0, 0, 0.0)]]  # per sprint count: (idle, tie, node id, planned points)
        self.memo: dict[int, int] = {0: 0}  # set of planned stories -> fewest sprints it was reached in
        self.waiting: set[int] = set()  # nodes after an empty sprint (waiting for a pin): the memo must not cut them
        self.capacity_so_far = [0.0]

    def add(self, mask: int, parent: int) -> int:
        self.masks.append(mask)
        self.parents.append(parent)
        return len(self.masks) - 1

    def dominated(self, node: int, mask: int, k: int) -> bool:
        """The same stories were planned in fewer sprints elsewhere."""
        return self.memo.get(mask, k) < k and node not in self.waiting

    def remember(self, child: int, after: int, mask: int, k: int) -> bool:
        """Record a child reached in k sprints; False when the same stories were reached as fast before."""
        seen = self.memo.get(after)
        if after == mask:
            self.waiting.add(child)  # an empty sprint: the same stories planned, a sprint later
        elif seen is not None and seen <= k:
            return False
        self.memo[after] = min(self.memo.get(after, k), k)
        return True

    def push(self, child: int, k: int, idle: float, planned: float) -> None:
        while len(self.levels) <= k:
            self.levels.append([])
        heapq.heappush(self.levels[k], (idle, child, child, planned))


def _size_first_order(problem: Problem) -> list[int]:
    """A topological order taking the largest available story first (then by rank): the enumeration of loads
    follows it, so the fullest loads turn up before the enumeration is cut."""
    ranks = problem.ranks()
    return kahn_order(problem.preds, successors(problem), lambda i: (-problem.sizes[i], ranks[i]))


def search(problem: Problem, upper: int, budget: int) -> tuple[Optional[list[int]], bool]:
    """A plan with fewer than `upper` sprints found within `budget` nodes (or None), and whether the search proved
    that its result (or `upper` when it found nothing) is the fewest possible.

    A quarter of the budget goes to an exact search (every full load); if that does not finish, a beam search
    (the fullest loads only) uses the rest.
    """
    if problem.n == 0 or problem.n > 2000:
        return None, False
    engine = StationSearch(problem, budget // 4, exact=True)
    if engine.steady <= EPS or any(s > engine.steady + EPS for t, s in enumerate(problem.sizes)
                                   if t not in problem.pinned):
        return None, False
    found = None
    if problem.n <= EXACT_MAX_TASKS:
        found = engine.run(upper)
        if engine.complete or (found is not None and max(found) <= engine.bound(0, 0, sum(engine.sizes))):
            return found, True
    engine.exact = False
    engine.budget = budget
    target = engine.bound(0, 0, sum(engine.sizes))
    for steps, loads in BEAMS:
        engine.enum_steps, engine.max_loads = steps, loads
        engine.truncated = engine.complete = False
        better = engine.run(max(found) if found is not None else upper)
        if better is not None:
            found = better
        if engine.nodes > budget or (found is not None and max(found) <= target):
            break
    return found, False


def reversed_problem(problem: Problem) -> Problem:
    """The same problem with every dependency turned round (plan from the last sprint back)."""
    ranks = problem.ranks()
    return Problem(sizes=list(problem.sizes), preds=successors(problem), capacity=problem.capacity,
                   sequential=problem.sequential, rank=[-r for r in ranks], steady_from=problem.steady_from)
