"""Helpers for the plugin, recommend, compare and init tests: fake installed distributions, the real example plugin.

A "fake distribution" is what pip leaves on disk: a `<name>-<version>.dist-info` directory with METADATA and
entry_points.txt next to the package. Putting its root on sys.path makes importlib.metadata see it exactly as an
installed plugin, without touching the shared virtualenv (other test runs use it at the same time).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_PLUGIN = REPO / "examples" / "plugin"

SMALL_PROFILE = """\
id: {id}
name: {name}
epics:
  - key: work
    title: Work
    stories:
      - key: one
        title: First story
        estimate: 3
        skills: [backend]
      - key: two
        title: Second story
        estimate: 5
        depends_on: [one]
"""


def fake_distribution(root: Path, name: str, entry_points: dict[str, dict[str, str]],
                      files: dict[str, str] | None = None, version: str = "1.0") -> Path:
    """Write an installed-looking distribution under `root`: dist-info with entry points, plus package files."""
    dist_info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                        encoding="utf-8")
    lines = []
    for group, points in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in points.items()]
        lines.append("")
    (dist_info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def profile_package(module: str, profiles: dict[str, str]) -> dict[str, str]:
    """Files of an importable package `module` holding the given profiles (file stem -> YAML text)."""
    files = {f"{module}/__init__.py": ""}
    files.update({f"{module}/{stem}.yaml": text for stem, text in profiles.items()})
    return files


def install_example_plugin(target: Path) -> Path:
    """Install examples/plugin for real with pip into `target` (a --target directory) and return it.

    Copied first so the build leaves nothing in the repository; `--no-build-isolation --no-index` uses the
    setuptools already installed, so no network is needed; `--no-deps` because sprintgen is already importable.
    """
    source = target.parent / "plugin-src"
    shutil.copytree(EXAMPLE_PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        check=True, capture_output=True, text=True, env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    return target
