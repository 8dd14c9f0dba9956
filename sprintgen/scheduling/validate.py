"""The last word on a plan: it keeps every pin, every dependency and every sprint's capacity, or says why not.

Exceptions are only the ones the scheduler proved or reports: a pinned story planned before a blocker when no plan
can keep that pin (`relaxed`, reported `pinned-late`), a blocker left out by `--sprints` behind a pinned story
(reported `not-planned` and `pinned-late`), pins filling a sprint over its capacity (their own choice, reported),
a story larger than a regular sprint alone in a sprint (reported), and sprints overfilled on purpose to keep pins and
dependencies when no plan within capacity was found (`overfilled`, reported as an error). Anything else is a bug in
the scheduler: `check_plan` raises `SchedulingBug` rather than let such a plan out.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from sprintgen.errors import InternalError
from sprintgen.scheduling.problem import EPS, Problem, room_after_pins


class SchedulingBug(InternalError):
    """The scheduler produced a plan that breaks a rule it promises to keep."""


def violations(problem: Problem, assignment: list[Optional[int]], relaxed: Iterable[int] = (),
               overfilled: Iterable[int] = (), name: Callable[[int], str] = lambda t: f"task {t}") -> list[str]:
    """Every way the plan breaks a pin, a dependency or a capacity (in task numbers), or [] when it is valid."""
    found: list[str] = []
    relaxed = set(relaxed)
    gap = 1 if problem.sequential else 0
    for task, sprint in problem.pinned.items():
        planned = assignment[task]
        if planned != sprint and not (planned is None and problem.max_sprints is not None
                                      and sprint > problem.max_sprints):
            found.append(f"{name(task)} is pinned to sprint {sprint} but planned in {planned}")
    for task, preds in enumerate(problem.preds):
        sprint = assignment[task]
        if sprint is None:
            continue
        for p in preds:
            blocker = assignment[p]
            if blocker is not None and blocker + gap <= sprint:
                continue
            if task in problem.pinned and (task in relaxed or (blocker is None and problem.max_sprints)):
                continue  # proved unavoidable, or cut by --sprints; both reported
            found.append(f"{name(task)} (sprint {sprint}) depends on {name(p)} (sprint {blocker})")
    if problem.max_sprints is None:
        found += [f"{name(t)} is not planned" for t, s in enumerate(assignment) if s is None]
    found += _overfilled(problem, assignment, set(overfilled))
    return found


def overfilled_sprints(problem: Problem, assignment: list[Optional[int]]) -> list[int]:
    """Sprints whose unpinned stories take more than the room their pins leave (a story too large for a regular
    sprint, alone in one, aside)."""
    free_load: dict[int, float] = {}
    free_count: dict[int, int] = {}
    pinned_count: dict[int, int] = {}
    for task, sprint in enumerate(assignment):
        if sprint is None:
            continue
        if task in problem.pinned:
            pinned_count[sprint] = pinned_count.get(sprint, 0) + 1
        else:
            free_load[sprint] = free_load.get(sprint, 0.0) + problem.sizes[task]
            free_count[sprint] = free_count.get(sprint, 0) + 1
    steady = problem.capacity(max(problem.steady_from, 1))
    alone = {sprint for sprint, count in free_count.items() if count == 1 and not pinned_count.get(sprint)}
    return [sprint for sprint, load in sorted(free_load.items())
            if load > room_after_pins(problem, sprint) + EPS
            and not (sprint in alone and load > steady + EPS)]  # fits no regular sprint: alone, reported


def _overfilled(problem: Problem, assignment: list[Optional[int]], allowed: set[int]) -> list[str]:
    return [f"sprint {sprint} is loaded over the room its pins leave ({room_after_pins(problem, sprint)} points)"
            for sprint in overfilled_sprints(problem, assignment) if sprint not in allowed]


def check_plan(problem: Problem, assignment: list[Optional[int]], relaxed: Iterable[int] = (),
               overfilled: Iterable[int] = (), names: Optional[list[str]] = None) -> None:
    """Raise `SchedulingBug` naming what is wrong when the plan breaks a rule it must keep."""
    found = violations(problem, assignment, relaxed, overfilled,
                       (lambda t: names[t]) if names else (lambda t: f"task {t}"))
    if found:
        text = "; ".join(found[:3]) + (f" (and {len(found) - 3} more)" if len(found) > 3 else "")
        raise SchedulingBug(f"the scheduler made an invalid plan: {text}",
                            hint="this is a bug in sprintgen, please report it with the profile and team file")
