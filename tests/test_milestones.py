"""Milestones: a profile names the stories that complete each one; the plan reports the sprint, date and forecast
of each (JSON, Markdown, Gantt) and plans the first milestone's work first. The built-in profiles reach their first
vertical slice by sprint 3 with the default team and with examples/team.yaml."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from .support import run, write

EXAMPLE_TEAM = str(Path(__file__).resolve().parents[1] / "examples" / "team.yaml")
TEAMS = {"default team": ("--start", "2027-01-04"), "example team": ("--team", EXAMPLE_TEAM)}


def plan_json(*args: str) -> dict:
    result = run("plan", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("team", TEAMS)
@pytest.mark.parametrize("profile_id,first", [("rag", "first-answer"), ("fine-tuning", "first-candidate")])
def test_first_vertical_slice_lands_by_sprint_3(profile_id, first, team):
    plan = plan_json("--profile", profile_id, *TEAMS[team])
    milestones = {m["key"]: m for m in plan["milestones"]}
    assert list(milestones)[0] == first and "pilot" in milestones
    slice_ = milestones[first]
    assert slice_["sprint"] <= 3, f"{profile_id} with the {team}: first slice in sprint {slice_['sprint']}"
    sprint_end = {s["number"]: s["end"] for s in plan["sprints"]}
    assert slice_["date"] == sprint_end[slice_["sprint"]]
    sprint_of = {s["key"]: s["sprint"] for s in plan["stories"]}
    assert slice_["sprint"] == max(sprint_of[k] for k in slice_["stories"])
    forecast = slice_["forecast"]
    assert forecast["p50"] <= forecast["p85"] <= forecast["p95"]
    assert forecast["p50"] <= 3
    assert milestones["pilot"]["sprint"] > slice_["sprint"]


def test_milestones_appear_in_markdown_and_gantt():
    result = run("plan", "--profile", "rag", "--start", "2027-01-04")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    section = text.split("## Milestones", 1)[1].split("\n## ", 1)[0]
    assert "| First slice: cited answers on one source | `slice.answer` | sprint 3, 2027-02-14 | sprint 3, " \
           "2027-02-14 |" in section
    assert "Pilot decision (stop, fix or scale)" in section
    gantt = text.split("section Milestones", 1)[1].split("```", 1)[0]
    assert "    First slice cited answers on one source :milestone, ms1, 2027-02-14, 0d\n" in gantt


PROFILE = """
    id: ms
    parameters:
      extra: {type: bool, default: false}
    epics:
      - key: build
        stories:
          - {key: a, title: A, estimate: 10}
          - {key: b, title: B, estimate: 10}
          - {key: c, title: C, estimate: 10}
      - key: late
        stories:
          - {key: x, title: X, estimate: 10}
          - {key: y, title: Y, estimate: 5, when: extra}
    milestones:
      - {key: first, title: First slice, stories: [late.x]}
      - {key: optional, stories: [late.y]}
      - {key: all, title: Everything built, stories: [build, late]}
