"""The `plan`, `profiles`, `show` and `validate` commands through the real CLI."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from ..support import run, write

PROFILE = """
id: small
name: Small profile
epics:
  - key: data
    title: Data
    stories:
      - {key: a, title: Story A, estimate: 3-8, skills: [data-engineering]}
      - {key: b, title: Story B, estimate: 5, depends_on: [a]}
  - key: model
    title: Model
    stories:
      - {key: c, title: Story C, estimate: {low: 2, likely: 3, high: 5}, depends_on: [data]}
"""


@pytest.fixture
def profile(tmp_path):
    return write(tmp_path / "small.yaml", PROFILE)


def plan_json(*args):
    result = run("plan", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_builtin_rag_prints_a_markdown_roadmap():
    result = run("plan", "--profile", "rag")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "| Sprint |" in result.stdout or "| Sprint" in result.stdout


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_every_builtin_profile_plans(profile_id):
    data = plan_json("--profile", profile_id)
    assert data["profile"]["id"] == profile_id
    assert data["stories"] and all(s["sprint"] for s in data["stories"])


def test_json_shape(profile):
    data = plan_json("--profile", str(profile), "--start", "2027-01-04", "--velocity", "10")
    assert data["schema_version"] == 1
    assert data["profile"]["id"] == "small"
    assert [s["key"] for s in data["stories"]] == ["data.a", "data.b", "model.c"]
    story = data["stories"][0]
    assert story["estimate"] == {"low": 3.0, "likely": 5.5, "high": 8.0}
    assert set(story) >= {"key", "epic", "title", "estimate", "sprint", "depends_on", "skills", "acceptance",
                          "definition_of_done"}
    sprint = data["sprints"][0]
    assert set(sprint) >= {"number", "start", "end", "capacity", "load", "stories"}
    assert sprint["start"] == "2027-01-04" and sprint["end"] == "2027-01-17"
    assert sprint["capacity"] == 10
    # sequential: a, then b, then c (c depends on all of epic data)
    assert [s["stories"] for s in data["sprints"]] == [["data.a"], ["data.b"], ["model.c"]]
    assert data["lower_bound_sprints"] == 3
    assert data["lower_bounds"] == {"capacity": 2, "dependency_chain": 3}
    assert data["critical_path"] == ["data.a", "data.b", "model.c"]
    assert data["total_estimate"] == {"low": 10.0, "likely": 13.5, "high": 18.0}
    assert {f["code"] for f in data["findings"]} >= {"critical-path"}
    for finding in data["findings"]:
        assert set(finding) >= {"level", "code", "message"}


def test_concurrent_mode_shares_a_sprint(profile):
    data = plan_json("--profile", str(profile), "--dependencies", "concurrent", "--velocity", "20")
    assert [s["stories"] for s in data["sprints"]] == [["data.a", "data.b", "model.c"]]


def test_no_sprint_is_loaded_above_capacity(profile):
    data = plan_json("--profile", str(profile), "--dependencies", "concurrent", "--velocity", "9")
    for sprint in data["sprints"]:
        assert sprint["load"] <= sprint["capacity"]


def test_story_larger_than_capacity_is_reported_not_dropped(profile):
    data = plan_json("--profile", str(profile), "--velocity", "4")
    assert all(s["sprint"] for s in data["stories"])  # nothing dropped
    too_large = [f for f in data["findings"] if f["code"] == "story-too-large"]
    assert {tuple(f["stories"]) for f in too_large} == {("data.a",), ("data.b",)}
    assert "split it" in too_large[0]["message"]


def test_team_file_in_current_directory_is_used(profile, tmp_path, monkeypatch):
    write(tmp_path / "team.yaml", "name: Found team\nvelocity: 12\nsprint: {start: 2027-03-01, length_days: 7}\n")
    monkeypatch.chdir(tmp_path)
    data = plan_json("--profile", str(profile))
    assert data["team"]["name"] == "Found team"
    assert data["sprints"][0]["start"] == "2027-03-01"
    assert data["sprints"][0]["end"] == "2027-03-07"
    # command-line overrides win over the file
    data = plan_json("--profile", str(profile), "--velocity", "30", "--sprint-length", "10")
    assert data["sprints"][0]["capacity"] == 30
    assert data["sprints"][0]["end"] == "2027-03-10"


def test_default_start_is_next_monday(profile):
    import datetime as dt

    data = plan_json("--profile", str(profile))
    start = dt.date.fromisoformat(data["sprints"][0]["start"])
    assert start.weekday() == 0 and 0 < (start - dt.date.today()).days <= 7


def test_output_file_is_written_whole(profile, tmp_path):
    target = tmp_path / "plan.json"
    result = run("plan", "--profile", str(profile), "--format", "json", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["profile"]["id"] == "small"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.json")] == []


def test_failed_run_leaves_existing_output_untouched(tmp_path):
    target = tmp_path / "roadmap.md"
    target.write_text("previous roadmap\n")
    bad = write(tmp_path / "bad.yaml", "id: bad\nepics:\n  - key: e\n    stories:\n      - {key: a, estimate: 3}\n")
    result = run("plan", "--profile", str(bad), "--output", str(target))
    assert result.exit_code == 2
    assert target.read_text() == "previous roadmap\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "roadmap.md"]
    assert result.stderr == f"sprintgen: error: {bad}:5: e.a.title: story has no title; give the story a title\n"


def test_failed_run_creates_no_output(tmp_path):
    target = tmp_path / "new.md"
    result = run("plan", "--profile", "no-such-profile", "--output", str(target))
    assert result.exit_code == 2
    assert not target.exists()
    assert "unknown profile 'no-such-profile'" in result.stderr


def test_unknown_profile_suggests_the_closest():
    result = run("plan", "--profile", "ragg")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("sprintgen: error: unknown profile 'ragg'; did you mean rag? "
                                     "(or pass a path to a YAML file)")


def test_param_must_be_name_value(profile):
    result = run("plan", "--profile", str(profile), "--param", "compliance")
    assert result.exit_code == 2
    assert "--param 'compliance' is not NAME=VALUE" in result.stderr


def test_bad_team_option():
    result = run("plan", "--velocity", "0")
    assert result.exit_code == 2
    assert result.stderr.strip() == "sprintgen: error: command line: velocity: Input should be greater than 0"


def test_unknown_format():
    result = run("plan", "--format", "pdf")
    assert result.exit_code == 2
    assert "unknown output format 'pdf'" in result.stderr and "markdown" in result.stderr


def test_profiles_lists_the_builtins():
    result = run("profiles")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SOURCE", "STORIES"]
    ids = {line.split()[0] for line in lines[1:]}
    assert {"rag", "fine-tuning", "hybrid"} <= ids
    assert all("built-in" in line for line in lines[1:] if line.split()[0] in {"rag", "fine-tuning", "hybrid"})


def test_project_profiles_directory_is_searched(tmp_path, monkeypatch):
    write(tmp_path / "profiles" / "small.yaml", PROFILE)
    monkeypatch.chdir(tmp_path)
    result = run("plan", "--profile", "small", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "small" in run("profiles").stdout


def test_show_prints_the_resolved_profile(tmp_path):
    write(tmp_path / "base.yaml", PROFILE)
    child = write(tmp_path / "child.yaml", """
        id: child
        extends: [base.yaml]
        parameters:
          extra: {type: bool, default: false}
        epics:
          - key: model
            stories:
              - {key: d, title: Story D, estimate: 2, when: extra}
    """)
    shown = yaml.safe_load(run("show", str(child)).stdout)
    assert shown["id"] == "child"
    assert [s["key"] for e in shown["epics"] for s in e["stories"]] == ["a", "b", "c"]
    shown = yaml.safe_load(run("show", str(child), "--param", "extra=true").stdout)
    assert [s["key"] for e in shown["epics"] for s in e["stories"]] == ["a", "b", "c", "d"]
    assert shown["epics"][1]["stories"][0]["depends_on"] == ["data.a", "data.b"]


@pytest.mark.parametrize("profile_id, params", [
    ("rag", ["--param", "compliance=gdpr", "--param", "data_sources=wiki,crm"]),
    ("fine-tuning", []),
    ("hybrid", ["--param", "compliance=hipaa"]),
])
def test_show_round_trips_through_validate_and_plans_the_same_stories(tmp_path, profile_id, params):
    shown = tmp_path / f"shown-{profile_id}.yaml"
    assert run("show", profile_id, *params, "-o", str(shown)).exit_code == 0
    assert run("validate", str(shown)).stdout == f"{shown}: valid profile\n"
    common = ["--format", "json", "--no-forecast", "--start", "2027-01-04"]
    original = json.loads(run("plan", "--profile", profile_id, *params, *common).stdout)
    again = json.loads(run("plan", "--profile", str(shown), *common).stdout)
    fields = ("key", "title", "estimate", "depends_on", "acceptance", "definition_of_done", "skills", "sprint")
    assert [{f: s[f] for f in fields} for s in again["stories"]] == \
           [{f: s[f] for f in fields} for s in original["stories"]]
    assert again["profile"]["parameters"] == original["profile"]["parameters"]
    assert again["risks"] == original["risks"]


def test_validate(tmp_path, profile):
    team = write(tmp_path / "team.yaml", "velocity: 20\n")
    result = run("validate", str(profile), str(team))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{profile}: valid profile", f"{team}: valid team file"]
    bad = write(tmp_path / "bad-team.yaml", "velocity: fast\n")
    result = run("validate", str(profile), str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"sprintgen: error: {bad}:1: velocity: Input should be a valid number, "
                                     "unable to parse string as a number")


def test_python_dash_m_and_help_do_not_import_jira():
    code = ("import sys, runpy; sys.argv=['sprintgen','--help'];\n"
            "try:\n    runpy.run_module('sprintgen', run_name='__main__')\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code\n"
            "assert 'jira' not in sys.modules, 'jira imported by --help'\n"
            "assert 'jinja2' not in sys.modules\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout and out.stdout.rstrip().endswith("ok")


def test_plan_does_not_import_jira(profile):
    code = ("import sys\nfrom click.testing import CliRunner\nfrom sprintgen.cli import main\n"
            f"r = CliRunner().invoke(main, ['plan', '--profile', {str(profile)!r}])\n"
            "assert r.exit_code == 0, r.output\nassert 'jira' not in sys.modules\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_core_modules_import_no_cli_template_or_jira_library():
    # Every module of the core stages, found by walking them, so a new module is checked without editing this list.
    code = ("import importlib, pkgutil, sys\n"
            "import sprintgen\n"
            "core = ['sprintgen.errors', 'sprintgen.model', 'sprintgen.graph', 'sprintgen.capacity',"
            " 'sprintgen.pipeline']\n"
            "for pkg in ('inputs', 'profiles', 'scheduling', 'forecast'):\n"
            "    mod = importlib.import_module('sprintgen.' + pkg)\n"
            "    core += [m.name for m in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.')]\n"
            "for name in core:\n"
            "    importlib.import_module(name)\n"
            "assert len(core) > 20, core\n"
            "bad = [m for m in ('click', 'jinja2', 'jira') if m in sys.modules]\n"
            "assert not bad, bad\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
