"""Outputs are written atomically: an existing file is never truncated or half-written, a failed run writes nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sprintgen.inputs import atomic
from sprintgen.errors import InputError

from .support import MINI_PROFILE, SENTINEL, error_line, run, write



@pytest.fixture
def profile(tmp_path) -> Path:
    return write(tmp_path / "inputs" / "mini.yaml", MINI_PROFILE)


@pytest.fixture
def out_dir(tmp_path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def test_a_write_replaces_the_whole_file_and_keeps_its_permissions(out_dir):
    target = out_dir / "roadmap.md"
    target.write_bytes(b"x" * 10_000)  # longer than the new text: nothing of it may remain
    target.chmod(0o640)
    atomic.write_output(target, "new roadmap\n")
    assert target.read_bytes() == b"new roadmap\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in out_dir.iterdir()) == ["roadmap.md"]


def test_a_new_file_gets_the_usual_permissions_not_mkstemps_0600(out_dir):
    umask = os.umask(0o022)
    try:
        atomic.write_output(out_dir / "plan.json", "{}\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((out_dir / "plan.json").stat().st_mode) == 0o644


def test_while_the_new_text_is_written_the_target_still_holds_the_old_one(out_dir, monkeypatch):
    target = out_dir / "roadmap.md"
    target.write_bytes(SENTINEL)
    seen = []
    real_fsync = os.fsync

    def fsync(fd):
        seen.append(target.read_bytes())  # the temporary file is complete here; the target is untouched
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    atomic.write_output(target, "the new roadmap\n")
    assert seen[0] == SENTINEL
    assert target.read_bytes() == b"the new roadmap\n"


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(out_dir, monkeypatch):
    target = out_dir / "roadmap.md"
    target.write_bytes(SENTINEL)

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(InputError, match="cannot write: No space left on device"):
        atomic.write_output(target, "new text\n")
    assert target.read_bytes() == SENTINEL
    assert [p.name for p in out_dir.iterdir()] == ["roadmap.md"]


def test_ctrl_c_during_the_write_leaves_the_old_file_and_exits_130(profile, out_dir, monkeypatch):
    target = out_dir / "roadmap.md"
    target.write_bytes(SENTINEL)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    result = run("plan", "--profile", profile, "--no-forecast", "--output", target)
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert target.read_bytes() == SENTINEL
    assert [p.name for p in out_dir.iterdir()] == ["roadmap.md"]


def test_text_that_cannot_be_encoded_is_refused_before_anything_is_written(out_dir):
    target = out_dir / "roadmap.md"
    target.write_bytes(SENTINEL)
    with pytest.raises(InputError, match="cannot be written as UTF-8"):
        atomic.write_output(target, "half a character: \ud800")
    assert target.read_bytes() == SENTINEL
    assert [p.name for p in out_dir.iterdir()] == ["roadmap.md"]


def test_writing_through_a_symlink_updates_the_linked_file_and_keeps_the_link(out_dir):
    real = out_dir / "docs-roadmap.md"
    real.write_bytes(SENTINEL)
    link = out_dir / "roadmap.md"
    link.symlink_to(real)
    atomic.write_output(link, "linked roadmap\n")
    assert link.is_symlink()
    assert real.read_text() == "linked roadmap\n"


def test_a_successful_run_writes_the_file_and_nothing_else(profile, out_dir):
    target = out_dir / "roadmap.md"
    target.write_bytes(SENTINEL)
    result = run("plan", "--profile", profile, "--no-forecast", "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").count("core.a") >= 1
    assert [p.name for p in out_dir.iterdir()] == ["roadmap.md"]


TEMPLATES_THAT_FAIL_MIDWAY = {
    "zero-division": "# {{ profile.name }}\n{% for s in sprints %}- {{ s.name }}\n{% endfor %}{{ 1 // 0 }}\nmore\n",
    "undefined": "# {{ profile.name }}\n{% for s in sprints %}- {{ s.name }}\n{% endfor %}{{ no_such_variable }}\n",
    "missing-include": "# {{ profile.name }}\n{% include 'no-such-part.j2' %}\n",
    "raise-in-macro": ("{% macro boom(x) %}{{ x.missing_attribute }}{% endmacro %}# {{ profile.name }}\n"
                       "{{ boom(plan) }}\n"),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES_THAT_FAIL_MIDWAY))
def test_a_template_that_fails_mid_render_writes_nothing(name, profile, out_dir, tmp_path):
    template = write(tmp_path / "templates" / f"{name}.md.j2", TEMPLATES_THAT_FAIL_MIDWAY[name])
    target = out_dir / "roadmap.md"
    result = run("plan", "--profile", profile, "--no-forecast", "--template", template, "--output", target)
    line = error_line(result)
    assert f"{name}.md.j2" in line
    assert list(out_dir.iterdir()) == []

    target.write_bytes(SENTINEL)
    result = run("plan", "--profile", profile, "--no-forecast", "--template", template, "--output", target)
    error_line(result)
    assert target.read_bytes() == SENTINEL
    assert [p.name for p in out_dir.iterdir()] == ["roadmap.md"]


def test_output_into_a_missing_directory_or_onto_a_directory_is_one_clear_line(profile, out_dir):
    line = error_line(run("plan", "--profile", profile, "--output", out_dir / "nowhere" / "r.md"))
    assert "the directory does not exist" in line and "--output" in line
    line = error_line(run("plan", "--profile", profile, "--output", out_dir))
    assert "is a directory" in line
    assert list(out_dir.iterdir()) == []


def test_show_with_a_broken_profile_leaves_its_output_alone(tmp_path, out_dir):
    broken = write(tmp_path / "broken.yaml",
                   "id: broken\nepics:\n  - key: e\n    stories:\n      - {key: a, estimate: 8-3}\n")
    target = out_dir / "resolved.yaml"
    target.write_bytes(SENTINEL)
    line = error_line(run("show", broken, "--output", target))
    assert "broken.yaml:5:" in line and "low <= likely <= high" in line
    assert target.read_bytes() == SENTINEL
