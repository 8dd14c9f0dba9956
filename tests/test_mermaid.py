"""Diagrams: structural checks that always run, and Mermaid's own renderer (mermaid-cli) when it is installed."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sprintgen.diagrams import mermaid
from sprintgen.model import Estimate, PlannedEpic, PlannedStory

from .support import mermaid_blocks, plan_args, run, write_hostile_profile, write_sample_profile

REPO = Path(__file__).resolve().parent.parent
NODE_ID = r"[A-Za-z][A-Za-z0-9_]*"
NODE = re.compile(rf'^\s*({NODE_ID})\["([^"\n]*)"\]$')
SUBGRAPH = re.compile(rf'^\s*subgraph ({NODE_ID})\["([^"\n]*)"\]$')
EDGE = re.compile(rf"^\s*({NODE_ID}) --> ({NODE_ID})$")
CLASS_DEF = re.compile(r"^\s*classDef [a-z]+ [a-z-]+:[^;\s]+(,[a-z-]+:[^;\s]+)*$")
CLASS = re.compile(rf"^\s*class {NODE_ID}(,{NODE_ID})* [a-z]+$")
GANTT_TASK = re.compile(r"^    ([^:#;\n]+) :((?:crit|active|milestone), )*([a-z]+\d*), (\d{4}-\d\d-\d\d), (\d+)d$")
# inside a label: no quote, no raw HTML except the line break we put there, no statement separators or comments
LABEL_FORBIDDEN = re.compile(r'["<>;%`|\[\]{}]')
ENTITY = re.compile(r"#[a-z0-9]+;")


def label_is_safe(text: str) -> bool:
    """No syntax character left once the entity codes (and our own line breaks) are taken out."""
    return not LABEL_FORBIDDEN.search(ENTITY.sub("", text.replace("<br/>", " ")))


def check_flowchart(source: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Validate a flowchart line by line; the node ids and edges."""
    lines = source.rstrip("\n").split("\n")
    assert re.fullmatch(r"flowchart (LR|TD)", lines[0]), lines[0]
    nodes: set[str] = set()
    groups: set[str] = set()
    edges = []
    depth = 0
    for line in lines[1:]:
        if match := SUBGRAPH.match(line):
            depth += 1
            groups.add(match.group(1))
            assert label_is_safe(match.group(2)), line
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0
        elif match := NODE.match(line):
            assert match.group(1) not in nodes, f"duplicate node id {match.group(1)}"
            nodes.add(match.group(1))
            assert label_is_safe(match.group(2)), line
        elif match := EDGE.match(line):
            edges.append((match.group(1), match.group(2)))
        else:
            assert CLASS_DEF.match(line) or CLASS.match(line), f"unexpected line: {line!r}"
            if CLASS.match(line):
                for ident in line.split()[1].split(","):
                    assert ident in nodes
    assert depth == 0
    assert not nodes & groups
    for source_id, target_id in edges:
        assert source_id in nodes and target_id in nodes, (source_id, target_id)
    return nodes, edges


def check_gantt(source: str) -> list[tuple[str, dt.date, int]]:
    """Validate a Gantt chart; (task name, start, days) per task."""
    lines = source.rstrip("\n").split("\n")
    assert lines[0] == mermaid.GANTT_INIT
    assert lines[1] == "gantt"
    assert re.fullmatch(r"    title [^#;:%<>|\n]+", lines[2]), lines[2]
    assert lines[3] == "    dateFormat YYYY-MM-DD"
    assert lines[4] in ("    axisFormat %d %b %Y", "    axisFormat %b %Y")  # always with the year
    assert re.fullmatch(r"    tickInterval \d+(week|month)", lines[5]), lines[5]
    tasks, ids = [], set()
    for line in lines[6:]:
        if line.startswith("    section "):
            assert re.fullmatch(r"    section [A-Za-z ]+", line)
            continue
        match = GANTT_TASK.match(line)
        assert match, f"not a task line: {line!r}"
        name = match.group(1).strip()
        first = name.split(" ", 1)[0].lower()
        assert first not in mermaid._GANTT_KEYWORDS, line
        assert match.group(3) not in ids
        ids.add(match.group(3))
        if match.group(5) != "0":  # milestones (0 days) are markers, not bars
            tasks.append((name, dt.date.fromisoformat(match.group(4)), int(match.group(5))))
    return tasks


