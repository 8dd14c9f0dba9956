"""The packing rule of the forecast: a serial, first-fit schedule in a fixed priority order.

Stories are taken one by one in a precedence-feasible priority order (see `priority_order`). Each goes into the
first sprint, from the earliest its dependencies allow (after its blockers' sprint in sequential mode, the same
sprint allowed in concurrent mode, never before a pinned sprint), that still has room for it or is still empty; an
empty sprint takes one story of any size (a story too large for every sprint then takes a sprint to itself instead
of never being planned). A pinned story whose blockers are done in time stays in its pinned sprint, full or not
(even one with no capacity), exactly as the plan keeps it.

When the optimised plan is known (always, from the CLI), the priority order is the plan's: sprint by sprint, then
critical-path priority, so the zero-spread forecast reproduces the plan instead of second-guessing it.

The rule exists twice: `pack_one` in plain Python (one trial; the reference, and what `deterministic_sprints`
reports) and `pack_trials` with numpy, which places each story in every trial at once over a [trials x sprints]
matrix of remaining capacity. Tests check that both give the same sprints for the same draws.
"""

from __future__ import annotations

from typing import Any, Callable, Collection, Optional, Sequence

from sprintgen.errors import TeamError
from sprintgen.graph import kahn_order, successor_lists, tail_weights
from sprintgen.model import EPS

#: Extra sprints opened beyond the obvious bound before giving up (sprints with zero capacity are skipped).
SPARE_SPRINTS = 64


def priority_order(sizes: Sequence[float], preds: Sequence[Sequence[int]],
                   rank: Optional[Sequence[int]] = None, planned: Optional[Sequence[Optional[int]]] = None,
                   milestone: Optional[Sequence[int]] = None) -> list[int]:
    """Stories in the order they are packed: every story after its predecessors; by planned sprint when a plan is
    given, then the first milestone that needs the story (`graph.milestone_ranks`), then heaviest tail first.

    Packing in the plan's sprint order reproduces the plan (or better) when sizes and capacities are as planned:
    each story finds its planned sprint at most as full as in the plan. The tail of a story is its size plus the
    heaviest chain of stories that depend on it (critical-path priority): starting long chains early is what keeps
    dependency-bound plans short.
    """
    n = len(sizes)
    rank = list(rank) if rank is not None else list(range(n))
    sprint = [s if s is not None else n + 10**6 for s in planned] if planned is not None else [0] * n
    succ = successor_lists(preds)
    tail = tail_weights(sizes, succ, kahn_order(preds, succ, lambda t: (rank[t], t)))
    first = list(milestone) if milestone is not None else [0] * n
    return kahn_order(preds, succ, lambda t: (sprint[t], first[t], -tail[t], rank[t], t))


def sprint_limit(n: int, pins: dict[int, int], steady_from: int) -> int:
    """Sprints the packing may open: one per story after the last pinned or irregular sprint, plus spares."""
    return n + max(list(pins.values()) + [steady_from, 1]) + SPARE_SPRINTS


def _no_room(story: str) -> TeamError:
    return TeamError(f"the forecast found no sprint with capacity for story '{story}'",
                     where="team", hint="give the team a capacity above 0 (velocity, members' capacity, sprints)")


def pack_one(sizes: Sequence[float], preds: Sequence[Sequence[int]], order: Sequence[int],
             capacity: Callable[[int], float], sequential: bool, pins: dict[int, int],
             limit: int, names: Sequence[str] = (), fixed: Optional[Collection[int]] = None) -> list[int]:
    """One trial of the packing rule in plain Python: the sprint (1-based) of every story.

    `pins` are the earliest sprints stories may take; those in `fixed` (default: every pin) are commitments, kept in
    their sprint full or not when their blockers allow it, where the others slip to a later sprint with room."""
    fixed = pins.keys() if fixed is None else fixed
    remaining: dict[int, float] = {}
    empty: dict[int, bool] = {}
    sprint_of = [0] * len(sizes)
    for task in order:
        earliest = max([sprint_of[p] + (1 if sequential else 0) for p in preds[task]] + [1, pins.get(task, 1)])
        size = sizes[task]
        number = earliest
        while True:
            if number > limit:
                raise _no_room(names[task] if names else str(task))
            if number not in remaining:
                remaining[number] = capacity(number)
                empty[number] = remaining[number] > EPS
            # a pin its blockers allow is kept, full or not, as the plan keeps it
            if remaining[number] >= size - EPS or empty[number] or (task in fixed and number == pins[task]):
                break
            number += 1
        remaining[number] = max(remaining[number] - size, 0.0)
        empty[number] = False
        sprint_of[task] = number
    return sprint_of


