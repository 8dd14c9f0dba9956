"""Plan the SALBP-1 benchmark (Scholl 1993; Otto, Otto & Scholl 2013) through sprintgen's scheduler.

SALBP-1 is sprint planning in `concurrent` mode: task time = story points, cycle time = sprint capacity, station =
sprint. For every instance with a proven optimum, the script plans it with `sprintgen.scheduling.solver.solve` (the code
`make_plan` calls), checks that the plan is valid (every load within capacity, every dependency in the same or an
earlier sprint) and prints, per data set, the share planned in the optimal number of sprints and the worst time.

    python benchmarks/salbp.py                       # Scholl + n=20/50/100 (every proven instance)
    python benchmarks/salbp.py --datasets otto2013_n1000 --sample 40
    python benchmarks/salbp.py DIR --sample 100 --seed 1

The data are not in the repository: DIR defaults to ../shared/benchmarks/salbp relative to the repository root.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sprintgen.scheduling.problem import EPS, Problem  # noqa: E402
from sprintgen.scheduling.solver import solve  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "benchmarks" / "salbp"
DATASETS = ["scholl1993", "otto2013_n20", "otto2013_n50", "otto2013_n100", "otto2013_n1000"]
TARGETS = {"scholl1993": 85, "otto2013_n20": 98, "otto2013_n50": 85, "otto2013_n100": 70}


def read_in2(path: Path) -> tuple[list[int], list[tuple[int, int]]]:
    """Scholl's .IN2: n, n task times, arcs 'i,j' up to '-1,-1' (the rest is a comment)."""
    lines = [x.strip() for x in path.read_bytes().decode("latin-1").replace("\r", "").split("\n")]
    lines = [x for x in lines if x and x != "\x1a"]
    n = int(lines[0])
    times = [int(x) for x in lines[1:1 + n]]
    arcs = []
    for line in lines[1 + n:]:
        a, b = (int(x) for x in line.split(","))
        if (a, b) == (-1, -1):
            break
        arcs.append((a, b))
    return times, arcs


def read_alb(path: Path) -> tuple[list[int], list[tuple[int, int]]]:
    """Otto et al.'s .alb: sections '<name>' with data lines, up to '<end>'."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_bytes().decode("latin-1").replace("\r", "").split("\n"):
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r"<(.+)>", line)
        if match:
            current = match.group(1)
            sections[current] = []
            continue
        sections[current].append(line)
    n = int(sections["number of tasks"][0])
    times = [0] * n
    for line in sections["task times"]:
        i, t = line.split()
        times[int(i) - 1] = int(t)
    arcs = [tuple(int(x) for x in line.split(",")) for line in sections["precedence relations"]]
    return times, arcs


def make_problem(times: list[int], arcs: list[tuple[int, int]], cycle: int) -> Problem:
    preds: list[list[int]] = [[] for _ in times]
    for a, b in arcs:
        preds[b - 1].append(a - 1)
    return Problem(sizes=[float(t) for t in times], preds=preds, capacity=lambda _s: float(cycle),
                   sequential=False)


def check(problem: Problem, assignment: list) -> str | None:
    """Why a SALBP-1 plan is invalid, or None."""
    if any(s is None for s in assignment):
        return "a task was left unplanned"
    loads: dict[int, float] = {}
    for task, sprint in enumerate(assignment):
        loads[sprint] = loads.get(sprint, 0.0) + problem.sizes[task]
    cycle = problem.capacity(1)
    for sprint, load in loads.items():
        if load > cycle + EPS:
            return f"station {sprint} loaded {load} > {cycle}"
    for task, preds in enumerate(problem.preds):
        for p in preds:
            if assignment[p] > assignment[task]:
                return f"task {p + 1} (station {assignment[p]}) after task {task + 1} (station {assignment[task]})"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--datasets", default="scholl1993,otto2013_n20,otto2013_n50,otto2013_n100",
                        help="comma-separated: " + ", ".join(DATASETS))
    parser.add_argument("--sample", type=int, default=0, help="plan at most this many instances per data set")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--verbose", action="store_true", help="print every instance not solved to the optimum")
    args = parser.parse_args()
    directory = Path(args.directory)
    wanted = args.datasets.split(",")
    rows: dict[str, list[dict]] = {d: [] for d in wanted}
    with open(directory / "optima.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["dataset"] in rows and row["optimal_stations"]:
                rows[row["dataset"]].append(row)
    print(f"{'data set':16} {'planned':>8} {'optimal':>8} {'share':>7} {'target':>7} {'+1':>4} {'+2+':>4} "
          f"{'median s':>9} {'worst s':>8} invalid")
    failures = 0
    cache: dict[str, tuple] = {}
    for dataset in wanted:
        selected = rows[dataset]
        if args.sample and len(selected) > args.sample:
            selected = sorted(random.Random(args.seed).sample(selected, args.sample), key=lambda r: r["instance"])
        optimal = off1 = off2 = invalid = 0
        times_taken = []
        for row in selected:
            path = directory / "instances" / row["file"]
            if row["file"] not in cache:
                cache.clear()
                cache[row["file"]] = read_in2(path) if path.suffix.upper() == ".IN2" else read_alb(path)
            times, arcs = cache[row["file"]]
            problem = make_problem(times, arcs, int(row["capacity"]))
            started = time.perf_counter()
            assignment = solve(problem)
            times_taken.append(time.perf_counter() - started)
            problem_found = check(problem, assignment)
            if problem_found:
                invalid += 1
                print(f"INVALID {row['instance']} c={row['capacity']}: {problem_found}")
                continue
            used = max(assignment)
            best = int(row["optimal_stations"])
            if used == best:
                optimal += 1
            elif used == best + 1:
                off1 += 1
            else:
                off2 += 1
            if used != best and args.verbose:
                print(f"  {row['instance']} c={row['capacity']}: {used} sprints, optimum {best}")
        count = len(selected)
        share = 100 * optimal / count if count else 0.0
        failures += invalid
        target = f"{TARGETS[dataset]}%" if dataset in TARGETS else "-"
        print(f"{dataset:16} {count:8d} {optimal:8d} {share:6.1f}% {target:>7} {off1:4d} {off2:4d} "
              f"{statistics.median(times_taken) if times_taken else 0:9.3f} "
              f"{max(times_taken, default=0):8.3f} {invalid}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
