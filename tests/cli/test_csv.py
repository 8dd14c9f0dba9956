"""`--format csv`: one row per epic and story in the layout of Jira's CSV importer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sprintgen.exporters.jira_markup import escape_wiki

from ..support import plan_args, run, write_hostile_profile, write_sample_profile


def parse(text: str) -> tuple[list[str], list[dict[str, str]], list[list[str]]]:
    """Header, rows as dicts (first of repeated columns), and raw rows."""
    raw = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header, body = raw[0], raw[1:]
    return header, [dict(zip(header[::-1], row[::-1])) for row in body], body


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    return str(write_sample_profile(tmp_path_factory.mktemp("csv")))


@pytest.fixture(scope="module")
def exported(sample: str) -> tuple[str, dict]:
    text = run(*plan_args("--profile", sample, "--velocity", "10", "--format", "csv")).stdout
    plan = json.loads(run(*plan_args("--profile", sample, "--velocity", "10", "--format", "json")).stdout)
    return text, plan


def test_header_has_the_jira_importer_columns(exported) -> None:
    header, _, _ = parse(exported[0])
    assert header[:8] == ["Issue Id", "Parent Id", "Issue Type", "Summary", "Description", "Story Points",
                          "Epic Name", "Epic Link"]
    assert header[-2:] == ["Sprint", "sprintgen Key"]
    assert set(header[8:-2]) == {"Labels"} and len(header[8:-2]) == 2  # at most 2 labels on one issue


def test_one_row_per_epic_then_story(exported) -> None:
    text, plan = exported
    _, rows, raw = parse(text)
    assert len(rows) == len(plan["epics"]) + len(plan["stories"])
    assert [r["Issue Type"] for r in rows] == ["Epic"] * len(plan["epics"]) + ["Story"] * len(plan["stories"])
    assert len({len(r) for r in raw}) == 1
    assert len({r["Issue Id"] for r in rows}) == len(rows)


def test_stories_point_to_their_epic_both_ways(exported) -> None:
    text, plan = exported
    _, rows, _ = parse(text)
    epics = {r["sprintgen Key"]: r for r in rows if r["Issue Type"] == "Epic"}
    for row in rows:
        if row["Issue Type"] != "Story":
            continue
        story = next(s for s in plan["stories"] if s["key"] == row["sprintgen Key"])
        parent = epics[story["epic"]]
        assert row["Parent Id"] == parent["Issue Id"]
        assert row["Epic Link"] == parent["Epic Name"] == parent["Summary"]


def test_story_fields(exported) -> None:
    text, plan = exported
    _, rows, raw = parse(text)
    header = parse(text)[0]
    by_key = {r["sprintgen Key"]: (r, raw[i]) for i, r in enumerate(rows)}
    sprint_names = {s["number"]: s["name"] for s in plan["sprints"]}
    for story in plan["stories"]:
        row, cells = by_key[story["key"]]
        assert row["Summary"] == story["title"]
        assert float(row["Story Points"]) == story["estimate"]["likely"]
        assert row["Sprint"] == sprint_names[story["sprint"]]
        labels = [c for h, c in zip(header, cells) if h == "Labels" and c]
        assert labels == ["sprintgen-sample"] + story["labels"]
        for item in story["acceptance"] + story["definition_of_done"]:
            assert f"\n* \\[ \\] {escape_wiki(item)}" in row["Description"]


def test_csv_and_push_write_descriptions_with_the_one_jira_markup_writer(exported) -> None:
    from sprintgen.tracker.markup import Description, Section

    text, plan = exported
    rows = {r["sprintgen Key"]: r for r in parse(text)[1]}
    for story in plan["stories"]:
        pushed = Description(paragraphs=(story["description"],),
                             checklists=(Section("Acceptance criteria", tuple(story["acceptance"])),
                                         Section("Definition of Done", tuple(story["definition_of_done"])))).as_wiki()
        assert rows[story["key"]]["Description"] == pushed


def test_csv_is_crlf_utf8_and_written_to_a_file(tmp_path, sample: str, exported) -> None:
    target = tmp_path / "issues.csv"
    result = run(*plan_args("--profile", sample, "--velocity", "10", "--format", "csv", "-o", str(target)))
    assert result.exit_code == 0
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8").replace("\r\n", "\n") == exported[0]  # CliRunner folds CRLF in stdout
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == len(records)  # CRLF ends records, not lines


def test_hostile_text_stays_in_its_cell(tmp_path) -> None:
    from ..support import NASTY, NASTY_LINES

    hostile = write_hostile_profile(tmp_path)
    text = run(*plan_args("--profile", str(hostile), "--format", "csv")).stdout
    header, rows, raw = parse(text)
    assert len({len(r) for r in raw}) == 1 and len(raw[0]) == len(header)
    assert len(rows) == 9 + 18
    summaries = [r["Summary"] for r in rows]
    assert " ".join(NASTY.split()) in summaries
    # a formula-looking cell is neutralised for spreadsheets, the text kept after the apostrophe
    assert "'=HYPERLINK(\"http://evil\")" in summaries
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in raw for cell in row)
    # descriptions survive quoting intact, with wiki markup escaped as push escapes it: {x} is no macro, [x] no link
    story = next(r for r in rows if r["Issue Type"] == "Story")
    assert story["Description"].startswith(escape_wiki(NASTY_LINES + " " + NASTY) + "\n\nh3. Acceptance criteria\n")
    assert f"* \\[ \\] {escape_wiki(NASTY)}" in story["Description"]
    assert "\\[x\\](javascript:alert(1))" in story["Description"] and "Pipe \\| cell" in story["Description"]
    assert {label for row in raw for label in row[8:-2] if label} == {"sprintgen-hostile", "x|y", "has-space"}


def test_summaries_are_cut_to_jiras_limit() -> None:
    from sprintgen.exporters.csv import summary

    assert len(summary("word " * 100)) == 255
    assert summary("a\nb") == "a b"
