"""Speed and sanity of the Monte Carlo forecast (issue 5). Prints figures; asserts nothing about time.

    python benchmarks/forecast.py            # all figures (about a minute on a busy 2-core machine)
    python benchmarks/forecast.py --quick    # fewer repeats, no pure-Python comparison

Figures:
1. 10,000 trials of the built-in `rag` profile (target: under 1 s), in-process and through the CLI;
2. 2,000 trials of a generated 1,000-story backlog (target: under 5 s), for a 120-point and a 30-point team;
3. the same trials with the packing rule in plain Python (why numpy is a dependency);
4. sanity: zero spread equals the deterministic packing; percentiles ordered; more uncertainty, wider spread.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time

from sprintgen.forecast.montecarlo import ForecastSettings, run_forecast
from sprintgen.forecast.packing import pack_one, priority_order, sprint_limit
from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate, Risk, Team
from sprintgen.pipeline import PlanRequest, load_inputs
from sprintgen.scheduling.schedule import make_plan
from sprintgen.capacity import Capacities

START = dt.date(2027, 1, 4)


def generated_backlog(stories: int = 1000, epics: int = 25, seed: int = 7) -> Backlog:
    """A reproducible synthetic backlog: epics in a loose chain, stories with 0-2 dependencies, range estimates."""
    rng = random.Random(seed)
    per_epic = stories // epics
    epic_models, story_models = [], []
    for e in range(epics):
        keys = []
        for s in range(per_epic):
            key = f"e{e}.s{s}"
            likely = rng.choice([1, 2, 3, 5, 8])
            deps = rng.sample(keys[-8:], k=min(len(keys[-8:]), rng.choice([0, 1, 1, 2])))
            if s == 0 and e > 0:
                deps.append(f"e{e - 1}.s{rng.randrange(per_epic)}")
            estimate = Estimate(low=round(likely * 0.6, 1), likely=likely, high=likely * 2)
            story_models.append(BacklogStory(key=key, epic=f"e{e}", title=key, estimate=estimate, depends_on=deps))
            keys.append(key)
        epic_models.append(BacklogEpic(key=f"e{e}", title=f"Epic {e}", stories=keys))
    risks = [Risk(title=f"risk {i}", probability=0.2 + 0.1 * i, impact=Estimate(low=10, likely=20, high=60))
             for i in range(3)]
    return Backlog(profile_id="generated", profile_name="Generated", epics=epic_models, stories=story_models,
                   risks=risks)


def timed(repeat: int, func) -> tuple[float, object]:
    """Median wall time of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pure_python_forecast(backlog: Backlog, team: Team, trials: int, seed: int) -> list[int]:
    """The same model with `random.Random` and `pack_one` per trial: what sprintgen would cost without numpy."""
    rng = random.Random(seed)
    capacities = Capacities(team)
    index = {s.key: i for i, s in enumerate(backlog.stories)}
    preds = [[index[d] for d in s.depends_on] for s in backlog.stories]
    estimates = [s.estimate for s in backlog.stories]
    order = priority_order([e.likely for e in estimates], preds)
    limit = sprint_limit(len(estimates), {}, capacities.steady_from)
    finishes = []
    for _ in range(trials):
        sizes = [e.low if e.high == e.low else e.low + (e.high - e.low) * rng.betavariate(
            1 + 4 * (e.likely - e.low) / (e.high - e.low), 1 + 4 * (e.high - e.likely) / (e.high - e.low))
            for e in estimates]
        factors: dict[int, float] = {}

        def capacity(number: int) -> float:
            if number not in factors:
                factors[number] = max(0.1, rng.gauss(1.0, team.velocity_uncertainty))
            return capacities(number) * factors[number]

        finishes.append(max(pack_one(sizes, preds, order, capacity, True, {}, limit), default=0))
    return finishes


def zero_spread(backlog: Backlog) -> Backlog:
    """The backlog with every estimate collapsed to its likely value and no risks."""
    stories = [s.model_copy(update={"estimate": Estimate(low=s.estimate.likely, likely=s.estimate.likely,
                                                         high=s.estimate.likely)}) for s in backlog.stories]
    return backlog.model_copy(update={"stories": stories, "risks": []})


def widened(backlog: Backlog, factor: float) -> Backlog:
    """The backlog with every estimate's spread around its likely value multiplied by `factor`."""
    stories = []
    for s in backlog.stories:
        e = s.estimate
        low = max(0.0, e.likely - (e.likely - e.low) * factor)
        stories.append(s.model_copy(update={"estimate": Estimate(low=low, likely=e.likely,
                                                                 high=e.likely + (e.high - e.likely) * factor)}))
    return backlog.model_copy(update={"stories": stories})


