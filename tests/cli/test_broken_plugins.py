"""Broken plugins in real processes: a profile plugin that calls sys.exit at import, exporters that raise, exit or
return no text. Each is reported by name, one line, exit 2 at most for the command that uses it, and never stops a
built-in (it used to make every command, `plugins` included, exit 3 with nothing said)."""

from __future__ import annotations

import json
import os

import pytest

from ..support import SENTINEL, SMALL_PROFILE, assert_one_error_line, fake_distribution, run_subprocess

PROFILES = "sprintgen.profiles"
EXPORTERS = "sprintgen.exporters"

EXPORTER = """
    import sys
    from sprintgen.exporters import Exporter

    def render(plan, **_):
        {body}

    EXPORTER = Exporter(name="{name}", description="a broken exporter", render=render)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Installed-looking plugin distributions: a profile package exiting at import, and three broken exporters."""
    root = tmp_path_factory.mktemp("site")
    fake_distribution(root, "exits-at-import", {PROFILES: {"quitter": "quitter.profiles"}},
                      {"quitter/__init__.py": "import sys\nsys.exit(3)\n", "quitter/profiles/__init__.py": "",
                       "quitter/profiles/quit.yaml": SMALL_PROFILE.format(id="quit", name="Quit")})
    bodies = {"raiser": "raise ValueError('no columns configured')", "nothing": "return None",
              "exiter": "sys.exit(3)"}
    fake_distribution(root, "bad-exporters", {EXPORTERS: {name: f"{name}_x:EXPORTER" for name in bodies}},
                      {f"{name}_x.py": EXPORTER.format(name=name, body=body) for name, body in bodies.items()})
    return root


def sprintgen(site, tmp_path, *args):
    env = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "SPRINTGEN_DISABLE_PLUGINS": ""}
    return run_subprocess(list(args), cwd=tmp_path, env=env)


def test_a_profile_plugin_calling_sys_exit_at_import_is_reported_and_stops_nothing(site, tmp_path):
    report = sprintgen(site, tmp_path, "plugins", "--format", "json")
    assert report.returncode == 0, report.stderr
    problems = {p["plugin"]: p["message"] for p in json.loads(report.stdout)["problems"]}
    assert problems["plugin exits-at-import (quitter = quitter.profiles)"] == "failed to load: it called sys.exit(3)"
    text = sprintgen(site, tmp_path, "plugins")
    assert text.returncode == 0 and "plugin exits-at-import (quitter = quitter.profiles): failed to load" in text.stdout
    for args in (["profiles"], ["plan", "--profile", "rag", "--no-forecast"], ["show", "hybrid"]):
        completed = sprintgen(site, tmp_path, *args)
        assert completed.returncode == 0, (args, completed.stderr)
        assert completed.stdout and completed.stderr == ""


@pytest.mark.parametrize("name, failure", [
    ("raiser", "plugin bad-exporters (raiser = raiser_x:EXPORTER) failed: ValueError: no columns configured"),
    ("nothing", "plugin bad-exporters (nothing = nothing_x:EXPORTER) returned NoneType, not text"),
    ("exiter", "plugin bad-exporters (exiter = exiter_x:EXPORTER) failed: it called sys.exit(3)"),
])
def test_an_exporter_that_fails_is_named_in_one_line_and_writes_nothing(site, tmp_path, name, failure):
    output = tmp_path / "out.txt"
    output.write_bytes(SENTINEL)
    completed = sprintgen(site, tmp_path, "plan", "--profile", "rag", "--no-forecast", "--format", name, "-o", output)
    assert completed.returncode == 2, completed.stderr
    line = assert_one_error_line(completed.stderr, completed.stdout)
    assert line == f"--format: output format '{name}': {failure}; fix or uninstall the plugin, or set " \
                   "SPRINTGEN_DISABLE_PLUGINS=1"
    assert output.read_bytes() == SENTINEL and completed.stdout == ""
    builtin = sprintgen(site, tmp_path, "plan", "--profile", "rag", "--no-forecast", "--format", "json")
    assert builtin.returncode == 0 and json.loads(builtin.stdout)["profile"]["id"] == "rag"
