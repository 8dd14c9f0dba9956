"""How fast, and in how much memory, sprintgen refuses hostile inputs and plans a huge one.

    python benchmarks/hostile_inputs.py [--runs 3]

Each case runs `sprintgen plan` in a fresh process; the figures are the median wall time and the median peak
resident memory (`ru_maxrss` of the child) over the runs. A normal small plan is included as the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_limits import bomb_text, ten_thousand_stories  # noqa: E402  (the same inputs the tests use)
from tests.test_template_escapes import RUNAWAY  # noqa: E402

#: Templates that ask for unbounded work (issue 19): each must be refused fast and small.
TEMPLATE_CASES = ["nested-ranges", "macro-doubling", "lipsum", "center-filter", "percent-padding",
                  "format-spec-padding", "string-doubling", "join-filter", "output-size", "literal-output"]

CHILD = """
import resource, sys
sys.argv = ["sprintgen"] + sys.argv[2:]
from sprintgen.cli import main
try:
    main()
finally:
    open(REPORT, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def run_once(args: list[str], cwd: Path) -> tuple[float, float, int]:
    report = cwd / ".rss"
    code = CHILD.replace("REPORT", repr(str(report)))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "x", *args], cwd=cwd, capture_output=True, timeout=600)
    elapsed = time.perf_counter() - started
    return elapsed, int(report.read_text()) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "small.yaml").write_text("id: small\nepics:\n  - key: e\n    title: E\n    stories:\n"
                                         "      - {key: a, title: A, estimate: 3}\n")
        (root / "bomb.yaml").write_text("id: bomb\nparameters:\n  p:\n    type: list\n    default:\n"
                                        + "\n".join("  " + line for line in bomb_text().splitlines()) + "\n")
        story = "      - {key: s%d, title: A story that is long enough to take some room, estimate: 3}\n"
        (root / "big.yaml").write_text("id: big\nepics:\n  - key: e\n    title: E\n    stories:\n"
                                       + "".join(story % i for i in range(60_000)))
        (root / "deep.yaml").write_text("id: deep\nassumptions: " + "[" * 100_000 + "]" * 100_000 + "\n")
        (root / "huge.yaml").write_text(ten_thousand_stories())
        cases = [
            ("baseline: 1-story profile", ["plan", "--profile", "small.yaml", "--no-forecast"]),
            ("alias bomb (9^9 values)", ["plan", "--profile", "bomb.yaml"]),
            (f"{(root / 'big.yaml').stat().st_size / 2**20:.1f} MiB profile", ["plan", "--profile", "big.yaml"]),
            ("100,000-level nesting", ["plan", "--profile", "deep.yaml"]),
            ("10,000 stories, JSON, no forecast", ["plan", "--profile", "huge.yaml", "--format", "json",
                                                   "--no-forecast"]),
            ("10,000 stories, JSON, with forecast", ["plan", "--profile", "huge.yaml", "--format", "json"]),
            ("built-in roadmap, 10,000 stories", ["plan", "--profile", "huge.yaml", "--no-forecast"]),
        ]
        (root / "templates").mkdir()
        for name in TEMPLATE_CASES:
            (root / "templates" / f"{name}.md.j2").write_text(RUNAWAY[name][0])
            cases.append((f"template: {name}", ["plan", "--profile", "small.yaml", "--no-forecast", "--template",
                                                f"templates/{name}.md.j2"]))
        print(f"{'case':40} {'exit':>4} {'median s':>9} {'peak MiB':>9}   ({options.runs} runs)")
        for name, args in cases:
            runs = [run_once(args, root) for _ in range(options.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            print(f"{name:40} {runs[0][2]:>4} {seconds:>9.2f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
