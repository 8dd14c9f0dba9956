"""Wall time of `sprintgen plan --profile rag` beside the time Python takes to import the libraries it uses.

The goal (issue 2): the plan within 1.3x of the bare import time; the plan's own work, models and templates should
cost little. Runs are interleaved (import, plan, import, plan, ...) so both see the same machine load; medians.

    python benchmarks/startup.py [--runs 15] [--profile rag]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FIND_LIBRARIES = r"""
import sys
from click.testing import CliRunner
from sprintgen.cli import main
before = set(sys.modules)
result = CliRunner().invoke(main, ['plan', '--profile', PROFILE])
assert result.exit_code == 0, result.output
std = set(sys.stdlib_module_names)
tops = sorted({m.split('.')[0] for m in sys.modules} - std - {'sprintgen', '__main__', '_distutils_hack'})
import importlib.util
def importable(name):
    try:
        return sys.modules[name].__spec__ is not None and importlib.util.find_spec(name) is not None
    except (ValueError, AttributeError):
        return False
print(' '.join(t for t in tops if not t.startswith('_') and importable(t)))
"""


def libraries(profile: str) -> list[str]:
    """Top-level third-party modules that `sprintgen plan` ends up importing."""
    code = FIND_LIBRARIES.replace("PROFILE", repr(profile))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def timed(argv: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", default="rag")
    args = parser.parse_args()
    libs = libraries(args.profile)
    import_cmd = [sys.executable, "-c", "import " + ", ".join(libs)]
    plan_cmd = [sys.executable, "-m", "sprintgen", "plan", "--profile", args.profile]
    with tempfile.TemporaryDirectory() as cwd:
        for cmd in (import_cmd, plan_cmd):  # warm the file cache
            timed(cmd, cwd)
        imports, plans = [], []
        for _ in range(args.runs):
            imports.append(timed(import_cmd, cwd))
            plans.append(timed(plan_cmd, cwd))
    imp, plan = statistics.median(imports), statistics.median(plans)
    print(f"libraries imported by `sprintgen plan`: {', '.join(libs)}")
    print(f"runs: {args.runs} each, interleaved; python {sys.version.split()[0]}; cpus {os.cpu_count()}")
    print(f"import the libraries   median {imp * 1000:7.1f} ms  (min {min(imports) * 1000:.1f})")
    print(f"sprintgen plan {args.profile:<8} median {plan * 1000:7.1f} ms  (min {min(plans) * 1000:.1f})")
    print(f"ratio plan / import: {plan / imp:.2f}x (goal <= 1.30x)")


if __name__ == "__main__":
    main()
