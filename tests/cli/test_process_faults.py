"""Faults only a real process shows (issue 19, §2 and §5): a silent FIFO as input, a full disk, a console that cannot
encode the roadmap, a closed stdout, Ctrl-C while starting, `/dev/stdout` appended to. Each is one clear line and the
right exit code, with the output file untouched; every child has a timeout, so a hang fails instead of blocking."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import SENTINEL, assert_one_error_line, run_subprocess, write

PROFILE = ("id: mini\nname: Mini\nepics:\n  - key: core\n    title: Core\n    stories:\n"
           "      - {key: a, title: A, estimate: 3}\n")


@pytest.fixture
def work(tmp_path) -> Path:
    write(tmp_path / "mini.yaml", PROFILE)
    (tmp_path / "roadmap.md").write_bytes(SENTINEL)
    return tmp_path


def sprintgen(args: list[str], cwd: Path, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sprintgen", *map(str, args)], cwd=cwd, text=True,
                            stdout=options.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, **options)


def test_a_fifo_nobody_writes_to_is_refused_as_profile_team_and_validate_input(work):
    os.mkfifo(work / "silent.yaml")
    children = {
        "validate": sprintgen(["validate", "silent.yaml"], work),
        "--profile": sprintgen(["plan", "--profile", "silent.yaml", "-o", "roadmap.md"], work),
        "--team": sprintgen(["plan", "--profile", "mini.yaml", "--team", "silent.yaml", "-o", "roadmap.md"], work),
    }
    for name, child in children.items():
        stdout, stderr = child.communicate(timeout=60)
        assert child.returncode == 2, (name, stderr)
        line = assert_one_error_line(stderr, stdout)
        assert line.startswith("silent.yaml: ") and "no data arrived within 5 s" in line, (name, line)
    assert (work / "roadmap.md").read_bytes() == SENTINEL


def test_a_fifo_with_a_writer_is_read_like_a_file(work):
    fifo = work / "team.fifo"
    os.mkfifo(fifo)
    child = sprintgen(["plan", "--profile", "mini.yaml", "--team", fifo, "--no-forecast", "--format", "json"], work)
    with open(fifo, "w") as handle:  # `--team <(make-team)` does this
        handle.write("velocity: 17\n")
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert '"capacity": 17' in stdout


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a full disk says EFBIG/ENOSPC; the default would kill
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
sys.argv = ["sprintgen"] + sys.argv[1:]
from sprintgen.__main__ import run
run()
"""


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(work):
    completed = subprocess.run([sys.executable, "-c", FULL_DISK, "plan", "--profile", "mini.yaml", "--no-forecast",
                                "-o", "roadmap.md"], cwd=work, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2, completed.stderr
    line = assert_one_error_line(completed.stderr, completed.stdout)
    assert line == "roadmap.md: --output: cannot write: File too large; check the disk space and permissions"
    assert (work / "roadmap.md").read_bytes() == SENTINEL
    assert sorted(p.name for p in work.iterdir()) == ["mini.yaml", "roadmap.md"]


def test_a_console_that_cannot_encode_the_roadmap_gets_one_line_and_nothing_half_printed(work):
    completed = run_subprocess(["plan", "--profile", "mini.yaml", "--no-forecast"], work,
                               env={"PYTHONIOENCODING": "cp1252"})
    assert completed.returncode == 2, completed.stderr
    line = assert_one_error_line(completed.stderr, completed.stdout)
    assert line.startswith("stdout: stdout's encoding (cp1252) cannot write ") and "PYTHONIOENCODING=utf-8" in line
    assert completed.stdout == ""
    with_file = run_subprocess(["plan", "--profile", "mini.yaml", "--no-forecast", "-o", "out.md"], work,
                               env={"PYTHONIOENCODING": "cp1252"})
    written = (work / "out.md").read_text(encoding="utf-8")
    assert with_file.returncode == 0 and any(ord(c) > 255 for c in written)  # what cp1252 could not write


@pytest.mark.parametrize("command", [["plan", "--profile", "mini.yaml", "--no-forecast"], ["profiles"]])
def test_a_closed_stdout_is_an_error_not_a_silent_success(command, work):
    child = sprintgen(command, work, stdout=None, preexec_fn=lambda: os.close(1))
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 2, stderr
    line = assert_one_error_line(stderr)
    assert line == "stdout: stdout is closed; nothing was written; run with stdout open, or write to a file with " \
                   "--output FILE"


def test_dev_stdout_writes_to_the_shells_descriptor_without_truncating_it(work):
    log = work / "log.md"
    log.write_text("earlier line\n")
    with open(log, "a") as appended:  # as a shell does for `... >> log.md`: stdout is the log
        completed = subprocess.run([sys.executable, "-m", "sprintgen", "plan", "--profile", "mini.yaml",
                                    "--no-forecast", "-o", "/dev/stdout"], cwd=work, stdout=appended,
                                   stderr=subprocess.PIPE, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier line\n# Roadmap: Mini\n")
    assert sorted(p.name for p in work.iterdir()) == ["log.md", "mini.yaml", "roadmap.md"]


@pytest.mark.parametrize("moment", ["click", "sprintgen.cli"])
def test_ctrl_c_while_starting_is_one_line_and_exit_130(moment, work):
    """SIGINT right after a module is imported (Python's -X importtime says when): the first tenth of a second.

    A million forecast trials keep the run going for seconds, so the signal lands while it runs even when a loaded
    machine is slow to schedule this test between the import line and the signal."""
    child = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "sprintgen", "plan", "--profile", "mini.yaml",
                              "--trials", "1000000"],
                             cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in child.stderr:
        lines.append(line)
        if line.startswith("import time:") and line.split("|")[-1].strip() == moment:
            child.send_signal(signal.SIGINT)
            break
    stdout, rest = child.communicate(timeout=60)
    stderr = [line for line in lines + rest.splitlines(keepends=True) if not line.startswith("import time:")]
    assert child.returncode == 130, "".join(stderr)
    assert "".join(stderr) == "sprintgen: interrupted\n"
    assert stdout == ""
    assert (work / "roadmap.md").read_bytes() == SENTINEL


def test_a_fifo_as_template_or_include_is_refused_not_waited_on(work):
    (work / "templates").mkdir()
    os.mkfifo(work / "templates" / "part.j2")
    write(work / "templates" / "roadmap.md.j2", "# {{ profile.name }}\n{% include 'part.j2' %}\n")
    for template, fragment in (("templates/part.j2", "--template: is not a regular file"),
                               ("templates/roadmap.md.j2", "cannot include 'part.j2'")):
        completed = run_subprocess(["plan", "--profile", "mini.yaml", "--no-forecast", "--template", template,
                                    "-o", "roadmap.md"], work, timeout=60)
        assert completed.returncode == 2, completed.stderr
        assert fragment in assert_one_error_line(completed.stderr, completed.stdout)
    assert (work / "roadmap.md").read_bytes() == SENTINEL
