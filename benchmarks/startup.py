"""Wall time of `sprintgen plan --profile rag` beside the time Python takes to import the libraries it uses.

The goal (issue 2): the plan within 1.3x of the bare import time; the plan's own work, models and templates should
cost little. "The libraries it uses" are every third-party module the plan run ends up with in `sys.modules`
(not just the top-level packages: pydantic, for one, imports almost nothing until BaseModel is touched).
Runs are interleaved (import, plan, import, plan, ...) so both see the same machine load; medians are compared.

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

FIND_MODULES = r"""
import sys
from click.testing import CliRunner
from sprintgen.cli import main
result = CliRunner().invoke(main, ['plan', '--profile', PROFILE])
assert result.exit_code == 0, result.output
std = set(sys.stdlib_module_names)
names = []
for name, module in sorted(sys.modules.items()):
    top = name.split('.')[0]
    if top in std or top in ('sprintgen', '__main__') or top.startswith('_'):
        continue
    if getattr(module, '__spec__', None) is None:
        continue
    names.append(name)
print('\n'.join(names))
"""

IMPORT_ALL = r"""
import importlib, sys
for name in open(sys.argv[1]).read().split():
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def third_party_modules(profile: str) -> list[str]:
    """Every third-party module a `sprintgen plan` run has loaded."""
    code = FIND_MODULES.replace("PROFILE", repr(profile))
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
    modules = third_party_modules(args.profile)
    with tempfile.TemporaryDirectory() as cwd:
        listing = os.path.join(cwd, "modules.txt")
        with open(listing, "w") as handle:
            handle.write("\n".join(modules))
        import_cmd = [sys.executable, "-c", IMPORT_ALL, listing]
        plan_cmd = [sys.executable, "-m", "sprintgen", "plan", "--profile", args.profile]
        for cmd in (import_cmd, plan_cmd):  # warm the file cache (and sprintgen's template cache)
            timed(cmd, cwd)
        imports, plans = [], []
        for _ in range(args.runs):
            imports.append(timed(import_cmd, cwd))
            plans.append(timed(plan_cmd, cwd))
    imp, plan = statistics.median(imports), statistics.median(plans)
    tops = sorted({m.split(".")[0] for m in modules})
    print(f"third-party modules loaded by `sprintgen plan`: {len(modules)} from {', '.join(tops)}")
    print(f"runs: {args.runs} each, interleaved; python {sys.version.split()[0]}; cpus {os.cpu_count()}")
    print(f"import those modules   median {imp * 1000:7.1f} ms  (min {min(imports) * 1000:.1f})")
    print(f"sprintgen plan {args.profile:<8} median {plan * 1000:7.1f} ms  (min {min(plans) * 1000:.1f})")
    print(f"ratio plan / import: {plan / imp:.2f}x (goal <= 1.30x)")


if __name__ == "__main__":
    main()
