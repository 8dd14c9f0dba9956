"""How fast, and in how much memory, sprintgen refuses hostile inputs and plans a huge one.

    python benchmarks/hostile_inputs.py [--runs 3]

Each case runs `sprintgen plan` in a fresh process; the figures are the median wall time, the median CPU time (user +
system, which a busy machine inflates less) and the median peak resident memory (`ru_maxrss` of the child) over the
runs. A normal small plan is included as the baseline. The cases after the 10,000-story plans are issue 19's: small
inputs that used to take minutes or gigabytes, and numbers that overflowed; each is now refused (exit 2) or planned
in about the baseline's time.
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

from tests.test_hostile_work import diamond_lattice  # noqa: E402
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
    usage = resource.getrusage(resource.RUSAGE_SELF)
    open(REPORT, "w").write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
"""


def run_once(args: list[str], cwd: Path) -> tuple[float, float, int, float]:
    report = cwd / ".rss"
    code = CHILD.replace("REPORT", repr(str(report)))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "x", *args], cwd=cwd, capture_output=True, timeout=600)
    elapsed = time.perf_counter() - started
    peak_kib, cpu = report.read_text().split()
    return elapsed, int(peak_kib) / 1024, done.returncode, float(cpu)


def write_unbounded_work_cases(root: Path) -> None:
    """Issue 19's inputs: small files that used to take minutes or gigabytes, and numbers that overflowed."""
    import datetime as dt

    corpus = Path(__file__).resolve().parent.parent / "tests" / "bad_inputs"
    for name, source in (("round.yaml", "expression-round-huge-digits.yaml"),
                         ("round-param.yaml", "expression-round-digits-parameter.yaml"),
                         ("for-each.yaml", "for-each-expanded-text.yaml"), ("digits.yaml", "number-5000-digits.yaml"),
                         ("e308.yaml", "estimate-1e308.yaml")):
        (root / name).write_text((corpus / source).read_text())
    diamond_lattice(root / "lattice")
    stories = "      - {key: s, title: S, estimate: 1:" + ":".join(["59"] * 600_000) + "}\n"
    (root / "base60.yaml").write_text("id: p\nepics:\n  - key: e\n    title: E\n    stories:\n" + stories)
    (root / "dod.yaml").write_text("id: p\ndefinition_of_done: [" + ", ".join(f"d{i}" for i in range(5000))
                                   + "]\nepics:\n  - key: e\n    title: E\n    stories:\n"
                                   + "".join(f"      - {{key: s{i}, title: S, estimate: 1}}\n" for i in range(1000)))
    (root / "epic-deps.yaml").write_text(
        "id: p\nepics:\n  - key: big\n    title: Big\n    stories:\n"
        + "".join(f"      - {{key: b{i}, title: B, estimate: 1}}\n" for i in range(3000))
        + "  - key: later\n    title: Later\n    stories:\n"
        + "".join(f"      - {{key: w{i}, title: W, estimate: 1, depends_on: [big]}}\n" for i in range(3000)))
    weekends = [dt.date(2027, 1, 2) + dt.timedelta(days=7 * (i // 2) + i % 2) for i in range(150_000)]
    (root / "holidays.yaml").write_text("name: T\nholidays: [" + ", ".join(d.isoformat() for d in weekends
                                                                         if d.year < 9999) + "]\n")


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
        write_unbounded_work_cases(root)
        cases = [
            ("baseline: 1-story profile", ["plan", "--profile", "small.yaml", "--no-forecast"]),
            ("alias bomb (9^9 values)", ["plan", "--profile", "bomb.yaml"]),
            (f"{(root / 'big.yaml').stat().st_size / 2**20:.1f} MiB profile", ["plan", "--profile", "big.yaml"]),
            ("100,000-level nesting", ["plan", "--profile", "deep.yaml"]),
            ("10,000 stories, JSON, no forecast", ["plan", "--profile", "huge.yaml", "--format", "json",
                                                   "--no-forecast"]),
            ("10,000 stories, JSON, with forecast", ["plan", "--profile", "huge.yaml", "--format", "json"]),
            ("round(1, -999999999999999)", ["plan", "--profile", "round.yaml"]),
            ("round() digits through --param", ["plan", "--profile", "round-param.yaml", "--param",
                                                "digits=-999999999999999"]),
            ("extends lattice, 81 files, 2^40 paths", ["plan", "--profile", "lattice/top.yaml", "--no-forecast"]),
            ("for_each: 20 MB of {item} text", ["plan", "--profile", "for-each.yaml"]),
            ("1.8 MB base-60 number", ["plan", "--profile", "base60.yaml"]),
            ("5,000 DoD items x 1,000 stories", ["plan", "--profile", "dod.yaml"]),
            ("3,000 stories on a 3,000-story epic", ["plan", "--profile", "epic-deps.yaml"]),
            ("150,000 weekend holidays", ["plan", "--profile", "small.yaml", "--team", "holidays.yaml"]),
            ("5,000-digit integer", ["plan", "--profile", "digits.yaml"]),
            ("estimate 1e308", ["plan", "--profile", "e308.yaml"]),
            ("--velocity 1e308", ["plan", "--profile", "small.yaml", "--velocity", "1e308"]),
            ("--scope-growth 1e308", ["plan", "--profile", "small.yaml", "--scope-growth", "1e308"]),
            ("built-in roadmap, 10,000 stories", ["plan", "--profile", "huge.yaml", "--no-forecast"]),
        ]
        (root / "templates").mkdir()
        for name in TEMPLATE_CASES:
            (root / "templates" / f"{name}.md.j2").write_text(RUNAWAY[name][0])
            cases.append((f"template: {name}", ["plan", "--profile", "small.yaml", "--no-forecast", "--template",
                                                f"templates/{name}.md.j2"]))
        print(f"{'case':40} {'exit':>4} {'median s':>9} {'CPU s':>6} {'peak MiB':>9}   ({options.runs} runs)")
        for name, args in cases:
            runs = [run_once(args, root) for _ in range(options.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            print(f"{name:40} {runs[0][2]:>4} {seconds:>9.2f} {cpu:>6.2f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