def story(key: str, epic: str, deps=(), sprint=1, title=None) -> PlannedStory:
    return PlannedStory(key=key, epic=epic, title=title or key, estimate=Estimate(low=1, likely=2, high=3),
                        depends_on=list(deps), sprint=sprint)


def epic(key: str, stories: list[str], title=None) -> PlannedEpic:
    return PlannedEpic(key=key, title=title or key, stories=stories, estimate=Estimate(low=1, likely=2, high=3),
                       first_sprint=1, last_sprint=2)


def test_node_ids_are_unique_even_when_keys_differ_only_in_punctuation() -> None:
    stories = [story("e.a-b", "e"), story("e.a_b", "e", deps=["e.a-b"]), story("e.end", "e", deps=["e.a_b"])]
    nodes, edges = check_flowchart(mermaid.story_flowchart([epic("e", [s.key for s in stories])], stories))
    assert len(nodes) == 3 and len(edges) == 2


def test_implied_dependencies_are_not_drawn() -> None:
    stories = [story("e.a", "e"), story("e.b", "e", deps=["e.a"]), story("e.c", "e", deps=["e.a", "e.b"])]
    _, edges = check_flowchart(mermaid.story_flowchart([epic("e", ["e.a", "e.b", "e.c"])], stories))
    assert edges == [("s_e_a", "s_e_b"), ("s_e_b", "s_e_c")]


def test_epic_graph_drops_implied_links() -> None:
    stories = [story("a.1", "a"), story("b.1", "b", deps=["a.1"]), story("c.1", "c", deps=["b.1", "a.1"])]
    epics = [epic("a", ["a.1"]), epic("b", ["b.1"]), epic("c", ["c.1"])]
    nodes, edges = check_flowchart(mermaid.epic_flowchart(epics, stories))
    assert nodes == {"e_a", "e_b", "e_c"}
    assert edges == [("e_a", "e_b"), ("e_b", "e_c")]  # a -> c is implied by a -> b -> c


def test_epic_graph_draws_mutually_dependent_epics_as_one_node() -> None:
    stories = [story("a.1", "a"), story("b.1", "b", deps=["a.1"]), story("c.1", "c", deps=["b.1"]),
               story("b.2", "b", deps=["c.1"]), story("d.1", "d", deps=["c.1", "a.1"])]  # b and c wait for each other
    epics = [epic("a", ["a.1"]), epic("b", ["b.1", "b.2"], title="Bee"), epic("c", ["c.1"], title="Sea"),
             epic("d", ["d.1"])]
    source = mermaid.epic_flowchart(epics, stories)
    nodes, edges = check_flowchart(source)
    assert nodes == {"e_a", "e_b_c", "e_d"}
    assert 'e_b_c["Bee ⇄ Sea<br/>depend on each other"]' in source
    assert edges == [("e_a", "e_b_c"), ("e_b_c", "e_d")]  # a -> d is implied through the pair: left out
    assert mermaid.mutual_epics(epics, stories) == [["b", "c"]]


def test_gantt_title_keeps_markup_characters_as_look_alikes() -> None:
    title = mermaid.gantt_title("Sprints of A <b> | c & d")
    assert title == "Sprints of A ‹b› ∣ c ＆ d"


