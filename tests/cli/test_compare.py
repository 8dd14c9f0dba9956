"""`sprintgen compare`: a side-by-side decision table for the team's own capacity."""

from __future__ import annotations

import json
import re

import pytest

from sprintgen.decide.compare import column_for, compare, render_markdown
from sprintgen.pipeline import PlanRequest, build_plan

from ..support import run, write

TEAM = """
    name: Platform
    velocity: 20
    sprint: {length_days: 14, start: 2027-01-04}
    members:
      - {name: Ana, skills: [backend, data-engineering], capacity: 10}
      - {name: Bo, skills: [backend], capacity: 10}
"""

ALPHA = """
    id: alpha
    name: Alpha
    parameters:
      region: {type: choice, choices: [eu, us], default: eu}
    risks:
      - {title: Small risk, probability: 0.1, impact: 1-2}
      - {title: Big risk, probability: 0.5, impact: 8-13}
    epics:
      - key: build
        title: Build
        stories:
          - {key: pipeline, title: Data pipeline, estimate: 5-8, skills: [data-engineering]}
          - {key: api, title: Serve answers, estimate: 8, skills: [backend], depends_on: [pipeline]}
          - {key: residency, title: "Keep data in {region}", estimate: 3, skills: [backend], when: "region == 'eu'"}
      - key: gov
        title: Controls
        stories:
          - {key: retention, title: Retention and deletion policy, estimate: 5, depends_on: [build.api]}
          - {key: pen, title: Penetration test, estimate: 3, skills: [security]}
"""

