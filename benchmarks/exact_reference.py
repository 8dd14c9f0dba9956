"""An exact reference for plan quality: the fewest sprints of a plan keeping every pin, dependency and capacity,
found by OR-Tools CP-SAT (benchmark only: `pip install -e ".[bench]"`; sprintgen never imports it).

The model: one Boolean per story and sprint (exactly one sprint per story, a pinned story in its pin), per sprint
the unpinned stories within the room its pins leave, every dependency with the mode's gap (sequential: a later
sprint; concurrent: the same sprint allowed), and the last used sprint minimised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sprintgen.scheduling.problem import Problem, room_after_pins


@dataclass
class Reference:
    """What CP-SAT proved: `sprints` is the optimum when `optimal`; `feasible` is False when no plan exists."""

    sprints: Optional[int]
    optimal: bool
    feasible: bool


def exact_sprints(problem: Problem, horizon: int, seconds: float = 20.0, workers: int = 2) -> Reference:
    """The fewest sprints within `horizon` (sizes and capacities must be whole numbers of points)."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:  # pragma: no cover - the message is the point
        raise SystemExit("the exact reference needs OR-Tools: pip install -e '.[bench]'") from None
    model = cp_model.CpModel()
    sprints = range(1, horizon + 1)
    x = {(t, s): model.NewBoolVar(f"x{t}_{s}") for t in range(problem.n) for s in sprints}
    sprint_of = []
    for t in range(problem.n):
        model.AddExactlyOne(x[t, s] for s in sprints)
        if t in problem.pinned:
            pin = problem.pinned[t]
            if pin > horizon:
                return Reference(None, False, False)
            model.Add(x[t, pin] == 1)
        var = model.NewIntVar(1, horizon, f"s{t}")
        model.Add(var == sum(s * x[t, s] for s in sprints))
        sprint_of.append(var)
    for s in sprints:
        free = [t for t in range(problem.n) if t not in problem.pinned]
        model.Add(sum(int(round(problem.sizes[t])) * x[t, s] for t in free) <= int(room_after_pins(problem, s)))
    gap = 1 if problem.sequential else 0
    for t, preds in enumerate(problem.preds):
        for p in preds:
            model.Add(sprint_of[p] + gap <= sprint_of[t])
    last = model.NewIntVar(1, horizon, "last")
    model.AddMaxEquality(last, sprint_of)
    model.Minimize(last)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return Reference(None, True, False)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Reference(int(solver.Value(last)), status == cp_model.OPTIMAL, True)
    return Reference(None, False, True)  # unknown within the time limit
