"""The Markdown roadmap: what a reader needs first, sprint table, epics with checklists, diagrams, GFM validity."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from .output_helpers import (
    html_tokens, markdown_tokens, mermaid_blocks, plan_args, run_cli, tables, write_sample_profile,
)

BUILTIN = ["rag", "fine-tuning", "hybrid"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    return str(write_sample_profile(tmp_path_factory.mktemp("profile")))


@pytest.fixture(scope="module")
def rag_roadmap(sample: str) -> str:
    """The roadmap of the sample profile (named for what it stands in for: a small real profile)."""
    result = run_cli(*plan_args("--profile", sample, "--velocity", "10"))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def rag_plan(sample: str) -> dict:
    result = run_cli(*plan_args("--profile", sample, "--velocity", "10", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def headings(text: str) -> list[str]:
    tokens = markdown_tokens(text)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]


def test_summary_comes_before_the_detail(rag_roadmap: str) -> None:
    order = headings(rag_roadmap)
    assert order[:2] == ["At a glance", "Findings"]
    assert order.index("Findings") < order.index("Sprints") < order.index("Epics")
    assert order.index("Dependencies") < order.index("Epics")


def test_summary_table_states_profile_team_sprints_and_estimate(rag_roadmap: str, rag_plan: dict) -> None:
    summary = {row[0]: row[1] for row in tables(rag_roadmap)[0][1:]}
    assert summary["Profile"].startswith("sample from ")
    assert summary["Parameters"] == "compliance = none"
    assert "14-day sprints from 2027-01-04" in summary["Team"]
    assert summary["Sprints"].startswith(str(len(rag_plan["sprints"])))
    total = rag_plan["total_estimate"]
    assert summary["Total estimate"].startswith(f"{total['low']:g}-{total['high']:g} points")
    assert summary["Stories"].startswith(f"{len(rag_plan['stories'])} stories in {len(rag_plan['epics'])} epics")


def test_forecast_percentiles_are_shown_with_a_forecast(sample: str) -> None:
    args = ["plan", "--profile", sample, "--start", "2027-01-04", "--velocity", "10"]
    plan = json.loads(run_cli(*args, "--format", "json").stdout)
    assert plan["forecast"] is not None, "a plan run without --no-forecast must carry its forecast"
    summary = {row[0]: row[1] for row in tables(run_cli(*args).stdout)[0][1:]}
    sprints, dates = plan["forecast"]["sprints"], plan["forecast"]["dates"]
    assert summary["Forecast"] == (f"P50 {sprints['p50']} sprints ({dates['p50']}), P85 {sprints['p85']} "
                                   f"({dates['p85']}), P95 {sprints['p95']} ({dates['p95']})")


def test_no_forecast_row_without_a_forecast(rag_roadmap: str) -> None:
    assert "Forecast" not in {row[0] for row in tables(rag_roadmap)[0]}


def test_findings_list_every_finding(sample: str) -> None:
    result = run_cli(*plan_args("--profile", sample, "--velocity", "4"))  # small sprints: warnings appear
    plan = json.loads(run_cli(*plan_args("--profile", sample, "--velocity", "4", "--format", "json")).stdout)
    section = result.stdout.split("## Findings", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) == len(plan["findings"]) > 0
    for finding, line in zip(plan["findings"], items):
        assert f"`{finding['code']}`" in line and finding["level"] in line


def test_sprint_table_has_one_row_per_sprint_with_a_fill_bar(rag_roadmap: str, rag_plan: dict) -> None:
    sprint_table = next(t for t in tables(rag_roadmap) if t[0][0] == "Sprint")
    assert sprint_table[0] == ["Sprint", "Dates", "Capacity", "Load", "Fill", "Stories"]
    rows = sprint_table[1:]
    assert len(rows) == len(rag_plan["sprints"])
    for row, sprint in zip(rows, rag_plan["sprints"]):
        assert row[0] == str(sprint["number"])
        assert row[1] == f"{sprint['start']} to {sprint['end']}"
        percent = round(sprint["load"] / sprint["capacity"] * 100)
        assert re.fullmatch(rf"[█░]{{10}} {percent}%( ⚠)?", row[4])
        assert row[5] == "".join(sprint["stories"])  # keys as code spans, separated by <br>


def test_every_story_has_its_checklists_and_details(rag_roadmap: str, rag_plan: dict) -> None:
    for story in rag_plan["stories"]:
        heading = f"({'`' + story['key'] + '`'})"
        assert heading in rag_roadmap, story["key"]
        block = rag_roadmap.split(heading, 1)[1].split("\n#### ", 1)[0].split("\n### ", 1)[0]
        assert "- Estimate: " in block
        for skill in story["skills"]:
            assert skill in block
        for dep in story["depends_on"]:
            assert f"`{dep}`" in block
        assert block.count("- [ ] ") == len(story["acceptance"]) + len(story["definition_of_done"])


def test_every_table_is_rectangular(rag_roadmap: str) -> None:
    for table in tables(rag_roadmap):
        assert len({len(row) for row in table}) == 1, table[0]


def test_only_line_breaks_as_html(rag_roadmap: str) -> None:
    assert set(html_tokens(rag_roadmap)) <= {"<br>"}


def test_three_diagrams_for_a_small_backlog(rag_roadmap: str) -> None:
    kinds = [block.split(None, 1)[0] for block in mermaid_blocks(rag_roadmap)]
    assert kinds == ["gantt", "flowchart", "flowchart"]


@pytest.mark.parametrize("profile", BUILTIN)
def test_builtin_profiles_render(profile: str) -> None:
    result = run_cli(*plan_args("--profile", profile))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Roadmap: ")
    assert set(html_tokens(result.stdout)) <= {"<br>"}
    assert mermaid_blocks(result.stdout)


def _big_profile(count: int) -> dict:
    stories = [{"key": f"s{i}", "title": f"Story {i}", "estimate": 1,
                **({"depends_on": [f"s{i - 1}"]} if i else {})} for i in range(count)]
    return {"id": "big", "name": "Big", "epics": [{"key": "e", "title": "Everything", "stories": stories}]}


def test_story_graph_is_left_out_when_too_large(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_big_profile(41)), encoding="utf-8")
    result = run_cli(*plan_args("--profile", str(path), "--dependencies", "concurrent"))
    assert result.exit_code == 0, result.stderr
    assert [b.split(None, 1)[0] for b in mermaid_blocks(result.stdout)] == ["gantt", "flowchart"]
    assert "sprintgen graph --profile big --level story" in result.stdout


def test_story_graph_is_kept_at_the_limit(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_big_profile(40)), encoding="utf-8")
    result = run_cli(*plan_args("--profile", str(path), "--dependencies", "concurrent"))
    assert len(mermaid_blocks(result.stdout)) == 3


def test_not_planned_stories_are_named(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_big_profile(5)), encoding="utf-8")
    result = run_cli(*plan_args("--profile", str(path), "--sprints", "2"))
    assert result.exit_code == 0, result.stderr
    assert "Not planned (no room in the sprints allowed)" in result.stdout
    assert "**not planned**" in result.stdout
    summary = {row[0]: row[1] for row in tables(result.stdout)[0][1:]}
    assert "not planned" in summary["Stories"]


def test_output_file_matches_stdout(tmp_path, sample: str, rag_roadmap: str) -> None:
    target = tmp_path / "roadmap.md"
    result = run_cli(*plan_args("--profile", sample, "--velocity", "10", "--output", str(target)))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == rag_roadmap