BETA = """
    id: beta
    name: "Beta | with a pipe"
    epics:
      - key: train
        title: Train
        stories:
          - {key: label, title: Label examples, estimate: 8-13, skills: [labelling]}
          - {key: run, title: Training runs, estimate: 13, skills: [ml-training], depends_on: [label]}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "team.yaml", TEAM)
    write(tmp_path / "alpha.yaml", ALPHA)
    write(tmp_path / "beta.yaml", BETA)
    return tmp_path


def compare_json(*args: str) -> dict:
    result = run("compare", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_columns_match_each_profiles_own_plan_and_forecast(project):
    out = compare_json("alpha.yaml", "beta.yaml", "--team", "team.yaml")
    assert [c["profile"] for c in out["columns"]] == ["alpha", "beta"]
    assert (out["team"], out["velocity"]) == ("Platform", 20)
    for column, ref in zip(out["columns"], ("alpha.yaml", "beta.yaml")):
        plan = json.loads(run("plan", "--profile", ref, "--team", "team.yaml", "--format", "json").stdout)
        assert column["stories"] == len(plan["stories"])
        assert column["estimate"] == {k: plan["total_estimate"][k] for k in ("low", "likely", "high")}
        assert column["lower_bound_sprints"] == plan["lower_bound_sprints"]
        assert plan["forecast"] is not None, "compare's plans must carry a forecast"
        assert column["sprints_source"] == "forecast"
        assert column["sprints_p50"] == plan["forecast"]["sprints"]["p50"]
        assert column["sprints_p85"] == plan["forecast"]["sprints"]["p85"]
        assert column["date_p85"] == plan["forecast"]["dates"]["p85"]
        assert column["sprints_p50"] <= column["sprints_p85"]


def test_skills_needed_and_missing_are_computed_against_the_team(project):
    alpha, beta = compare_json("alpha.yaml", "beta.yaml", "--team", "team.yaml")["columns"]
    assert alpha["skills"] == {"backend": 11.0, "data-engineering": 6.5, "security": 3.0}
    assert alpha["skills_missing"] == ["security"]
    assert beta["skills_missing"] == ["labelling", "ml-training"]
    assert alpha["risks"][0] == "Big risk"  # ordered by probability x impact
    assert alpha["governance_stories"] == ["Retention and deletion policy", "Penetration test"]
    assert alpha["governance_points"] == 8
    assert beta["governance_points"] == 0


def test_without_members_the_missing_skills_are_unknown_not_empty(project):
    write(project / "velocity-only.yaml", "velocity: 30\n")
    out = compare_json("alpha.yaml", "beta.yaml", "--team", "velocity-only.yaml")
    assert [c["skills_missing"] for c in out["columns"]] == [None, None]
    text = run("compare", "alpha.yaml", "beta.yaml", "--team", "velocity-only.yaml").stdout
    assert "unknown: no members in the team file" in text


def test_a_param_goes_to_the_profiles_that_declare_it(project):
    out = compare_json("alpha.yaml", "beta.yaml", "--param", "region=us")
    alpha, beta = out["columns"]
    assert alpha["parameters"] == {"region": "us"}
    assert alpha["stories"] == 4  # the eu-only story is gone
    assert beta["parameters"] == {}
    result = run("compare", "alpha.yaml", "beta.yaml", "--param", "colour=red")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("sprintgen: error: --param: no compared profile has a parameter 'colour'; "
                                     "parameters: region")
    assert run("compare", "alpha.yaml", "--param", "region=mars").exit_code == 2


def test_markdown_table_is_one_row_per_figure_and_survives_hostile_names(project):
    result = run("compare", "alpha.yaml", "beta.yaml", "--team", "team.yaml")
    assert result.exit_code == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in table]
    assert set(unescaped_pipes) == {4}  # label + two profiles, on every row
    labels = [line.split("|")[1].strip() for line in table[2:]]
    for label in ("total estimate, points", "sprints P50 / P85", "finish P50 / P85", "skills the team lacks",
                  "main risks", "governance work"):
        assert label in labels
    assert "Beta \\| with a pipe" in result.stdout
    assert "## What stands out" in result.stdout


def test_default_compares_the_three_built_in_profiles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = compare_json("--velocity", "30", "--start", "2027-01-04")
    assert [c["profile"] for c in out["columns"]] == ["rag", "fine-tuning", "hybrid"]
    rag, fine_tuning, hybrid = out["columns"]
    assert hybrid["estimate"]["likely"] > max(rag["estimate"]["likely"], fine_tuning["estimate"]["likely"])
    assert all(c["sprints_p50"] >= 1 for c in out["columns"])


def test_without_a_forecast_the_deterministic_plan_is_used_and_said(project):
    plan = build_plan(PlanRequest(profile="alpha.yaml", team_file="team.yaml"))
    plan.forecast = None
    column = column_for("alpha.yaml", plan)
    used = max(s.sprint for s in plan.stories if s.sprint is not None)
    assert (column.sprints_source, column.sprints_p50, column.sprints_p85) == ("plan", used, used)
    assert column.date_p50 == plan.sprints[used - 1].end.isoformat()
    comparison = compare(["alpha.yaml"], team_file="team.yaml")
    comparison.columns = [column]
    text = render_markdown(comparison)
    assert f"| sprints P50 / P85 | {used} (plan) |" in text


def test_compare_reports_input_errors_in_one_line(project):
    result = run("compare", "alpha.yaml", "nope")
    assert result.exit_code == 2
    assert "unknown profile 'nope'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = run("compare", "alpha.yaml", "--team", "missing.yaml")
    assert result.exit_code == 2 and "missing.yaml" in result.stderr


def test_output_file(project):
    result = run("compare", "alpha.yaml", "beta.yaml", "-o", "table.md")
    assert result.exit_code == 0 and result.stdout == ""
    assert (project / "table.md").read_text(encoding="utf-8").startswith("# Comparing alpha, beta")


def test_the_pace_is_the_capacity_the_plans_used(project):
    write(project / "focused.yaml", """
        velocity: 99
        focus_factor: 0.5
        members: [{name: Ana, capacity: 10}, {name: Bo, capacity: 30}]
    """)
    out = compare_json("alpha.yaml", "beta.yaml", "--team", "focused.yaml")
    plan = json.loads(run("plan", "--profile", "alpha.yaml", "--team", "focused.yaml", "--format", "json").stdout)
    assert out["velocity"] == plan["team"]["capacity_per_sprint"] == 20
    assert compare_json("alpha.yaml", "--team", "focused.yaml", "--velocity", "60")["velocity"] == 30
    text = run("compare", "alpha.yaml", "--team", "focused.yaml", "--velocity", "60").stdout
    assert "at 30 points per sprint" in text