"""


def test_milestone_work_is_planned_first_and_epic_keys_expand(tmp_path):
    profile = write(tmp_path / "ms.yaml", PROFILE)
    plan = plan_json("--profile", str(profile), "--start", "2027-01-04", "--velocity", "30", "--no-forecast")
    sprint_of = {s["key"]: s["sprint"] for s in plan["stories"]}
    assert sprint_of["late.x"] == 1  # the last epic's story, pulled into sprint 1 for the first milestone
    milestones = {m["key"]: m for m in plan["milestones"]}
    assert set(milestones) == {"first", "all"}  # 'optional' names only a story switched off by a condition
    assert milestones["all"]["stories"] == ["build.a", "build.b", "build.c", "late.x"]
    assert milestones["all"]["sprint"] == 2 and milestones["all"]["date"] == "2027-01-31"
    assert milestones["first"]["forecast"] is None  # no forecast asked for
    with_y = plan_json("--profile", str(profile), "--param", "extra=true", "--start", "2027-01-04")
    keys = [m["key"] for m in with_y["milestones"]]
    assert keys == ["first", "optional", "all"]
    assert all(m["forecast"]["p50_date"] for m in with_y["milestones"])


def test_a_child_profile_removes_or_retitles_inherited_milestones(tmp_path):
    write(tmp_path / "ms.yaml", PROFILE)
    child = write(tmp_path / "child.yaml", """
        id: child
        extends: [ms.yaml]
        milestones:
          - {key: first, remove: true}
          - {key: all, title: All done}
    """)
    plan = plan_json("--profile", str(child), "--start", "2027-01-04", "--no-forecast")
    assert [(m["key"], m["title"]) for m in plan["milestones"]] == [("all", "All done")]
    trimmed = write(tmp_path / "trimmed.yaml", """
        id: trimmed
        extends: [ms.yaml]
        epics:
          - key: late
            stories:
              - {key: x, remove: true}
    """)
    plan = plan_json("--profile", str(trimmed), "--start", "2027-01-04", "--no-forecast")
    # a removed story is no longer waited for; 'first' named only that story and goes with it
    assert [(m["key"], m["stories"]) for m in plan["milestones"]] == [("all", ["build.a", "build.b", "build.c"])]


@pytest.mark.parametrize("milestones,message", [
    ("  - {key: first, stories: [late.z]}\n",
     "milestones.first.stories: milestone 'first' names unknown story 'late.z'; closest existing keys: late.y, late.x, "
     "late"),
    ("  - {key: first}\n", "milestones.first.stories: milestone 'first' names no stories; list the EPIC.STORY keys (or "
                        "epic keys) that complete it"),
    ("  - {key: first, stories: [late.x]}\n  - {key: first, stories: [build.a]}\n",
     "milestones[1].key: duplicate milestone key 'first' (also milestones[0]); milestone keys must be unique"),
])
def test_bad_milestones_are_one_line_errors_with_file_and_line(tmp_path, milestones, message):
    text = PROFILE.split("    milestones:\n")[0] + "    milestones:\n" + "".join(
        "    " + line + "\n" for line in milestones.rstrip("\n").split("\n"))
    profile = write(tmp_path / "bad.yaml", text)
    line = len(profile.read_text(encoding="utf-8").splitlines())  # the last milestone entry is the last line
    result = run("plan", "--profile", str(profile), "--no-forecast")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"sprintgen: error: {profile}:{line}: {message}"
    assert result.stdout == ""


def test_the_schemas_describe_milestones():
    profile = json.loads(run("schema", "profile").stdout)
    assert set(profile["$defs"]["Milestone"]["properties"]) == {"key", "title", "stories", "remove"}
    assert "milestones" in profile["properties"]
    plan = json.loads(run("schema", "plan").stdout)
    assert set(plan["$defs"]["PlannedMilestone"]["properties"]) == {"key", "title", "stories", "sprint", "date",
                                                                    "forecast"}
    assert set(plan["$defs"]["MilestoneForecast"]["properties"]) == {"p50", "p85", "p95", "p50_date",
                                                                     "p85_date", "p95_date"}


def test_a_for_each_count_that_is_not_a_whole_number_is_an_error(tmp_path):
    profile = write(tmp_path / "count.yaml", """
        id: count
        parameters:
          items: {type: int, default: 7000}
        epics:
          - key: work
            stories:
              - {key: batch, title: "Batch {item}", estimate: 3, for_each: "items / 3000"}
    """)
    result = run("plan", "--profile", str(profile), "--no-forecast")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"sprintgen: error: {profile}:7: work.batch.for_each: for_each must give a list "
                                     "parameter or a whole number from 0 to 200, got 2.3333333333333335; round the "
                                     "count, e.g. with // or round()")
    assert dt.date  # the module's imports are used