def test_gantt_has_forecast_markers_and_milestones(tmp_path: Path) -> None:
    import json

    sample = str(write_sample_profile(tmp_path))
    args = ["plan", "--profile", sample, "--start", "2027-01-04", "--velocity", "10", "--trials", "200"]
    roadmap = run(*args).stdout
    plan = json.loads(run(*args, "--format", "json").stdout)
    gantt = next(b for b in mermaid_blocks(roadmap) if "\ngantt\n" in b)
    check_gantt(gantt)
    forecast = plan["forecast"]
    assert f"P50 sprint {forecast['sprints']['p50']} :milestone, fc50, {forecast['dates']['p50']}, 0d" in gantt
    commitment = plan["commitment"]
    assert (f"Commitment P85 sprint {commitment['sprints']} :milestone, crit, fccommit, {commitment['date']}, 0d"
            in gantt)


def test_epic_graph_turns_top_down_for_long_chains() -> None:
    keys = "abcdef"
    stories = [story(f"{k}.1", k, deps=[f"{keys[i - 1]}.1"] if i else []) for i, k in enumerate(keys)]
    epics = [epic(k, [f"{k}.1"]) for k in keys]
    assert mermaid.epic_flowchart(epics[:4], stories[:4]).startswith("flowchart LR")
    assert mermaid.epic_flowchart(epics, stories).startswith("flowchart TD")


def test_labels_encode_every_syntax_character() -> None:
    text = 'a "b" <c> [d] {e} (f) | g ; h % i # j ` k : l & m \\ n\nnext line'
    encoded = mermaid.label(text)
    assert label_is_safe(encoded) and "\n" not in encoded
    assert "#quot;b#quot;" in encoded and "#lt;c#gt;" in encoded


def test_labels_are_shortened() -> None:
    assert mermaid.label("x" * 200, limit=20) == "x" * 19 + "…"


@pytest.mark.parametrize("title", ["title", "section x", "dateFormat YYYY", "click x call y()", "excludes weekends",
                                   "2027-01-04 start", "a: b ; c # d %% e"])
def test_gantt_names_cannot_become_statements(title: str) -> None:
    name = mermaid.gantt_text(title)
    assert not re.search(r"[:;#%]", name)
    assert name.split(" ", 1)[0].lower() not in mermaid._GANTT_KEYWORDS
    assert not re.match(r"\d{4}-\d\d-\d\d", name)


def test_gantt_bars_match_the_sprints(tmp_path: Path) -> None:
    import json

    sample = str(write_sample_profile(tmp_path))
    roadmap = run(*plan_args("--profile", sample, "--velocity", "10")).stdout
    plan = json.loads(run(*plan_args("--profile", sample, "--velocity", "10", "--format", "json")).stdout)
    tasks = check_gantt(mermaid_blocks(roadmap)[0])
    sprints = [t for t in tasks if t[0].startswith("Sprint ")]
    assert len(sprints) == len(plan["sprints"])
    for (name, start, days), sprint in zip(sprints, plan["sprints"]):
        assert start.isoformat() == sprint["start"]
        assert start + dt.timedelta(days=days - 1) == dt.date.fromisoformat(sprint["end"])
    epic_bars = [t for t in tasks if not t[0].startswith("Sprint ")]
    assert [t[0] for t in epic_bars] == [e["title"] for e in plan["epics"]]


def test_over_capacity_sprints_are_critical_in_the_gantt(tmp_path: Path) -> None:
    sample = str(write_sample_profile(tmp_path))
    roadmap = run(*plan_args("--profile", sample, "--velocity", "4")).stdout  # 'index' (5) exceeds 4
    gantt = mermaid_blocks(roadmap)[0]
    check_gantt(gantt)
    assert ":crit, sp" in gantt


def test_hostile_roadmap_diagrams_are_well_formed(tmp_path: Path) -> None:
    hostile = write_hostile_profile(tmp_path)
    roadmap = run(*plan_args("--profile", str(hostile))).stdout
    gantt, epics, stories = mermaid_blocks(roadmap)
    check_gantt(gantt)
    epic_nodes, _ = check_flowchart(epics)
    story_nodes, _ = check_flowchart(stories)
    assert len(epic_nodes) == 9 and len(story_nodes) == 18


