"""Plan quality on generated families: how often the plan reaches the lower bound, and the largest gap.

Families: random DAGs, chains, wide fans (one blocker, many stories, one story after them all), each with tight
capacity (stories up to a whole sprint) and loose capacity (small stories), in both dependency modes. On small
instances the plan is also compared with the true optimum, found here by an exhaustive search independent of
sprintgen's own (every assignment of stories to sprints, in topological order, with only capacity pruning).

Then the same shapes with pinned stories and per-sprint capacities (20-60 points, lower first sprints as holidays
and absences make them), in both modes, against an exact reference: OR-Tools CP-SAT (`pip install -e ".[bench]"`),
which proves the fewest sprints of a plan keeping every pin, dependency and capacity, or that none exists. A plan is
invalid when it breaks a pin, a dependency or a capacity although CP-SAT found a plan that keeps them all.

    python benchmarks/plan_quality.py                    # 40 instances per family, 12 small ones, 15 pinned ones
    python benchmarks/plan_quality.py --instances 100 --seed 2 --pinned 40
    python benchmarks/plan_quality.py --pinned 0         # without the exact reference (no OR-Tools needed)
    python benchmarks/plan_quality.py --instances 0 --pinned 40   # only the pinned families
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sprintgen.scheduling.bounds import lower_bounds  # noqa: E402
from sprintgen.scheduling.problem import EPS, Problem, sprint_count, topological_order  # noqa: E402
from sprintgen.scheduling.solver import solve_plan  # noqa: E402

CAPACITY = 20


def random_dag(rng: random.Random, n: int) -> list[list[int]]:
    density = rng.choice([0.05, 0.15, 0.3]) * 10 / max(n, 10)
    return [[p for p in range(t) if rng.random() < density * 3] for t in range(n)]


def chains(rng: random.Random, n: int) -> list[list[int]]:
    count = rng.randint(1, 4)  # a few parallel chains
    return [[t - count] if t >= count else [] for t in range(n)]


def fans(_rng: random.Random, n: int) -> list[list[int]]:
    # 0 blocks 1..n-2, which all block n-1
    return [[]] + [[0] for _ in range(1, n - 1)] + [list(range(1, n - 1))]


SHAPES = {"random DAG": random_dag, "chains": chains, "wide fan": fans}
SIZES = {"tight": (4, CAPACITY), "loose": (1, 6)}


def make(rng: random.Random, shape: str, tightness: str, sequential: bool, n: int) -> Problem:
    low, high = SIZES[tightness]
    preds = SHAPES[shape](rng, n)
    return Problem(sizes=[float(rng.randint(low, high)) for _ in range(n)], preds=preds,
                   capacity=lambda _s: float(CAPACITY), sequential=sequential)


def valid(problem: Problem, assignment: list) -> bool:
    loads: dict[int, float] = {}
    for task, sprint in enumerate(assignment):
        if sprint is None:
            return False
        loads[sprint] = loads.get(sprint, 0.0) + problem.sizes[task]
        for p in problem.preds[task]:
            if assignment[p] > sprint or (problem.sequential and assignment[p] == sprint):
                return False
    return all(load <= problem.capacity(s) + EPS for s, load in loads.items())


def exhaustive_optimum(problem: Problem) -> int:
    """Fewest sprints: for K = 1, 2, ... try every sprint 1..K for every story (topological order) until one fits.

    Sprints are ordered (dependencies), so there is no symmetry to break: every assignment is tried, pruned only
    by capacity, by the work left against the room left, and (sequential) by the chain of dependents a story has.
    """
    order = topological_order(problem)
    succ: list[list[int]] = [[] for _ in range(problem.n)]
    for task, preds in enumerate(problem.preds):
        for p in preds:
            succ[p].append(task)
    after = [0] * problem.n  # sequential: sprints needed after a story by its longest chain of dependents
    for task in reversed(order):
        after[task] = max((after[s] + 1 for s in succ[task]), default=0) if problem.sequential else 0
    total = sum(problem.sizes)

    def fits(count: int) -> bool:
        sprint_of = [0] * problem.n
        loads = [0.0] * (count + 1)

        def place(position: int, left: float) -> bool:
            if position == len(order):
                return True
            if left > count * CAPACITY - sum(loads) + EPS:
                return False
            task = order[position]
            earliest = max((sprint_of[p] + (1 if problem.sequential else 0) for p in problem.preds[task]),
                           default=1)
            for sprint in range(max(earliest, 1), count - after[task] + 1):
                if loads[sprint] + problem.sizes[task] <= CAPACITY + EPS:
                    loads[sprint] += problem.sizes[task]
                    sprint_of[task] = sprint
                    if place(position + 1, left - problem.sizes[task]):
                        return True
                    loads[sprint] -= problem.sizes[task]
            return False

        return place(0, total)

    count = 1
    while not fits(count):
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=40, help="instances per family (n = 10..80)")
    parser.add_argument("--small", type=int, default=12, help="small instances per family (n = 5..9), exhaustive")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pinned", type=int, default=15,
                        help="pinned instances per family (n = 15..60) against CP-SAT; 0 to skip")
    parser.add_argument("--seconds", type=float, default=20.0, help="CP-SAT time limit per instance")
    args = parser.parse_args()
    invalid = unpinned_section(args) if args.instances else 0
    if args.pinned:
        from pinned_quality import pinned_section  # noqa: E402 (needs OR-Tools, asked for only here)

        invalid += pinned_section(args.pinned, args.seed, args.seconds)
    return 1 if invalid else 0


def unpinned_section(args: argparse.Namespace) -> int:
    """One row per unpinned family; the number of invalid plans."""
    print(f"{'family':34} {'plans':>5} {'at LB':>6} {'proven':>7} {'max gap':>7} {'small':>5} {'optimal':>8} "
          f"{'median ms':>9} {'worst ms':>8}")
    invalid = 0
    for shape in SHAPES:
        for tightness in SIZES:
            for sequential in (True, False):
                rng = random.Random(f"{args.seed}-{shape}-{tightness}-{sequential}")
                name = f"{shape}, {tightness}, {'sequential' if sequential else 'concurrent'}"
                at_bound = 0
                proven = 0  # at the bound, or the search showed that no plan uses fewer sprints
                gap = 0
                times = []
                for _ in range(args.instances):
                    problem = make(rng, shape, tightness, sequential, rng.randint(10, 80))
                    started = time.perf_counter()
                    solution = solve_plan(problem)
                    times.append(time.perf_counter() - started)
                    if not valid(problem, solution.assignment):
                        invalid += 1
                        continue
                    used = sprint_count(solution.assignment)
                    bound = max(lower_bounds(problem).values())
                    at_bound += used == bound
                    proven += solution.proven_minimum
                    gap = max(gap, used - bound)
                optimal = 0
                for _ in range(args.small):
                    problem = make(rng, shape, tightness, sequential, rng.randint(5, 9))
                    assignment = solve_plan(problem).assignment
                    if valid(problem, assignment) and sprint_count(assignment) == exhaustive_optimum(problem):
                        optimal += 1
                print(f"{name:34} {args.instances:5d} {100 * at_bound / args.instances:5.0f}% "
                      f"{100 * proven / args.instances:6.0f}% {gap:7d} "
                      f"{args.small:5d} {optimal:4d}/{args.small:<3d} {1000 * statistics.median(times):9.1f} "
                      f"{1000 * max(times):8.1f}")
    print(f"invalid plans: {invalid}")
    return invalid


if __name__ == "__main__":
    sys.exit(main())
