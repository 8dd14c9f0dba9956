"""Scale: `sprintgen plan --format json` end to end, for generated backlogs of 1k to 30k stories, old code vs new.

Each run is a fresh `python -m sprintgen plan ...` subprocess; its CPU time (user + system) and peak resident memory
come from `os.wait4` (the child's own rusage). The backlog is tests/large_profiles.py's: epics of 100 stories, three
dependencies per story, a team of four members with one skill each (so skill balancing runs), velocity 400.

The new code reads the backlog as a profile that includes a directory of epic files (ten epics per file); the old
code, which has no `include:`, reads the same epic files chained with `extends`. The old code is checked out at
`--old` (default: the commit before issue 18) into a temporary git worktree, run with a temporary venv whose only
addition is that worktree ahead of this venv's packages.

    python benchmarks/scale.py                          # 1k, 3k, 10k, 30k; 3 runs each; new and old
    python benchmarks/scale.py --sizes 1000,10000 --runs 1 --old none
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.large_profiles import write_program, write_team  # noqa: E402  (the inputs the scale test plans)

#: The code before issue 18 (the package restructure, issue 17): what "old" means unless --old says otherwise.
DEFAULT_OLD = "6c4e7c3"


def measure(python: str, args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS (MiB) of one child process; it must exit 0."""
    with open(cwd / "stderr.txt", "w") as err:
        child = subprocess.Popen([python, "-m", "sprintgen", *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                 stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{python} -m sprintgen {' '.join(args)} failed:\n{(cwd / 'stderr.txt').read_text()}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def old_checkout(revision: str, work: Path) -> tuple[str, dict[str, str]]:
    """A worktree of `revision` and a venv that imports sprintgen from it (and everything else from this venv)."""
    tree = work / "old-tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True,
                   capture_output=True)
    venv = work / "old-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # A .pth line only adds a directory: this venv's editable-install hook for the new code is not run there.
    (site / "old-sprintgen.pth").write_text(f"{tree}\n{sysconfig.get_paths()['purelib']}\n")
    return str(venv / "bin" / "python"), {"PYTHONPATH": str(tree)}


def median_run(python: str, args: list[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[float, float]:
    results = [measure(python, args, cwd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000,30000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", default=DEFAULT_OLD, help="git revision of the old code, or 'none'")
    options = parser.parse_args()
    sizes = [int(x) for x in options.sizes.split(",")]
    env = {**os.environ, "SPRINTGEN_DISABLE_PLUGINS": "1"}
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        old = None if options.old == "none" else old_checkout(options.old, work)
        try:
            tiny = work / "tiny"
            tiny.mkdir()
            (tiny / "p.yaml").write_text("id: tiny\nepics:\n  - {key: e, title: E, stories: [{key: a, title: A, "
                                         "estimate: 3}]}\n")
            write_team(tiny)
            base = ["plan", "--team", "team.yaml", "--format", "json", "--output", "plan.json"]
            startup = (median_run(sys.executable, base + ["--profile", "p.yaml", "--no-forecast"], tiny, env,
                                  options.runs)[0],
                       median_run(sys.executable, base + ["--profile", "p.yaml"], tiny, env, options.runs)[0])
            print(f"start-up (a one-story plan, new code): {startup[0]:.2f} s CPU without forecast, "
                  f"{startup[1]:.2f} s with\n")
            header = (f"{'stories':>8} {'deps':>7} | {'no forecast':^15} | {'with forecast':^15} | "
                      f"{'peak MiB (fc)':^15}")
            print(header + "\n" + f"{'':>8} {'':>7} | {'old':>7} {'new':>7} | {'old':>7} {'new':>7} | "
                  f"{'old':>7} {'new':>7}")
            new_times: dict[int, tuple[float, float]] = {}
            for size in sizes:
                row = {}
                for who, layout in (("new", "include"), ("old", "extends")):
                    if who == "old" and old is None:
                        continue
                    case = work / f"{who}-{size}"
                    profile = write_program(case, size, layout)
                    write_team(case)
                    python, run_env = (sys.executable, env) if who == "new" else (old[0], {**env, **old[1]})
                    args = base + ["--profile", profile.name]
                    row[who] = (median_run(python, args + ["--no-forecast"], case, run_env, options.runs),
                                median_run(python, args, case, run_env, options.runs))
                new_times[size] = (row["new"][0][0], row["new"][1][0])

                def cell(who: str, part: int, item: int) -> str:
                    return f"{row[who][part][item]:7.2f}" if who in row else f"{'-':>7}"

                print(f"{size:8d} {3 * size:7d} | {cell('old', 0, 0)} {cell('new', 0, 0)} | {cell('old', 1, 0)} "
                      f"{cell('new', 1, 0)} | {cell('old', 1, 1)} {cell('new', 1, 1)}", flush=True)
        finally:
            if old is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "old-tree")],
                               capture_output=True)
    first = sizes[0]
    print(f"\ngrowth of the new code from {first:,} stories (CPU beyond start-up, with forecast; linear = size ratio):")
    def beyond(size: int, part: int) -> float:
        return max(new_times[size][part] - startup[part], 1e-3)

    for size in sizes[1:]:
        print(f"  {size:>6,}: x{beyond(size, 1) / beyond(first, 1):5.1f} with forecast, "
              f"x{beyond(size, 0) / beyond(first, 0):5.1f} without, for x{size / first:.0f} the stories")
    if 1000 in new_times:
        print(f"\n1,000 stories beyond start-up: {beyond(1000, 0):.2f} s CPU without forecast, "
              f"{beyond(1000, 1):.2f} s with")
    return 0


if __name__ == "__main__":
    sys.exit(main())