def spread(forecast: dict) -> int:
    return forecast["sprints"]["p95"] - forecast["sprints"]["p50"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no pure-Python comparison")
    args = parser.parse_args()
    repeat = 1 if args.quick else 5

    rag, rag_team = load_inputs(PlanRequest(profile="rag", team_overrides={"start": START}))
    rag_plan = make_plan(rag, rag_team)
    seconds, result = timed(repeat, lambda: run_forecast(rag, rag_team, ForecastSettings(trials=10_000),
                                                         plan=rag_plan))
    print(f"rag ({len(rag.stories)} stories), 10,000 trials, in-process: {seconds:.3f} s (median of {repeat}); "
          f"P50/P85/P95 = {result['sprints']['p50']}/{result['sprints']['p85']}/{result['sprints']['p95']} sprints")
    cli = [sys.executable, "-m", "sprintgen", "forecast", "--profile", "rag", "--trials", "10000",
           "--start", START.isoformat()]
    seconds, _ = timed(max(1, repeat // 2), lambda: subprocess.run(cli, check=True, capture_output=True))
    cli[cli.index("10000")] = "1"
    baseline, _ = timed(max(1, repeat // 2), lambda: subprocess.run(cli, check=True, capture_output=True))
    print(f"rag, `sprintgen forecast` end to end (start-up, profile, optimised plan included): 10,000 trials "
          f"{seconds:.3f} s, 1 trial {baseline:.3f} s")

    big = generated_backlog()
    for velocity in (120, 30):
        team = Team(velocity=velocity, sprint={"start": START})
        seconds, result = timed(max(1, repeat // 2 + 1),
                                lambda: run_forecast(big, team, ForecastSettings(trials=2000)))
        print(f"generated {len(big.stories)} stories, velocity {velocity}, 2,000 trials: {seconds:.3f} s "
              f"(median); P50/P85/P95 = {result['sprints']['p50']}/{result['sprints']['p85']}/"
              f"{result['sprints']['p95']} sprints")

    if not args.quick:
        seconds, _ = timed(1, lambda: pure_python_forecast(rag, rag_team, 10_000, 1))
        print(f"pure Python (random + pack_one per trial), rag, 10,000 trials: {seconds:.3f} s")
        team = Team(velocity=120, sprint={"start": START})
        seconds, _ = timed(1, lambda: pure_python_forecast(big, team, 200, 1))
        print(f"pure Python, generated 1,000 stories, 200 trials: {seconds:.3f} s "
              f"(x10 for 2,000 trials: ~{seconds * 10:.0f} s)")

    print("sanity:")
    for name, backlog, team in (("rag", rag, rag_team),
                                ("generated", big, Team(velocity=120, sprint={"start": START}))):
        fixed_team = team.model_copy(update={"velocity_uncertainty": 0.0, "velocity_history": []})
        flat_backlog = zero_spread(backlog)
        plan = make_plan(flat_backlog, fixed_team)
        flat = run_forecast(flat_backlog, fixed_team, ForecastSettings(trials=500), plan=plan)
        unordered = run_forecast(flat_backlog, fixed_team, ForecastSettings(trials=500))
        s = flat["sprints"]
        print(f"  {name}: zero spread, plan order -> P50/P95 {s['p50']}/{s['p95']}, min/max {s['min']}/{s['max']}; "
              f"same rule deterministic {flat['deterministic_sprints']} "
              f"({'equal' if s['min'] == s['max'] == flat['deterministic_sprints'] else 'DIFFERENT'}); "
              f"optimised plan {len(plan.sprints)} "
              f"({'equal' if flat['deterministic_sprints'] == len(plan.sprints) else 'DIFFERENT'}); "
              f"critical-path order without a plan {unordered['sprints']['p50']}")
        forecast = run_forecast(backlog, team, ForecastSettings(trials=2000), plan=make_plan(backlog, team))
        p = forecast["sprints"]
        print(f"  {name}: percentiles ordered: {p['p50'] <= p['p85'] <= p['p95']} ({p['p50']}/{p['p85']}/{p['p95']})")
        calm = run_forecast(widened(backlog, 0.25), team.model_copy(update={"velocity_uncertainty": 0.05}),
                            ForecastSettings(trials=2000))
        wild = run_forecast(widened(backlog, 2.0), team.model_copy(update={"velocity_uncertainty": 0.3}),
                            ForecastSettings(trials=2000))
        print(f"  {name}: P95-P50 with low uncertainty {spread(calm)} sprints "
              f"(estimate sd {calm['estimate']['pert_sd']} pts, velocity sd 5%), with high uncertainty "
              f"{spread(wild)} sprints (estimate sd {wild['estimate']['pert_sd']} pts, velocity sd 30%); "
              f"sprints min-max {calm['sprints']['min']}-{calm['sprints']['max']} -> "
              f"{wild['sprints']['min']}-{wild['sprints']['max']}")


if __name__ == "__main__":
    main()
