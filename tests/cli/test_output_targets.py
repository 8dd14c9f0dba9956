"""`--output` never replaces what is not a regular file (issue 12, §2) and never destroys an input (issue 19, §4).

FIFOs and character devices are written straight through, `-` is stdout, directories, trailing slashes, over-long
names and the run's own inputs are refused in one line; every command that writes follows the same rule.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from ..support import MINI_PROFILE, SENTINEL, error_line, run, write



@pytest.fixture
def profile(tmp_path) -> Path:
    return write(tmp_path / "mini.yaml", MINI_PROFILE)


def roadmap(profile: Path) -> str:
    result = run("plan", "--profile", profile, "--no-forecast")
    assert result.exit_code == 0, result.stderr
    return result.stdout


class FifoReader(threading.Thread):
    """Reads a FIFO to its end, as `cat fifo` would, while the CLI writes into it."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.data = path, b""

    def run(self) -> None:
        with open(self.path, "rb") as handle:
            self.data = handle.read()


def test_a_fifo_is_written_through_and_stays_a_fifo(profile, tmp_path):
    fifo = tmp_path / "roadmap.fifo"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    reader.start()
    result = run("plan", "--profile", profile, "--no-forecast", "--output", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert reader.data.decode("utf-8") == roadmap(profile)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.yaml", "roadmap.fifo"]


def test_a_character_device_is_written_through_and_stays_a_device(profile, tmp_path):
    main_fd, device_fd = os.openpty()  # a pty's device side: a real character device the test owns
    device = os.ttyname(device_fd)
    try:
        before = os.stat(device)
        result = run("schema", "team", "--output", device)
        assert result.exit_code == 0, result.stderr
        received = b""
        while b"}\r\n" not in received[-4:]:
            received += os.read(main_fd, 65536)
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
        assert b'"title"' in received
    finally:
        os.close(device_fd)
        os.close(main_fd)


def test_dash_means_stdout_and_writes_no_file(profile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("plan", "--profile", profile, "--no-forecast", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == roadmap(profile)
    assert not (tmp_path / "-").exists()


def test_a_symlink_stays_a_link_and_its_target_is_replaced_whole(profile, tmp_path):
    real = tmp_path / "docs" / "roadmap.md"
    real.parent.mkdir()
    real.write_bytes(SENTINEL)
    old_inode = real.stat().st_ino
    link = tmp_path / "roadmap.md"
    link.symlink_to(real)
    result = run("plan", "--profile", profile, "--no-forecast", "--output", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8") == roadmap(profile)
    assert real.stat().st_ino != old_inode, "the target was rewritten in place, not replaced by a rename"
    assert sorted(p.name for p in real.parent.iterdir()) == ["roadmap.md"]


def test_a_directory_nobody_can_write_into_is_one_clear_line(profile):
    # /proc refuses new files to everyone, root included (chmod 555 does not stop root).
    line = error_line(run("plan", "--profile", profile, "--no-forecast", "--output", "/proc/sprintgen-roadmap.md"))
    assert line.startswith("/proc/sprintgen-roadmap.md: --output: cannot write: ")
    assert not os.path.exists("/proc/sprintgen-roadmap.md")


@pytest.mark.parametrize("command", [
    ["plan", "--no-forecast"], ["forecast"], ["schema", "profile"], ["graph"], ["show", "rag"],
    ["recommend", "--no-interactive"], ["compare", "rag"],
])
def test_every_command_refuses_a_directory_and_a_trailing_slash(command, tmp_path):
    line = error_line(run(*command + ["--output", tmp_path]))
    assert "--output: is a directory" in line
    line = error_line(run(*command + ["--output", f"{tmp_path}/new-dir/"]))
    assert "--output: names a directory (it ends with '/')" in line and "new-dir/roadmap.md" in line
    assert list(tmp_path.iterdir()) == []


def test_save_answers_follows_the_same_rule(tmp_path):
    line = error_line(run("recommend", "--no-interactive", "--save-answers", f"{tmp_path}/answers/"))
    assert "--save-answers: names a directory" in line
    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    reader.start()
    result = run("recommend", "--no-interactive", "--save-answers", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert b"perfect_context:" in reader.data and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("role", ["profile", "team file", "template"])
def test_an_output_that_is_one_of_the_inputs_is_refused_and_left_alone(role, profile, tmp_path):
    team = write(tmp_path / "team.yaml", "velocity: 20\n")
    template = write(tmp_path / "roadmap.md.j2", "# {{ profile.name }}\n")
    target = {"profile": profile, "team file": team, "template": template}[role]
    before = target.read_bytes()
    # Through another spelling of the same file: a relative path via a symlinked directory.
    (tmp_path / "alias").symlink_to(tmp_path)
    line = error_line(run("plan", "--profile", profile, "--team", team, "--template", template, "--no-forecast",
                          "--output", tmp_path / "alias" / target.name))
    assert f"--output: is the {role} this run read" in line and "choose another output file" in line
    assert target.read_bytes() == before


def test_a_file_name_over_255_bytes_is_one_line_as_input_and_as_output(profile, tmp_path):
    long_name = "r" * 252 + ".md"  # 255 characters, 256+ bytes once one is a two-byte character
    line = error_line(run("plan", "--profile", profile, "--no-forecast", "--output", tmp_path / ("é" + long_name)))
    assert "a file name of 257 bytes is longer than the limit of 255 bytes" in line and "--output" in line
    line = error_line(run("plan", "--profile", tmp_path / ("p" * 300 + ".yaml"), "--no-forecast"))
    assert "a file name of 305 bytes is longer than the limit of 255 bytes" in line
    line = error_line(run("plan", "--profile", profile, "--team", "t" * 300, "--no-forecast"))
    assert "a file name of 300 bytes is longer than the limit of 255 bytes" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.yaml"]


def test_init_force_never_writes_through_a_link_leading_out_of_the_project(tmp_path, monkeypatch):
    project, outside = tmp_path / "project", tmp_path / "outside.yaml"
    project.mkdir()
    outside.write_bytes(SENTINEL)
    (project / "team.yaml").symlink_to(outside)
    monkeypatch.chdir(project)
    line = error_line(run("init", "--force"))
    assert "team.yaml: init: leads outside" in line and str(outside) in line
    assert outside.read_bytes() == SENTINEL
    assert [p.name for p in project.iterdir()] == ["team.yaml"], "init wrote some files before refusing"
    (project / "team.yaml").unlink()
    (project / "team.yaml").symlink_to(tmp_path / "missing.yaml")  # a dangling link out: not created there
    error_line(run("init", "--force"))
    assert not (tmp_path / "missing.yaml").exists()
