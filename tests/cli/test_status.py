"""`sprintgen status --progress FILE` through the real CLI: outputs, --replan, bad files, the published schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ..support import START, even_profile, run, status_json, write_csv

REPO = Path(__file__).resolve().parents[2]


def _rows():
    # the even plan at velocity 10: a.s1 a.s2 | a.s3 a.s4 | a.s5 b.s1 | b.s2 b.s3 | b.s4 b.s5
    return [
        {"key": "a.s1", "status": "Done", "points": "5", "sprint": "Sprint 1", "sprint_state": "closed"},
        {"key": "a.s2", "status": "done", "points": "5", "sprint": "Sprint 1", "sprint_state": "closed"},
        {"key": "a.s3", "status": "Done", "points": "8", "sprint": "Sprint 2", "sprint_state": "closed"},
        {"key": "a.s4", "status": "In Progress", "points": "5", "sprint": "Sprint 3", "sprint_state": "active"},
        {"key": "a.s5", "status": "Won't Do", "points": "5", "sprint": "", "sprint_state": ""},
        {"key": "b.s1", "status": "To Do", "points": "5", "sprint": "Sprint 3", "sprint_state": ""},
        {"key": "OPS-7", "status": "to_do", "points": "3", "sprint": "", "sprint_state": "", "epic": "b"},
    ]


def _status(profile: Path, *args: str, **kwargs):
    return run("status", "--profile", str(profile), "--velocity", "10", "--start", START, "--trials", "300", *args,
               **kwargs)


def test_progress_csv_gives_the_figures_in_text_markdown_and_json(tmp_path):
    profile = even_profile(tmp_path)
    progress = write_csv(tmp_path / "progress.csv", [{**r, "epic": r.get("epic", "")} for r in _rows()])
    text = _status(profile, "--progress", str(progress))
    assert text.exit_code == 0, text.output
    assert "Status of even from progress.csv: 2 sprints closed, sprint 3 is the current one" in text.stdout
    assert "Velocity: Sprint 1 10 of 10 (planned 10); Sprint 2 8 of 10 (planned 10)" in text.stdout
    assert "only 2 sprints closed (10, 8 points): the forecast uses the team's capacity" in text.stdout
    assert "Slipped: a.s4 (sprint 2, in progress)" in text.stdout
    target = _status(profile, "--progress", str(progress), "--target-date", "2027-03-14")  # the end of sprint 5
    assert target.exit_code == 0 and "chance of finishing by 2027-03-14" in target.stdout

    data = status_json(_status(profile, "--progress", str(progress), "--format", "json"))
    assert data["total"]["done_points"] == 18 and data["total"]["in_progress_points"] == 5
    assert data["scope"]["added"] == ["OPS-7"] and data["scope"]["removed"] == ["a.s5"]
    assert data["scope"]["reestimated"] == [{"key": "a.s3", "planned": 5, "now": 8}]
    assert data["scope"]["current_points"] == 50 + 3 - 5 + 3
    assert data["not_found"] == ["b.s2", "b.s3", "b.s4", "b.s5"]
    sprints = data["reforecast"]["sprints"]
    assert sprints["p50"] <= sprints["p85"] <= sprints["p95"] and sprints["p50"] >= 4
    schema = json.loads(run("schema", "status").stdout)
    Draft202012Validator(schema).validate(data)

    out = tmp_path / "status.md"
    written = _status(profile, "--progress", str(progress), "-o", str(out))
    assert written.exit_code == 0 and written.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Status: Even\n")
    assert "| **Whole plan** | 18 pts (3) | 5 pts (1) | 33 pts (7) |" in page
    assert "```mermaid" in page and "xychart-beta" in page and '    bar [0, 10, 18, ' in page


def test_replan_puts_the_remaining_work_after_the_closed_sprints_in_plan_formats(tmp_path):
    profile = even_profile(tmp_path)
    progress = write_csv(tmp_path / "progress.csv", [{**r, "epic": r.get("epic", "")} for r in _rows()])
    data = status_json(_status(profile, "--progress", str(progress), "--replan", "--format", "json"))
    placed = {s["key"]: s["sprint"] for s in data["stories"]}
    assert set(placed) == {"a.s4", "b.s1", "b.s2", "b.s3", "b.s4", "b.s5", "OPS-7"}  # nothing done or removed
    assert placed["a.s4"] == 3  # in progress: stays in the current sprint
    assert min(placed.values()) == 3 and [s["number"] for s in data["sprints"]][0] == 3
    assert data["sprints"][0]["start"] == "2027-02-01"  # sprint 3 of the plan's calendar
    csv_text = _status(profile, "--progress", str(progress), "--replan", "--format", "csv").stdout
    assert csv_text.startswith("Issue Id,") and "Sprint 3" in csv_text


def test_json_progress_with_sprint_states(tmp_path):
    profile = even_profile(tmp_path)
    document = {"sprints": [{"name": "Sprint 1", "state": "closed"}, {"name": "Sprint 2", "state": "closed"},
                            {"name": "Sprint 3", "state": "active"}],
                "stories": [{k: (None if v == "" else float(v) if k == "points" else v) for k, v in r.items()
                             if k != "sprint_state"} for r in _rows()]}
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    from_json = status_json(_status(profile, "--progress", str(path), "--format", "json"))
    from_csv = status_json(_status(profile, "--progress", str(write_csv(tmp_path / "p.csv", [
        {**r, "epic": r.get("epic", "")} for r in _rows()])), "--format", "json"))
    for data in (from_json, from_csv):
        data.pop("source")
    assert from_json == from_csv
    schema = json.loads(run("schema", "progress").stdout)
    Draft202012Validator(schema).validate(document)
    Draft202012Validator(schema).validate(document["stories"])
    with pytest.raises(Exception):
        Draft202012Validator(schema).validate([{"key": "a.s1", "status": "done"}])  # points and sprint required


@pytest.mark.parametrize("name, content, expected", [
    ("progress.csv", "key,status,points\na.s1,done,5\n", "progress.csv:1: header: the header has no column 'sprint'"),
    ("progress.csv", "key,status,points,sprint\na.s1,done,5,Sprint 1\na.s2,almost,5,Sprint 1\n",
     "progress.csv:3: status: unknown status 'almost'; write one of: to do, in progress, done, removed"),
    ("progress.csv", "key,status,points,sprint\na.s1,done,five,Sprint 1\n",
     "progress.csv:2: points: 'five' is not a number of points"),
    ("progress.csv", "key,status,points,sprint\na.s1,done,-1,Sprint 1\n", "progress.csv:2: points: "),
    ("progress.csv", "key,status,points,sprint\na.s1,done,5,Sprint 1\n\na.s1,done,5,Sprint 2\n",
     "progress.csv:4: key: 'a.s1' appears twice (first on line 2)"),
    ("progress.csv", "key,status,points,sprint,sprint_state\na.s1,done,5,S1,closed\na.s2,done,5,S1,active\n",
     "progress.csv:3: sprint_state: sprint 'S1' is 'closed' earlier in the file and 'active' here"),
    ("progress.csv", "key,status,points,sprint\n,done,5,S1\n", "progress.csv:2: key: is empty"),
    ("progress.json", '[\n  {"key": "a.s1", "status": "done", "points": 5, "sprint": "S1"},\n'
                      '  {"key": "a.s2", "status":\n', "progress.json:4: not valid JSON"),
    ("progress.json", '[\n  {"key": "a.s1", "status": "done", "points": 5, "sprint": "S1"},\n'
                      '  {"key": "a.s2", "status": "done"}\n]\n', "progress.json:3: points: is missing"),
    ("progress.json", '{"stories": 3}', "progress.json:1: stories: a JSON progress file is a list of rows"),
    ("progress.json", "[" * 100_000 + "]" * 100_000, "progress.json: nested too deeply to be a progress file"),
])
def test_a_bad_progress_file_is_one_line_naming_file_and_line(tmp_path, name, content, expected):
    profile = even_profile(tmp_path)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _status(profile, "--progress", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("sprintgen: error: ") and expected in line.replace(str(tmp_path) + "/", "")


def test_status_needs_one_source_and_a_known_format(tmp_path):
    profile = even_profile(tmp_path)
    assert "pass --project KEY (Jira) or --progress FILE" in _status(profile).stderr
    progress = write_csv(tmp_path / "p.csv", [{**r, "epic": r.get("epic", "")} for r in _rows()])
    result = _status(profile, "--progress", str(progress), "--format", "csv")
    assert result.exit_code == 2 and "unknown status format 'csv'" in result.stderr


@pytest.mark.renderers  # deselected by default; CI installs the renderers and runs it, never skipped
def test_the_burnup_renders_with_mermaid_cli(tmp_path, mmdc):
    profile = even_profile(tmp_path)
    progress = write_csv(tmp_path / "progress.csv", [{**r, "epic": r.get("epic", "")} for r in _rows()])
    out = tmp_path / "status.md"
    assert _status(profile, "--progress", str(progress), "-o", str(out)).exit_code == 0
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "check_mermaid.py"), str(out)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SPRINTGEN_MMDC": mmdc})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 files rendered (1 diagrams)" in result.stdout


def test_tracker_text_cannot_break_the_markdown(tmp_path):
    profile = even_profile(tmp_path)
    rows = [{"key": "a.s1", "status": "done", "points": "5", "sprint": "<script>x</script> | S1",
             "sprint_state": "closed"},
            {"key": "`evil` | key", "status": "todo", "points": "1", "sprint": "", "sprint_state": ""}]
    out = tmp_path / "status.md"
    assert _status(profile, "--progress", str(write_csv(tmp_path / "p.csv", rows)), "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert re.search(r"(?<!\\)<script", page) is None  # every '<' escaped: no HTML tag opens
    velocity = next(line for line in page.splitlines() if "script" in line)
    assert velocity.startswith("| \\<script>x\\</script> \\| S1 | 5 |")  # and '|' cannot end the cell
    assert "- Added: `` `evil` ∣ key ``" in page  # a code span longer than any backtick run inside
