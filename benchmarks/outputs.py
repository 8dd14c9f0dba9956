"""How long the output formats take to render: the built-in rag plan and a generated 1,000-story plan.

    python benchmarks/outputs.py [--repeat 5]

Prints the median of a few runs per format (planning time excluded: the plan is built once per backlog).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from sprintgen.exporters import get_exporter
from sprintgen.diagrams import mermaid
from sprintgen.pipeline import PlanRequest, build_plan


def generated_profile(directory: Path, stories: int = 1000, per_epic: int = 20) -> Path:
    """A profile of `stories` stories in epics of `per_epic`, each depending on the one before in its epic and on
    the first story of the previous epic."""
    epics = []
    for e in range(stories // per_epic):
        items = []
        for s in range(per_epic):
            deps = [f"s{s - 1}"] if s else ([f"e{e - 1}.s0"] if e else [])
            items.append({"key": f"s{s}", "title": f"Story {e}.{s} with a realistic length of title text",
                          "description": "As a user, I want this, so that that.", "estimate": "2-5",
                          "acceptance": ["One", "Two"], "depends_on": deps})
        epics.append({"key": f"e{e}", "title": f"Epic {e}", "stories": items})
    path = directory / "big.yaml"
    path.write_text(yaml.safe_dump({"id": "big", "name": "Big", "epics": epics}), encoding="utf-8")
    return path


def median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("rag", "rag"), ("1,000 stories", str(generated_profile(Path(tmp))))]
        print(f"{'plan':<14} {'stories':>7} {'markdown':>8} {'csv':>8} {'json':>8} {'mermaid':>8} {'dot':>8}"
              f"  (ms, median of {args.repeat})")
        for name, ref in cases:
            plan = build_plan(PlanRequest(profile=ref, forecast=None))  # the forecast is benchmarked elsewhere
            row = [median_ms(lambda f=f: get_exporter(f).render(plan), args.repeat)
                   for f in ("markdown", "csv", "json")]
            row.append(median_ms(lambda: mermaid.story_flowchart(plan.epics, plan.stories, plan.critical_path),
                                 args.repeat))
            row.append(median_ms(lambda: mermaid.dot_graph(plan.epics, plan.stories), args.repeat))
            print(f"{name:<14} {len(plan.stories):>7} " + " ".join(f"{v:>8.1f}" for v in row))


if __name__ == "__main__":
    main()
