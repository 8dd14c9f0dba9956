"""The pinned part of plan_quality.py: generated backlogs with pins and per-sprint capacities against CP-SAT."""

from __future__ import annotations

import math
import random
import statistics
import time

from exact_reference import exact_sprints
from plan_quality import SHAPES

from sprintgen.scheduling.problem import EPS, Problem, sprint_count
from sprintgen.scheduling.solver import solve_plan

SIZES = [1, 2, 3, 5, 8, 13, 20]


def make_pinned(rng: random.Random, shape: str, sequential: bool, n: int) -> Problem:
    """Capacities of 20-60 points, the first sprints lower (holidays, absences); about one story in ten pinned to a
    sprint its chain of blockers (and their pins) can reach, within the plan's likely length, and one instance in
    six with one pin anywhere (often impossible); every story fits a regular sprint."""
    steady = rng.randint(20, 60)
    irregular = {s: int(steady * rng.choice([0.5, 0.7, 0.8, 1.0])) for s in range(1, rng.randint(1, 4))}
    sizes = [float(min(rng.choice(SIZES), steady)) for _ in range(n)]
    preds = SHAPES[shape](rng, n)
    likely = math.ceil(sum(sizes) / steady) + 2
    chosen = set(rng.sample(range(n), max(1, n // 10)))
    gap = 1 if sequential else 0
    at: list[int] = []  # the sprint every story can reach at the earliest (preds come first: lower numbers)
    pinned = {}
    for t in range(n):
        earliest = max([at[p] + gap for p in preds[t]] + [1])
        if t in chosen:
            pinned[t] = rng.randint(earliest, max(earliest, likely))
        at.append(pinned.get(t, earliest))
    if rng.randint(0, 5) == 0:
        pinned[rng.randrange(n)] = rng.randint(1, likely)
    return Problem(sizes=sizes, preds=preds, capacity=lambda s: float(irregular.get(s, steady)),
                   sequential=sequential, pinned=pinned, steady_from=len(irregular) + 1)


def breaks_a_rule(problem: Problem, assignment: list) -> bool:
    """Checked here, independently of sprintgen: a pin moved, a dependency out of order, a sprint over the room its
    pins leave, or a story not planned."""
    if any(s is None for s in assignment) or any(assignment[t] != s for t, s in problem.pinned.items()):
        return True
    gap = 1 if problem.sequential else 0
    if any(assignment[p] + gap > assignment[t] for t, preds in enumerate(problem.preds) for p in preds):
        return True
    pinned_load: dict[int, float] = {}
    free_load: dict[int, float] = {}
    for task, sprint in enumerate(assignment):
        loads = pinned_load if task in problem.pinned else free_load
        loads[sprint] = loads.get(sprint, 0.0) + problem.sizes[task]
    return any(load > max(0.0, problem.capacity(s) - pinned_load.get(s, 0.0)) + EPS for s, load in free_load.items())


def pinned_section(instances: int, seed: int, seconds: float) -> int:
    """Print one row per family; return the number of invalid plans."""
    print()
    print(f"{'pinned, varying capacity':34} {'plans':>5} {'no plan':>7} {'exact':>5} {'optimal':>8} {'worst +':>7} "
          f"{'invalid':>7} {'median ms':>9} {'worst ms':>8}")
    invalid_total = 0
    for shape in SHAPES:
        for sequential in (True, False):
            rng = random.Random(f"{seed}-pinned-{shape}-{sequential}")
            name = f"{shape}, {'sequential' if sequential else 'concurrent'}"
            impossible = exact = optimal = excess = invalid = 0
            times = []
            for _ in range(instances):
                problem = make_pinned(rng, shape, sequential, rng.randint(15, 60))
                started = time.perf_counter()
                solution = solve_plan(problem)
                times.append(time.perf_counter() - started)
                gave_up = bool(solution.pins.relaxed or solution.overfilled)
                kept = not breaks_a_rule(problem, solution.assignment)
                used = sprint_count(solution.assignment)
                horizon = used if kept else problem.n + max(problem.pinned.values()) + problem.steady_from
                reference = exact_sprints(problem, horizon, seconds)
                if not reference.feasible:
                    impossible += 1
                    # sprintgen must say so (a relaxed pin, overfilled sprints), never break a rule silently
                    invalid += kept or not gave_up
                    continue
                if not kept:
                    invalid += 1  # a rule broken (reported or not) although a valid plan exists
                    continue
                if reference.optimal:
                    exact += 1
                    optimal += used == reference.sprints
                    excess = max(excess, used - reference.sprints)
            invalid_total += invalid
            share = f"{optimal:3d}/{exact:<3d}" if exact else "  -    "
            print(f"{name:34} {instances:5d} {impossible:7d} {exact:5d} {share:>8} {excess:7d} {invalid:7d} "
                  f"{1000 * statistics.median(times):9.1f} {1000 * max(times):8.1f}")
    print(f"invalid pinned plans: {invalid_total} (no plan: CP-SAT proves that no plan keeps every pin; exact: "
          f"instances CP-SAT solved to optimality within {seconds:g} s)")
    return invalid_total

