"""Packing stories into sprints under capacity, precedence and pins: the order in which the parts run.

`solve_plan` is the entry point: the pins are analysed first (`pins`: deadlines for their blockers, pins no plan can
keep); the portfolio of priority rules and the branch, bound and remember search (`heuristics`, `search`) look for
the fewest sprints; `--sprints` cuts the plan to its limit; a final pass keeps the sprint count and pulls
higher-priority work earlier (`polish`). When no plan within capacity keeps every pin and dependency, the last
resort places each blocker by its deadline anyway and the overfilled sprints are reported. Every search is bounded
by a count of nodes, never by time, so a plan is the same on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sprintgen.scheduling.bounds import lower_bounds
from sprintgen.scheduling.heuristics import best_plan
from sprintgen.scheduling.listing import list_schedule
from sprintgen.scheduling.pins import PinAnalysis, analyse_pins, deadline_key
from sprintgen.scheduling.polish import fit_into_limit, pull_forward, swap_forward
from sprintgen.scheduling.problem import Problem, sprint_count, tail_weights
from sprintgen.scheduling.validate import overfilled_sprints

#: Node budget of the exact search (station loads enumerated); it keeps a plan well under a second or two.
SEARCH_BUDGET = 250_000


@dataclass
class Solution:
    """A plan of a problem, and whether the search proved no plan uses fewer sprints."""

    assignment: list[Optional[int]]
    proven_minimum: bool
    bounds: dict[str, int] = field(default_factory=dict)  # the lower bounds by kind (see bounds.py)
    pins: PinAnalysis = field(default_factory=PinAnalysis)  # deadlines, pins no plan can keep, capacity proof
    overfilled: list[int] = field(default_factory=list)  # sprints filled over capacity to keep pins and dependencies


def solve(problem: Problem, budget: int = SEARCH_BUDGET) -> list[Optional[int]]:
    """The sprint (1-based) of every task, or None for a task that did not fit within `max_sprints`.

    Uses as few sprints as the search finds (the lower bound whenever it reaches it), then orders the work so that
    higher-rank tasks come as early as capacity and dependencies allow.
    """
    return solve_plan(problem, budget).assignment


def solve_plan(problem: Problem, budget: int = SEARCH_BUDGET) -> Solution:
    """`solve`, with whether the sprint count (ignoring `max_sprints`) is proven to be the fewest possible."""
    if problem.n == 0:
        return Solution([], True)
    analysis = analyse_pins(problem)
    forced = False
    assignment: list[Optional[int]] = []
    proven = False
    if analysis.capacity_proof is None:
        assignment, proven, bounds = best_plan(problem, budget)
    else:
        bounds = lower_bounds(problem)
    if not assignment:  # no plan within capacity keeps every pin: keep them and the dependencies, overfill
        assignment, forced, proven = _by_deadlines(problem, analysis, tail_weights(problem)), True, False
    if problem.max_sprints is not None and sprint_count(assignment) > problem.max_sprints:
        # not everything fits: take the work in priority order (rank) so what is left out is the least important
        priority = [-float(r) for r in problem.ranks()]
        if analysis.deadlines:
            assignment, forced = _by_deadlines(problem, analysis, priority), True
        else:
            assignment = list_schedule(problem, priority)
    if problem.max_sprints is not None:
        assignment = fit_into_limit(problem, assignment)
    assignment = pull_forward(problem, assignment)
    assignment = pull_forward(problem, swap_forward(problem, assignment))
    overfilled = overfilled_sprints(problem, assignment) if forced else []
    return Solution(assignment, proven, bounds, analysis, overfilled)


def _by_deadlines(problem: Problem, analysis: PinAnalysis, priority: list[float]) -> list[Optional[int]]:
    """Earliest deadline first, and a story whose deadline has come goes into that sprint even when it is full."""
    return list_schedule(problem, priority, key=deadline_key(problem, analysis.deadlines, priority),
                         deadlines=analysis.deadlines, force_due=True)
