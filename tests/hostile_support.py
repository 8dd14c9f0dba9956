"""Helpers for the hostile-input tests (issue 9): run the real CLI, check the one-line error contract, measure memory.

The error contract every broken input must meet: exit code 2 (3 for the remote tracker), exactly one line on stderr
starting `sprintgen: error: `, no traceback anywhere, nothing on stdout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from sprintgen.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
ERROR_PREFIX = "sprintgen: error: "
#: The smallest useful profile: two stories, one depending on the other.
MINI_PROFILE = """
    id: mini
    name: Mini
    epics:
      - key: core
        title: Core
        stories:
          - {key: a, title: A, estimate: 3}
          - {key: b, title: B, estimate: 5, depends_on: [a]}
"""
#: Bytes an output file holds before a failing run; it must hold exactly these bytes afterwards.
SENTINEL = b"# previous roadmap\n\nkept byte for byte \xe2\x9c\x93\n"


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    """Run the real CLI in-process. Exceptions are caught so that an escaping one is reported, not raised."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=True)


def error_line(result: Result, exit_code: int = 2) -> str:
    """Assert the one-line error contract on a CliRunner result and return the line (without the prefix)."""
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not escaped, f"an exception escaped the CLI: {result.exception!r}\n{result.stderr}"
    assert result.exit_code == exit_code, (result.exit_code, result.stdout[-500:], result.stderr)
    return assert_one_error_line(result.stderr, result.stdout)


def assert_one_error_line(stderr: str, stdout: str = "") -> str:
    """Exactly one line on stderr, with the error prefix; no traceback on either stream."""
    assert "Traceback" not in stderr and "Traceback" not in stdout, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{stderr}"
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    return lines[0][len(ERROR_PREFIX):]


def copy_corpus(destination: Path) -> Path:
    """A private copy of tests/bad_inputs (tests run in it, so nothing can ever be written into the repository)."""
    target = destination / "bad_inputs"
    shutil.copytree(CORPUS, target)
    return target


def write(path: Path, text: str) -> Path:
    """Write dedented text (UTF-8) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> content): to show a failed run left a directory untouched."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


#: Runs the CLI in a child process, caps its address space (so a regression fails with MemoryError instead of eating
#: the machine) and reports the child's own peak resident memory in a file (stdout and stderr stay the CLI's own).
#: Not `ru_maxrss`: on Linux, exec folds the high-water mark of the memory copied from the parent at fork into it, so
#: a child of a 400 MiB pytest process "peaks" at 400 MiB. `VmHWM` is the high-water mark of the child's own address
#: space since exec; ru_maxrss is the fallback where /proc is missing (macOS).
_MEASURED_RUN = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
report = sys.argv[2]
sys.argv = ["sprintgen"] + sys.argv[3:]

def own_peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes

from sprintgen.cli import main
try:
    main()
finally:
    with open(report, "w") as handle:
        handle.write(str(own_peak_kib()))
"""


@dataclass
class MeasuredRun:
    """A CLI run in a child process: exit code, both streams, and peak memory in MiB."""

    returncode: int
    stdout: str
    stderr: str
    peak_mib: float


def run_measured(args: list[str], cwd: Path, *, memory_cap_mib: int = 1024, timeout: float = 120,
                 env: dict[str, str] | None = None) -> MeasuredRun:
    """Run `sprintgen ARGS` in a subprocess with an address-space cap; return its output and peak RSS."""
    report = cwd / ".peak-rss"
    command = [sys.executable, "-c", _MEASURED_RUN, str(memory_cap_mib * 1024 * 1024), str(report),
               *[str(a) for a in args]]
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                               env={**os.environ, **(env or {})})
    peak_kib = int(report.read_text()) if report.exists() else -1
    report.unlink(missing_ok=True)
    return MeasuredRun(completed.returncode, completed.stdout, completed.stderr, peak_kib / 1024)


def run_subprocess(args: list[str], cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
                   ) -> subprocess.CompletedProcess:
    """Run `python -m sprintgen ARGS` as a real process (real stderr, real exit code)."""
    return subprocess.run([sys.executable, "-m", "sprintgen", *[str(a) for a in args]], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
