"""Render the example roadmaps of the built-in profiles into examples/<id>.md and examples/<id>.json, and the status
of rag after three sprints (examples/rag-status.md, from the progress export examples/rag-progress.csv).

    python examples/generate.py            # rewrite the committed examples
    python examples/generate.py --check    # exit 1 if a committed example is stale (what CI runs)
    python examples/generate.py --out DIR  # render somewhere else

Each file is produced by the real `sprintgen plan` command with the options a user would type, run from this
directory so `--team team.yaml` is the example team (its pinned start date keeps the output stable over time).
Running from here, not from the repository root, also keeps the repository's `profiles/` directory from being picked
up as a project profiles directory: the examples always show the installed built-in profiles.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator

EXAMPLES_DIR = Path(__file__).resolve().parent
PROFILES = ("rag", "fine-tuning", "hybrid")
FORMATS = {"md": "markdown", "json": "json"}  # file suffix -> `--format` value
TEAM_FILE = "team.yaml"
STATUS_EXAMPLE = ("rag", "rag-progress.csv", "rag-status.md")  # profile, progress file, output


def plan_arguments(profile: str, fmt: str, output: Path) -> list[str]:
    """The `sprintgen` arguments that render one example file (as a user would type them)."""
    return ["plan", "--profile", profile, "--team", TEAM_FILE, "--format", fmt, "--output", str(output)]


def status_arguments(profile: str, progress: str, output: Path) -> list[str]:
    """The `sprintgen status` arguments of the status example (as a user would type them)."""
    return ["status", "--profile", profile, "--team", TEAM_FILE, "--progress", progress, "--output", str(output)]


def example_files(out_dir: Path) -> list[tuple[str, str, Path]]:
    """(profile, format, path) for every example file, in a stable order (the status example last)."""
    plans = [(profile, fmt, out_dir / f"{profile}.{suffix}") for profile in PROFILES for suffix, fmt in FORMATS.items()]
    return plans + [(STATUS_EXAMPLE[0], "status", out_dir / STATUS_EXAMPLE[2])]


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def render_all(out_dir: Path) -> list[Path]:
    """Run `sprintgen plan` for every built-in profile and format, writing into `out_dir`; return the paths."""
    from click.testing import CliRunner

    from sprintgen.cli import main

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    written = []
    with _working_directory(EXAMPLES_DIR):
        for profile, fmt, path in example_files(out_dir):
            args = (status_arguments(profile, STATUS_EXAMPLE[1], path) if fmt == "status"
                    else plan_arguments(profile, fmt, path))
            result = runner.invoke(main, args)
            if result.exit_code != 0:
                raise RuntimeError(f"sprintgen {' '.join(args)} failed with exit code {result.exit_code}: "
                                   f"{result.output.strip()}")
            written.append(path)
    return written


def stale_files(out_dir: Path, committed_dir: Path = EXAMPLES_DIR) -> list[str]:
    """Names of committed example files that differ from a fresh rendering in `out_dir` (or are missing)."""
    stale = []
    for _, _, fresh in example_files(Path(out_dir)):
        committed = Path(committed_dir) / fresh.name
        if not committed.is_file() or committed.read_bytes() != fresh.read_bytes():
            stale.append(fresh.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description="Render the example roadmaps of the built-in profiles.")
    parser.add_argument("--out", type=Path, default=EXAMPLES_DIR, help="directory to write into (default: examples/)")
    parser.add_argument("--check", action="store_true", help="only check that the committed examples are current")
    options = parser.parse_args(argv)
    if options.check:
        with tempfile.TemporaryDirectory() as scratch:
            render_all(Path(scratch))
            stale = stale_files(Path(scratch))
        if stale:
            print(f"stale examples: {', '.join(stale)}; run python examples/generate.py", file=sys.stderr)
            return 1
        print("examples are up to date")
        return 0
    for path in render_all(options.out):
        print(f"wrote {os.path.relpath(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
