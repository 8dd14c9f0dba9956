"""The terminal view (issue 14): in a pseudo-terminal `plan`, `forecast` and `compare` print a short coloured
summary; piped, they print exactly what `--format` asks for; NO_COLOR and --no-color turn colour off."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from ..support import write_sample_profile

ANSI = "\x1b["


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(COLUMNS="110", **extra)
    return env


def in_terminal(*args: str, **env: str) -> str:
    """Run sprintgen with stdout on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sprintgen", *args], stdout=slave, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, env=_env(**env))
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    assert process.wait(timeout=300) == 0, process.stderr.read().decode()
    return received.decode("utf-8").replace("\r\n", "\n")


def piped(*args: str) -> str:
    """Run sprintgen with stdout on a pipe."""
    done = subprocess.run([sys.executable, "-m", "sprintgen", *args], capture_output=True, text=True,
                          encoding="utf-8", env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    return str(write_sample_profile(tmp_path_factory.mktemp("terminal")))


def test_plan_prints_a_coloured_summary_in_a_terminal(sample: str) -> None:
    args = ("plan", "--profile", sample, "--start", "2027-01-04", "--velocity", "10", "--trials", "300")
    shown = in_terminal(*args)
    plan = json.loads(piped(*args, "--format", "json"))
    assert ANSI in shown and "# Roadmap" not in shown and "```mermaid" not in shown
    plain = shown
    for code in ("\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m"):
        plain = plain.replace(code, "")
    commitment = plan["commitment"]
    assert f"Commit to   {commitment['date']}  {commitment['sprints']} sprints, 85% confidence" in plain
    assert f"{round(plan['plan_probability'] * 100)}% chance" in plain
    rows = [line for line in plain.splitlines() if line.strip() and line.split()[0].isdigit() and "/" in line]
    assert len(rows) == len(plan["sprints"])
    for row, sprint in zip(rows, plan["sprints"]):
        assert f"{round(sprint['load'] / sprint['capacity'] * 100)}%" in row and ("█" in row or "░" in row)
    assert "-o roadmap.md" in plain and "--format markdown" in plain


def test_plan_piped_is_the_markdown_unchanged(sample: str) -> None:
    args = ("plan", "--profile", sample, "--start", "2027-01-04", "--velocity", "10", "--trials", "300")
    output = piped(*args)
    assert output == piped(*args, "--format", "markdown")
    assert output.startswith("# Roadmap: Sample assistant\n") and ANSI not in output
    # and an explicit --format in a terminal is honoured as asked
    assert in_terminal(*args, "--format", "markdown", NO_COLOR="1").startswith("# Roadmap: Sample assistant\n")


@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color"])
def test_no_color(sample: str, how: str) -> None:
    args = ["plan", "--profile", sample, "--start", "2027-01-04", "--trials", "200"]
    if how == "--no-color":
        shown = in_terminal(*args, "--no-color")
    else:
        shown = in_terminal(*args, NO_COLOR="1")
    assert "Commit to" in shown and ANSI not in shown


def test_forecast_summary_in_a_terminal_and_text_when_piped(sample: str) -> None:
    args = ("forecast", "--profile", sample, "--start", "2027-01-04", "--trials", "300")
    shown = in_terminal(*args, "--no-color")
    report = json.loads(piped(*args, "--format", "json"))
    assert "← commitment" in shown and "Commit to" in shown
    bars = [line for line in shown.splitlines() if "█" in line]
    assert len(bars) == len(report["histogram"])
    assert piped(*args) == piped(*args, "--format", "text")
    assert piped(*args).startswith("Forecast for sample")


def test_compare_summary_in_a_terminal_and_markdown_when_piped(sample: str) -> None:
    args = ("compare", sample, "rag", "--start", "2027-01-04")
    shown = in_terminal(*args, "--no-color")
    lines = shown.splitlines()
    header = next(line for line in lines if line.strip().startswith("Profile"))
    assert "Sprints P50/P85" in header
    rows = [line for line in lines if line.strip().startswith(("sample ", "rag "))]
    assert len(rows) == 2
    for column in ("Stories", "Sprints P50/P85", "Finish P85"):  # aligned columns, not a Markdown table
        at = header.index(column)
        assert all(row[at - 1] == " " and row[at] != " " for row in rows), column
    assert "|" not in shown and "-o compare.md" in shown
    output = piped(*args)
    assert output == piped(*args, "--format", "markdown") and output.startswith("# Comparing sample, rag")
