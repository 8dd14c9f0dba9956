"""The built wheel works outside the repository: profiles and templates ship inside it, entry points resolve."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


#: What a build must not see or leave behind: it builds from a copy, so the checkout stays as git left it.
_NOT_COPIED = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache*", ".hypothesis",
                                     ".venv", "node_modules")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source") / "sprintgen"
    shutil.copytree(ROOT, source, ignore=_NOT_COPIED)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("sprintgen-*.whl")
    return path


def test_wheel_contains_profiles_templates_and_entry_points(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for profile in ("rag", "fine-tuning", "hybrid"):
        assert f"sprintgen/builtin_profiles/{profile}.yaml" in names
    assert "sprintgen/builtin_templates/roadmap.md.j2" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[sprintgen.profiles]" in text and "[sprintgen.exporters]" in text
    assert "sprintgen = sprintgen.__main__:run" in text  # catches Ctrl-C while the CLI is still importing


def test_non_editable_install_runs_from_any_directory(wheel, tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                             str(wheel)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import sprintgen.profiles.discovery as s, sprintgen; print(sprintgen.__file__); "
            "print(s.builtin_profiles_dir()); print(s.builtin_templates_dir())")
    where = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert line.startswith(str(site)), where.stdout  # nothing comes from the repository
    plan = subprocess.run([sys.executable, "-m", "sprintgen", "plan", "--profile", "rag"], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.startswith("# ")