class CapacityGrid:
    """Capacity and remaining capacity of every sprint of every trial, grown on demand.

    A trial's capacity of sprint s is the team's capacity of sprint s (availability, holidays and overrides
    included) times the trial's velocity factor for that sprint.
    """

    def __init__(self, base: Callable[[int], float], factors: Callable[[int, int], Any], trials: int) -> None:
        import numpy as np

        self._np = np
        self.base = base
        self.factors = factors  # (trials, count) -> [trials x count] factors
        self.trials = trials
        self.capacity = np.zeros((trials, 0))
        self.remaining = np.zeros((trials, 0))
        self.empty = np.zeros((trials, 0), dtype=bool)

    @property
    def width(self) -> int:
        """How many sprints are open."""
        return self.capacity.shape[1]

    def ensure(self, columns: int) -> None:
        """Open sprints up to `columns` (at least doubling, so growth costs little)."""
        np = self._np
        if columns <= self.width:
            return
        start = self.width
        count = max(columns, 2 * start, 16) - start
        base = np.array([self.base(number) for number in range(start + 1, start + count + 1)], dtype=float)
        added = base[None, :] * self.factors(self.trials, count)
        self.capacity = np.concatenate([self.capacity, added], axis=1)
        self.remaining = np.concatenate([self.remaining, added.copy()], axis=1)
        self.empty = np.concatenate([self.empty, added > EPS], axis=1)


def pack_trials(sizes: Any, preds: Sequence[Sequence[int]], order: Sequence[int], grid: CapacityGrid,
                sequential: bool, pins: dict[int, int], limit: int, names: Sequence[str] = (),
                fixed: Optional[Collection[int]] = None) -> Any:
    """Every trial of the packing rule at once: a [trials x stories] matrix of sprints (1-based).

    For each story in `order`, across all trials: earliest sprint from the predecessors' sprints, then the first
    sprint at or after it with room (or still empty), searched only over the window of sprints that can matter.
    The work is a few numpy operations per story, each over the trials: linear in the stories.
    """
    import numpy as np

    trials, count = sizes.shape
    by_story = np.ascontiguousarray(sizes.T)  # one contiguous row per story
    sprint = np.zeros((count, trials), dtype=np.int64)  # 0-based columns, one row per story
    rows = np.arange(trials)
    shift = 0 if sequential else 1
    used = 0  # sprints used by some trial so far
    first_open = 0  # every sprint before this column is full in every trial
    for task in order:
        size = by_story[task]
        need = size - EPS
        task_preds = preds[task]
        if task_preds:
            latest_pred = sprint[task_preds[0]] if len(task_preds) == 1 else sprint[task_preds].max(axis=0)
            earliest = latest_pred + (1 - shift)
            low, latest = int(earliest.min()), int(earliest.max())
        else:
            earliest, low, latest = None, 0, 0
        if task in pins:
            earliest = np.maximum(earliest if earliest is not None else np.zeros(trials, np.int64), pins[task] - 1)
            low, latest = int(earliest.min()), int(earliest.max())
        if need.min() > 0:
            low = max(low, first_open)  # full sprints take no story with a size
        # Column max(used, latest earliest) is still empty in every trial, so the window usually holds an answer.
        high = max(used, latest, low) + 1
        if high > limit:
            raise _no_room(names[task] if names else str(task))
        grid.ensure(high)
        fits = (grid.remaining[:, low:high] >= need[:, None]) | grid.empty[:, low:high]
        if earliest is not None and latest > low:
            fits &= np.arange(low, high)[None, :] >= earliest[:, None]
        column = fits.argmax(axis=1) + low
        missing = ~fits[rows, column - low]
        if task in pins and (fixed is None or task in fixed):  # kept where its blockers allow it, full or not
            kept = earliest == pins[task] - 1
            column[kept] = pins[task] - 1
            missing &= ~kept
        if missing.any():  # only sprints with zero capacity get here
            column = _search_further(missing, column, need, earliest, grid, high, limit, names[task] if names
                                     else str(task))
        grid.remaining[rows, column] = np.maximum(grid.remaining[rows, column] - size, 0.0)
        grid.empty[rows, column] = False
        sprint[task] = column
        used = max(used, int(column.max()) + 1)
        while first_open < grid.width and not (grid.remaining[:, first_open] > EPS).any():
            first_open += 1
    sprint += 1
    return sprint.T


def _search_further(missing: Any, column: Any, need: Any, earliest: Any, grid: CapacityGrid, low: int, limit: int,
                    name: str) -> Any:
    """The trials whose window had no room: search on, sixteen sprints at a time."""
    import numpy as np

    pending = np.flatnonzero(missing)
    while pending.size:
        high = low + 16
        if high > limit:
            raise _no_room(name)
        grid.ensure(high)
        fits = (grid.remaining[pending, low:high] >= need[pending, None]) | grid.empty[pending, low:high]
        if earliest is not None:
            fits &= np.arange(low, high)[None, :] >= earliest[pending, None]
        found = fits.any(axis=1)
        column[pending[found]] = fits[found].argmax(axis=1) + low
        pending = pending[~found]
        low = high
    return column
