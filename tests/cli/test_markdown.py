"""The Markdown roadmap: what a reader needs first, sprint table, epics with checklists, diagrams, GFM validity."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ..support import foreign_html, markdown_tokens, mermaid_blocks, plan_args, run, tables, write_sample_profile

BUILTIN = ["rag", "fine-tuning", "hybrid"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    return str(write_sample_profile(tmp_path_factory.mktemp("profile")))


@pytest.fixture(scope="module")
def rag_roadmap(sample: str) -> str:
    """The roadmap of the sample profile (named for what it stands in for: a small real profile)."""
    result = run(*plan_args("--profile", sample, "--velocity", "10"))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def rag_plan(sample: str) -> dict:
    result = run(*plan_args("--profile", sample, "--velocity", "10", "--format", "json"))
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
    assert summary["Profile"].endswith("; compliance = none")
    assert "14-day sprints from 2027-01-04" in summary["Team"]
    assert summary["Sprints"].startswith(str(len(rag_plan["sprints"])))
    total = rag_plan["total_estimate"]
    assert summary["Work"].startswith(f"{len(rag_plan['stories'])} stories in {len(rag_plan['epics'])} epics, "
                                      f"{total['low']:g}-{total['high']:g} points")
    assert re.fullmatch(r"[▁▂▃▄▅▆▇█]+ fullest: sprint \d+ at \d+%.*", summary["Load per sprint"])
    assert len(summary["Load per sprint"].split()[0]) == len(rag_plan["sprints"])


def test_commitment_is_stated_first_with_a_forecast(sample: str) -> None:
    args = ["plan", "--profile", sample, "--start", "2027-01-04", "--velocity", "10"]
    plan = json.loads(run(*args, "--format", "json").stdout)
    assert plan["forecast"] is not None, "a plan run without --no-forecast must carry its forecast"
    roadmap = run(*args).stdout
    commitment = plan["commitment"]
    first = roadmap.split("\n> ", 1)[1].split("\n", 1)[0]
    assert first.startswith(f"**Commit to {commitment['date']}: {commitment['sprints']} sprints, 85% confidence.**")
    assert f"has a {round(plan['plan_probability'] * 100)}% chance" in first
    assert roadmap.index(first) < roadmap.index("## At a glance")
    summary = {row[0]: row[1] for row in tables(roadmap)[0][1:]}
    assert summary["Commitment"].startswith(f"{commitment['date']}, sprint {commitment['sprints']}")
    sprints, dates = plan["forecast"]["sprints"], plan["forecast"]["dates"]
    assert summary["Forecast"] == (f"P50 {sprints['p50']} sprints ({dates['p50']}), P85 {sprints['p85']} "
                                   f"({dates['p85']}), P95 {sprints['p95']} ({dates['p95']})")
    assert _kinds(roadmap)[:2] == ["xychart-beta", "gantt"]


def test_no_forecast_row_without_a_forecast(rag_roadmap: str) -> None:
    rows = {row[0] for row in tables(rag_roadmap)[0]}
    assert not rows & {"Forecast", "Commitment"}
    assert "no forecast was run: this is not a date to commit to" in rag_roadmap


def test_top_findings_come_first_errors_before_infos(sample: str) -> None:
    result = run(*plan_args("--profile", sample, "--velocity", "4"))
    plan = json.loads(run(*plan_args("--profile", sample, "--velocity", "4", "--format", "json")).stdout)
    rank = {"error": 0, "warning": 1, "info": 2}
    expected = sorted(plan["findings"], key=lambda f: rank[f["level"]])[:3]
    cell = {row[0]: row for row in tables(result.stdout)[0][1:]}["Top findings"][1]
    positions = [cell.index(f["message"]) for f in expected]
    assert positions == sorted(positions)
    if len(plan["findings"]) > 3:
        assert f"({len(plan['findings']) - 3} more below)" in cell


def test_findings_list_every_finding(sample: str) -> None:
    result = run(*plan_args("--profile", sample, "--velocity", "4"))  # small sprints: warnings appear
    plan = json.loads(run(*plan_args("--profile", sample, "--velocity", "4", "--format", "json")).stdout)
    section = result.stdout.split("## Findings", 1)[1].split("\n## ", 1)[0].split("\n<details>", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) == len(plan["findings"]) > 0
    for finding, line in zip(plan["findings"], items):
        assert f"`{finding['code']}`" in line and finding["level"] in line


def test_sprint_table_has_titles_points_and_a_fill_bar(rag_roadmap: str, rag_plan: dict) -> None:
    sprint_table = next(t for t in tables(rag_roadmap) if t[0][0] == "Sprint")
    assert sprint_table[0] == ["Sprint", "Dates 2027", "Load of capacity", "Stories (points)"]
    rows = sprint_table[1:]
    assert len(rows) == len(rag_plan["sprints"])
    stories = {s["key"]: s for s in rag_plan["stories"]}
    for row, sprint in zip(rows, rag_plan["sprints"]):
        assert row[0] == str(sprint["number"])
        percent = round(sprint["load"] / sprint["capacity"] * 100)
        assert re.fullmatch(rf"[\d.]+/[\d.]+\u00a0[█░]{{5}}\u00a0{percent}%(\u00a0⚠)?", row[2]), row[2]
        expected = " · ".join(f"{stories[k]['title']} {stories[k]['estimate']['likely']:g}" for k in sprint["stories"])
        assert row[3] == expected.replace(" · ", " · ")


def test_sprint_row_flags_an_overloaded_skill(tmp_path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(yaml.safe_dump({"sprint": {"start": "2027-01-04"}, "members": [
        {"name": "Ana", "skills": ["data-engineering"], "capacity": 4},
        {"name": "Ben", "skills": ["product"], "capacity": 16}]}), encoding="utf-8")
    sample = write_sample_profile(tmp_path)
    result = run(*plan_args("--profile", str(sample), "--team", str(team)))
    plan = json.loads(run(*plan_args("--profile", str(sample), "--team", str(team), "--format", "json")).stdout)
    overloads = [f for f in plan["findings"] if f["code"] == "skill-overload"]
    assert overloads, plan["findings"]
    rows = {row[0]: row for row in next(t for t in tables(result.stdout) if t[0][0] == "Sprint")[1:]}
    for finding in overloads:
        percent = round(100 * finding["need"] / finding["carry"])
        assert f"⚠\u00a0{finding['skill'].replace('-', chr(0x2011))}\u00a0{percent}%" in rows[str(finding["sprint"])][2]


def test_epics_are_compact_tables_with_their_details_folded(rag_roadmap: str, rag_plan: dict) -> None:
    epic_tables = [t for t in tables(rag_roadmap) if t[0][0] == "Story"]
    assert len(epic_tables) == len(rag_plan["epics"])
    for table, epic in zip(epic_tables, rag_plan["epics"]):
        assert [row[0] for row in table[1:]] == [
            next(s["title"] for s in rag_plan["stories"] if s["key"] == k)
            + (" (critical path)" if next(s for s in rag_plan["stories"] if s["key"] == k)["critical"] else "")
            for k in epic["stories"]]
    assert rag_roadmap.count("<details><summary>Acceptance criteria") == len(rag_plan["epics"])
    for story in rag_plan["stories"]:
        block = rag_roadmap.split(f"**{story['title']}** `{story['key']}`", 1)[1].split("\n**", 1)[0]
        block = block.split("</details>", 1)[0]
        for dep in story["depends_on"]:
            assert f"`{dep}`" in block.split("\n", 1)[0]
        assert block.count("- [ ] ") == len(story["acceptance"]) + len(
            [d for d in story["definition_of_done"] if d not in rag_plan["definition_of_done"]
             and d not in next(e for e in rag_plan["epics"] if e["key"] == story["epic"])["definition_of_done"]])


def test_every_table_is_rectangular(rag_roadmap: str) -> None:
    for table in tables(rag_roadmap):
        assert len({len(row) for row in table}) == 1, table[0]


def test_only_our_own_html(rag_roadmap: str) -> None:
    assert foreign_html(rag_roadmap) == []
    assert "<br>" in rag_roadmap and "<details><summary>" in rag_roadmap


def test_three_diagrams_for_a_small_backlog(rag_roadmap: str) -> None:
    kinds = [block.split("\n")[1 if block.startswith("%%") else 0].split(None, 1)[0]
             for block in mermaid_blocks(rag_roadmap)]
    assert kinds == ["gantt", "flowchart", "flowchart"]


@pytest.mark.parametrize("profile", BUILTIN)
def test_builtin_profiles_render(profile: str) -> None:
    result = run(*plan_args("--profile", profile))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Roadmap: ")
    assert foreign_html(result.stdout) == []
    assert mermaid_blocks(result.stdout)


def _big_profile(count: int) -> dict:
    stories = [{"key": f"s{i}", "title": f"Story {i}", "estimate": 1,
                **({"depends_on": [f"s{i - 1}"]} if i else {})} for i in range(count)]
    return {"id": "big", "name": "Big", "epics": [{"key": "e", "title": "Everything", "stories": stories}]}


def _kinds(markdown: str) -> list[str]:
    return [b.split("\n")[1 if b.startswith("%%") else 0].split(None, 1)[0] for b in mermaid_blocks(markdown)]


def test_story_graph_is_left_out_when_the_critical_path_is_too_long(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_big_profile(26)), encoding="utf-8")
    result = run(*plan_args("--profile", str(path), "--dependencies", "concurrent"))
    assert result.exit_code == 0, result.stderr
    assert _kinds(result.stdout) == ["gantt", "flowchart"]
    assert "sprintgen graph --profile big --level story" in result.stdout


def test_story_graph_shows_the_critical_path_and_its_neighbours(tmp_path) -> None:
    stories = [{"key": f"s{i}", "title": f"Story {i}", "estimate": 3, **({"depends_on": [f"s{i - 1}"]} if i else {})}
               for i in range(6)]
    stories += [{"key": f"side{i}", "title": f"Side {i}", "estimate": 1, "depends_on": ["s2"]} for i in range(2)]
    stories += [{"key": f"far{i}", "title": f"Far {i}", "estimate": 1} for i in range(30)]
    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump({"id": "wide", "name": "Wide", "epics": [
        {"key": "e", "title": "Everything", "stories": stories}]}), encoding="utf-8")
    result = run(*plan_args("--profile", str(path), "--velocity", "30"))
    graph = mermaid_blocks(result.stdout)[-1]
    assert graph.startswith("flowchart")
    for i in range(6):
        assert f"s_e_s{i}[" in graph
    assert "s_e_side0[" in graph and "s_e_side1[" in graph
    assert "far" not in graph  # 30 unrelated stories stay out of the picture


def test_large_plans_summarise_sprints_and_point_to_csv(tmp_path) -> None:
    from sprintgen.exporters.roadmap_view import LARGE_PLAN_STORIES

    path = tmp_path / "big.yaml"
    count = LARGE_PLAN_STORIES + 1
    stories = [{"key": f"s{i}", "title": f"Story {i}", "estimate": 2} for i in range(count)]
    path.write_text(yaml.safe_dump({"id": "big", "name": "Big", "epics": [
        {"key": "a", "title": "A", "stories": stories[: count // 2]},
        {"key": "b", "title": "B", "stories": stories[count // 2:]}]}), encoding="utf-8")
    result = run(*plan_args("--profile", str(path), "--velocity", "40"))
    assert "`sprintgen plan --profile big --format csv`" in result.stdout
    table = next(t for t in tables(result.stdout) if t[0][0] == "Sprint")
    assert table[0] == ["Sprint", "Dates 2027", "Load of capacity", "Stories", "Epics"]
    assert sum(int(row[3]) for row in table[1:]) == count
    assert "Story 7 " not in result.stdout.split("## Sprints", 1)[1].split("## Timeline", 1)[0]


def test_not_planned_stories_are_named(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_big_profile(5)), encoding="utf-8")
    result = run(*plan_args("--profile", str(path), "--sprints", "2"))
    assert result.exit_code == 0, result.stderr
    assert "Not planned (no room in the sprints allowed)" in result.stdout
    assert "**not planned**" in result.stdout
    summary = {row[0]: row[1] for row in tables(result.stdout)[0][1:]}
    assert "not planned" in summary["Work"]


def test_output_file_matches_stdout(tmp_path, sample: str, rag_roadmap: str) -> None:
    target = tmp_path / "roadmap.md"
    result = run(*plan_args("--profile", sample, "--velocity", "10", "--output", str(target)))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == rag_roadmap
