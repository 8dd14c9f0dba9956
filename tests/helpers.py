"""Small helpers shared by the foundation tests: write profiles and run the CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from sprintgen.cli import main


def write(path: Path, text: str) -> Path:
    """Write dedented text to path (creating parents) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def run(*args: str, **kwargs):
    """Run the real CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)
