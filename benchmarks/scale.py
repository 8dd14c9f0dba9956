"""Scale: a generated backlog of N stories and 3N dependencies through `make_plan`, time and peak memory.

Each size runs in a fresh subprocess (so peak RSS, from `resource.getrusage`, is that run's own), a few times;
the script prints the median time of `make_plan` (graph, bounds, scheduling, checks, Plan models) and the peak RSS.

    python benchmarks/scale.py                 # 1,000 and 10,000 stories, 3 runs each
    python benchmarks/scale.py --sizes 1000,10000,20000 --runs 5 --mode concurrent --velocity 13
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POINTS = [1, 2, 3, 5, 8, 13]


def generated_backlog(stories: int, links: int, seed: int = 1):
    """A Backlog of `stories` stories in epics of 100 and `links` dependencies on earlier stories.

    Dependencies mostly point at recent stories (as in real backlogs, where an epic builds on the last few),
    with one in ten anywhere earlier.
    """
    from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate

    rng = random.Random(seed)
    keys = [f"e{i // 100}.s{i}" for i in range(stories)]
    depends: list[set[int]] = [set() for _ in range(stories)]
    placed = 0
    while placed < links:
        task = rng.randrange(1, stories)
        if rng.random() < 0.1:
            blocker = rng.randrange(task)
        else:
            blocker = rng.randrange(max(0, task - 150), task)
        if blocker not in depends[task]:
            depends[task].add(blocker)
            placed += 1
    story_models = []
    for i, key in enumerate(keys):
        likely = rng.choice(POINTS)
        story_models.append(BacklogStory(
            key=key, epic=key.split(".")[0], title=f"Story {i}",
            estimate=Estimate(low=likely * 0.5, likely=likely, high=likely * 2),
            skills=[rng.choice(["backend", "data", "ml", "frontend"])],
            depends_on=[keys[j] for j in sorted(depends[i])],
        ))
    epics = [BacklogEpic(key=f"e{e}", title=f"Epic {e}", stories=keys[e * 100:(e + 1) * 100])
             for e in range((stories + 99) // 100)]
    return Backlog(profile_id="scale", profile_name="Scale", epics=epics, stories=story_models)


def child(stories: int, mode: str, velocity: float) -> None:
    """One measured run (in its own process): build the backlog, then time make_plan."""
    import resource

    from sprintgen.model import Team
    from sprintgen.scheduling.schedule import make_plan

    backlog = generated_backlog(stories, 3 * stories)
    team = Team.model_validate({"velocity": velocity, "dependencies": mode, "sprint": {"start": "2027-01-04"},
                                "members": [{"name": f"m{i}", "skills": [s], "capacity": velocity / 4}
                                            for i, s in enumerate(["backend", "data", "ml", "frontend"])]})
    started = time.perf_counter()
    plan = make_plan(backlog, team)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "sprints": len(plan.sprints),
                      "bound": plan.lower_bound_sprints, "findings": len(plan.findings)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=["sequential", "concurrent"], default="sequential")
    parser.add_argument("--velocity", type=float, default=40,
                        help="points per sprint (13: the largest story fills one)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode, args.velocity)
        return 0
    print(f"{'stories':>8} {'deps':>7} {'median s':>9} {'min s':>7} {'peak MB':>8} {'sprints':>8} {'bound':>6}")
    for size in (int(x) for x in args.sizes.split(",")):
        results = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--child", str(size), "--mode", args.mode,
                                  "--velocity", str(args.velocity)],
                                 capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout))
        times = [r["seconds"] for r in results]
        print(f"{size:8d} {3 * size:7d} {statistics.median(times):9.3f} {min(times):7.3f} "
              f"{max(r['peak_mb'] for r in results):8.1f} {results[0]['sprints']:8d} {results[0]['bound']:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
