"""The small things of issue 14: a natural default team name, story points on the team's scale, no "best fit" on a
tie, '20%' in --help, push previews in sprint order, '1 risk', hybrid without contradictory assumptions."""

from __future__ import annotations

import json

import pytest

from sprintgen.model import on_scale

from ..support import run, tables, write
from ..jira_fake.fixtures import push

LATE_FIRST = """
    id: late
    name: Late first
    risks:
      - {title: One risk, probability: 0.5, impact: 2-3}
    epics:
      - key: b
        title: B
        stories:
          - {key: late, title: Late story, estimate: 3.5, depends_on: [a.early]}
      - key: a
        title: A
        stories:
          - {key: early, title: Early story, estimate: 4}
"""


def test_default_team_reads_naturally(tmp_path):
    profile = write(tmp_path / "p.yaml", LATE_FIRST)
    roadmap = run("plan", "--profile", str(profile), "--start", "2027-01-04", "--no-forecast").stdout
    team = {row[0]: row[1] for row in tables(roadmap)[0][1:]}["Team"]
    assert team.startswith("your team: 14-day sprints")


@pytest.mark.parametrize("value, integer, fibonacci", [(3.5, 4, 3), (4, 4, 5), (6.5, 7, 8), (6, 6, 5), (0, 0, 0),
                                                       (10.5, 11, 13), (1000.4, 1000, 1000)])
def test_points_scales(value, integer, fibonacci):
    assert on_scale(value, "integer") == integer
    assert on_scale(value, "fibonacci") == fibonacci
    assert on_scale(value, "decimal") == value


def test_points_scale_in_the_roadmap_and_an_unknown_scale_is_refused(tmp_path):
    profile = write(tmp_path / "p.yaml", LATE_FIRST)
    team = write(tmp_path / "team.yaml", "points_scale: fibonacci\nsprint: {start: 2027-01-04}\n")
    roadmap = run("plan", "--profile", str(profile), "--team", str(team), "--no-forecast").stdout
    rows = {row[0]: row[3] for row in next(t for t in tables(roadmap) if t[0][0] == "Sprint")[1:]}
    assert rows == {"1": "Early story 5", "2": "Late story 3"}  # 4 -> 5 (tie goes up), 3.5 -> 3
    bad = write(tmp_path / "bad.yaml", "points_scale: roman\n")
    result = run("plan", "--profile", str(profile), "--team", str(bad), "--no-forecast")
    assert result.exit_code == 2 and "points_scale" in result.stderr and "bad.yaml" in result.stderr


def test_points_are_pushed_on_the_team_scale(tmp_path, cloud):  # noqa: F811
    profile = write(tmp_path / "p.yaml", LATE_FIRST)
    team = write(tmp_path / "team.yaml", "points_scale: integer\n")
    result = push(cloud, profile, "--team", str(team))
    assert result.exit_code == 0, result.output
    (late,) = cloud.state.by_identity()["story:b.late"]
    (early,) = cloud.state.by_identity()["story:a.early"]
    assert late.fields[cloud.variant.points_field] == 4 and early.fields[cloud.variant.points_field] == 4


def test_push_preview_lists_sprints_in_order(tmp_path, cloud):  # noqa: F811
    profile = write(tmp_path / "p.yaml", LATE_FIRST)
    result = push(cloud, profile, "--dry-run")
    assert result.exit_code == 0, result.output
    block = result.output.split("Sprint assignments:", 1)[1].splitlines()[1:3]
    assert [line.split(":")[0].strip() for line in block] == ["Sprint 1", "Sprint 2"]


def test_help_shows_a_plain_percent_sign():
    text = " ".join(run("plan", "--help").stdout.split())
    assert "(0-0.2 = up to 20%)" in text and "%%" not in text


def test_one_risk_is_singular(tmp_path):
    profile = write(tmp_path / "p.yaml", LATE_FIRST)
    roadmap = run("plan", "--profile", str(profile), "--start", "2027-01-04", "--trials", "50").stdout
    assert "1 risk;" in roadmap and "1 risks" not in roadmap
    assert "1 risk and 0 assumptions of the profile" in roadmap


def test_compare_names_no_best_fit_on_a_tie(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        write(tmp_path / f"{name}.yaml", f"""
            id: {name}
            epics:
              - key: e
                stories:
                  - {{key: s, title: S, estimate: {3 if name == 'one' else 5}, skills: [rare]}}
            """)
    write(tmp_path / "team.yaml", "members:\n  - {name: Ana, skills: [backend], capacity: 10}\n")
    result = run("compare", "one.yaml", "two.yaml", "--team", "team.yaml", "--format", "json")
    highlights = json.loads(result.stdout)["highlights"]
    assert not any(h.startswith("best fit") for h in highlights)
    assert "no best fit for the team's skills: one, two each lack 1 skill" in highlights


def test_hybrid_drops_the_assumptions_that_contradict_it():
    plan = json.loads(run("plan", "--profile", "hybrid", "--no-forecast", "--format", "json").stdout)
    text = " ".join(plan["assumptions"])
    assert "no weights are modified" not in text
    assert "not retraining, keeps it correct" not in text
    rag = json.loads(run("plan", "--profile", "rag", "--no-forecast", "--format", "json").stdout)
    assert any("no weights are modified" in a for a in rag["assumptions"])  # rag keeps its own


def test_removing_an_assumption_that_is_not_inherited_is_an_error(tmp_path):
    child = write(tmp_path / "child.yaml", """
        id: child
        extends: rag
        remove_assumptions: [Nobody ever said this]
        """)
    result = run("plan", "--profile", str(child), "--no-forecast")
    assert result.exit_code == 2
    assert "child.yaml" in result.stderr and "remove_assumptions[0]" in result.stderr
    assert "Traceback" not in result.stderr