def test_dot_output_quotes_everything(tmp_path: Path) -> None:
    stories = [story("e.a", "e", title='say "hi" \\ \n -> { }'), story("e.b", "e", deps=["e.a"])]
    dot = mermaid.dot_graph([epic("e", ["e.a", "e.b"], title="x } y")], stories, "story", ["e.a"])
    assert dot.startswith("digraph sprintgen {") and dot.endswith("}\n")
    assert 'label="say \\"hi\\" \\\\ -> { }\\n1-3 pts"' in dot  # one line, quotes and backslash escaped
    assert '"e.a" -> "e.b";' in dot
    # every line outside strings balances its braces: no label can close the graph
    unquoted = re.sub(r'"(\\.|[^"\\])*"', '""', dot)
    assert unquoted.count("{") == unquoted.count("}")




@pytest.mark.renderers  # deselected by default; CI installs the renderers and runs it, never skipped
def test_mermaid_cli_renders_every_diagram_kind(tmp_path: Path, mmdc: str) -> None:
    """Mermaid's own parser and renderer on the sample and the hostile roadmap and on `sprintgen graph` at both
    levels: all in one Markdown file, so the browser starts once."""
    import os

    parts = []
    for profile in (write_sample_profile(tmp_path), write_hostile_profile(tmp_path)):
        # with a forecast: the forecast chart (xychart-beta) and the Gantt's forecast markers are rendered too
        result = run("plan", "--profile", str(profile), "--velocity", "4", "--trials", "100")
        assert result.exit_code == 0, result.stderr
        parts.append(result.stdout)
        for level in ("epic", "story"):
            result = run("graph", "--profile", str(profile), "--level", level, "--fence")
            assert result.exit_code == 0, result.stderr
            parts.append(result.stdout)
    combined = tmp_path / "all.md"
    combined.write_text("\n".join(parts), encoding="utf-8")
    blocks = mermaid_blocks(combined.read_text(encoding="utf-8"))
    assert len(blocks) == 12 and sum("\nxychart-beta\n" in b for b in blocks) == 2
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "check_mermaid.py"), str(combined)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SPRINTGEN_MMDC": mmdc})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 files rendered (12 diagrams)" in result.stdout


@pytest.mark.renderers  # deselected by default; CI installs the renderers and runs it, never skipped
def test_mermaid_cli_check_fails_on_a_broken_diagram(tmp_path: Path, mmdc: str) -> None:
    """The check itself can fail: a diagram Mermaid cannot parse is reported."""
    import os

    broken = tmp_path / "broken.md"
    broken.write_text('```mermaid\nflowchart LR\n    a["unclosed] --> b\n```\n', encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "check_mermaid.py"), str(broken)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SPRINTGEN_MMDC": mmdc})
    assert result.returncode == 1
    assert "FAIL" in result.stdout


def test_gantt_of_a_long_plan_draws_its_sprints_as_one_bar() -> None:
    import types

    sprints = [types.SimpleNamespace(number=n, start=dt.date(2027, 1, 4) + dt.timedelta(days=14 * (n - 1)),
                                     end=dt.date(2027, 1, 17) + dt.timedelta(days=14 * (n - 1)), capacity=30,
                                     load=40 if n == 7 else 25) for n in range(1, mermaid.GANTT_SPRINT_ROWS + 2)]
    plan = types.SimpleNamespace(profile={"id": "long"}, sprints=sprints, epics=[], milestones=[], forecast=None,
                                 commitment=None)
    tasks = check_gantt(mermaid.gantt(plan))
    assert [t[0] for t in tasks] == [f"Sprints 1-{len(sprints)}", "Sprint 7 (40 of 30 pts)"]
    assert tasks[0][1] == sprints[0].start and tasks[0][2] == (sprints[-1].end - sprints[0].start).days + 1
