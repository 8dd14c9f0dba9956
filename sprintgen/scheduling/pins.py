"""Pinned stories (`sprint: N`): the deadlines they give their blockers, and proofs that a pin cannot be kept.

A pinned story P sits in sprint p whatever happens, so every story it depends on, directly or not, must be planned
by sprint p - 1 (sequential mode) or p (concurrent mode): its *deadline*. Two things can make that impossible, and
both are proved here before anything is planned:

- a chain: the blockers of P form a chain too long for the sprints before p (`e.a -> e.b -> e.c` needs three
  sprints in sequential mode), or start after a story pinned later. Such a pin is *relaxed*: P stays in its sprint,
  its blockers are planned as they can, and the check reports `pinned-late` with the chain;
- capacity: the stories due by some sprint d, and not available before sprint e, hold more points than sprints
  e..d have room for once their pinned stories are in. The plan then keeps every dependency and pin by overfilling
  sprints, and the check reports it as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from sprintgen.model import format_points, round_points
from sprintgen.scheduling.problem import (EPS, Problem, gap, largest_capacity, room_after_pins, successors,
                                          topological_order)


@dataclass
class PinAnalysis:
    """What the pins ask of a problem: deadlines, pins that cannot be kept, and a capacity proof if any."""

    deadlines: dict[int, int] = field(default_factory=dict)  # unpinned task -> latest sprint allowed
    earliest: list[int] = field(default_factory=list)  # every task -> first sprint its pinned blockers allow
    relaxed: dict[int, list[int]] = field(default_factory=dict)  # pinned task -> the chain that makes it late
    capacity_proof: Optional[str] = None  # why no plan within capacity meets every deadline, in words
    capacity_stories: list[int] = field(default_factory=list)  # the pinned stories that proof is about
    pinned: dict[int, int] = field(default_factory=dict)  # the pins that count (within `max_sprints`)

    def describe(self, task: int, name: Callable[[int], str]) -> str:
        """Why a relaxed pin cannot be kept, in words."""
        chain = self.relaxed[task]
        start = f"{name(chain[0])} is pinned to sprint {self.pinned[chain[0]]} and " if chain[0] in self.pinned else ""
        return (f"{start}the chain {' -> '.join(name(t) for t in chain)} puts {name(task)} in sprint "
                f"{self.earliest[task]} at the earliest")


def analyse_pins(problem: Problem) -> PinAnalysis:
    """Deadlines, relaxed pins and the capacity proof of a problem (an empty analysis without pins)."""
    cached = problem._cache.get(("pins", problem.max_sprints))
    if cached is not None:
        return cached
    analysis = PinAnalysis()
    pins = {t: s for t, s in problem.pinned.items() if problem.max_sprints is None or s <= problem.max_sprints}
    analysis.pinned = pins
    if pins:
        order = topological_order(problem)
        step = gap(problem)
        earliest, via = _earliest(problem, order, pins, step)
        analysis.earliest = earliest
        for task, sprint in pins.items():
            if earliest[task] > sprint:
                chain = [task]
                while via[chain[-1]] is not None and (len(chain) == 1 or chain[-1] not in pins):
                    chain.append(via[chain[-1]])  # up to the first story or to a pinned one
                analysis.relaxed[task] = list(reversed(chain))
        analysis.deadlines = _deadlines(problem, order, pins, analysis.relaxed, step)
        _capacity_proof(problem, analysis)
    problem._cache[("pins", problem.max_sprints)] = analysis
    return analysis


def _earliest(problem: Problem, order: list[int], pins: dict[int, int], step: int
              ) -> tuple[list[int], list[Optional[int]]]:
    """First sprint every task can take (the chains above it, from sprint 1 or from a pin), and the blocker that
    sets it (None: nothing holds it back)."""
    earliest = [1] * problem.n
    via: list[Optional[int]] = [None] * problem.n
    sprint_at = [1] * problem.n  # where a task is at the earliest: its pin, or its earliest sprint
    for task in order:
        for p in problem.preds[task]:
            if sprint_at[p] + step > earliest[task]:
                earliest[task] = sprint_at[p] + step
                via[task] = p
        sprint_at[task] = pins.get(task, earliest[task])
    return earliest, via


def _deadlines(problem: Problem, order: list[int], pins: dict[int, int], relaxed: dict[int, list[int]],
               step: int) -> dict[int, int]:
    """The latest sprint of every unpinned task that blocks a kept pin, directly or not (a pin past `max_sprints`
    is not planned: it keeps nothing waiting)."""
    succ = successors(problem)
    latest: dict[int, int] = {}
    for task in reversed(order):
        if task in problem.pinned:
            continue
        best = None
        for s in succ[task]:
            if s in problem.pinned:
                bound = None if s in relaxed or s not in pins else pins[s] - step
            else:
                bound = latest.get(s)
                bound = bound - step if bound is not None else None
            if bound is not None and (best is None or bound < best):
                best = bound
        if best is not None:
            latest[task] = best
    return latest


def _capacity_proof(problem: Problem, analysis: PinAnalysis) -> None:
    """Look for sprints e..d too small for the stories that must be planned in them (a proof: no valid plan).

    Deadlines are taken in increasing order; the stories due by d are bucketed by their earliest sprint, so each
    window e..d costs one pass over the distinct earliest sprints."""
    largest = largest_capacity(problem)
    window = sorted((d, analysis.earliest[t], t) for t, d in analysis.deadlines.items()
                    if problem.sizes[t] <= largest + EPS)  # a story too large for any sprint goes alone: not counted
    if not window:
        return
    last = window[-1][0]
    room_before = [0.0]  # room_before[s]: the room of sprints 1..s once their pins are in
    for number in range(1, last + 1):
        room_before.append(room_before[-1] + room_after_pins(problem, number))
    by_earliest: dict[int, float] = {}
    position = 0
    while position < len(window):
        d = window[position][0]
        while position < len(window) and window[position][0] == d:
            _, e, t = window[position]
            by_earliest[e] = by_earliest.get(e, 0.0) + problem.sizes[t]
            position += 1
        need = 0.0
        for e in sorted((e for e in by_earliest if e <= d), reverse=True):
            need += by_earliest[e]
            room = room_before[d] - room_before[e - 1]
            if need > room + EPS:
                _prove(problem, analysis, need, room, e, d)
                return


def _prove(problem: Problem, analysis: PinAnalysis, need: float, room: float, first: int, last: int) -> None:
    """Record the capacity proof for the window first..last: its words and the pinned stories it is about."""
    succ = successors(problem)
    members = [t for t, d in analysis.deadlines.items() if d <= last and analysis.earliest[t] >= first]
    analysis.capacity_stories = sorted({s for t in members for s in succ[t] if s in problem.pinned})
    span = f"sprint {first}" if first == last else f"sprints {first}-{last}"
    analysis.capacity_proof = (
        f"the stories that must come before the pins need {format_points(round_points(need))} points in {span}, "
        f"which have room for {format_points(round_points(room))} besides their pinned stories")


def meets_deadlines(assignment: list[Optional[int]], deadlines: dict[int, int]) -> bool:
    """Every task with a deadline is planned by it."""
    return all(assignment[t] is not None and assignment[t] <= d for t, d in deadlines.items())


def deadline_key(problem: Problem, deadlines: dict[int, int], priority: list[float]) -> list[tuple]:
    """A list-schedule order that takes stories with a deadline first, earliest deadline first (EDF)."""
    rank = problem.ranks()
    never = problem.n + max(problem.pinned.values(), default=0) + 1
    return [(deadlines.get(t, never), -priority[t], rank[t]) for t in range(problem.n)]
