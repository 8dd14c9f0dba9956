"""Hostile profile text through the real CLI: no format breaks, no HTML gets through, the text survives as text."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from sprintgen.exporters.text import cell, code, inline

from .support import (
    HOSTILE_TITLES, NASTY, NASTY_LINES, foreign_html, html_tokens, markdown_tokens, mermaid_blocks, plan_args, run,
    tables, write_hostile_profile,
)
from .test_mermaid import check_flowchart, check_gantt


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> str:
    return str(write_hostile_profile(tmp_path_factory.mktemp("hostile")))


@pytest.fixture(scope="module")
def roadmap(hostile: str) -> str:
    result = run(*plan_args("--profile", hostile, "--param", "note=<b>|x|</b> `y`"))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def text_of(markdown: str) -> str:
    """Everything a reader sees as text (inline text, code spans, code blocks), joined."""
    return "\n".join(t.content for t in markdown_tokens(markdown) if t.type in ("text", "code_inline", "fence"))


def shown(token) -> str:
    """What a reader sees of an inline token: its text and code spans, escapes resolved."""
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def test_no_html_reaches_the_reader(roadmap: str) -> None:
    assert foreign_html(roadmap) == []  # only our line breaks and folded sections, none from user text
    kinds = [t.type for t in markdown_tokens(roadmap)]
    assert not set(kinds) & {"link_open", "image", "s_open", "em_open", "hr", "ordered_list_open"}
    assert kinds.count("blockquote_open") == 1  # the headline, ours


def test_only_template_headings(roadmap: str) -> None:
    tokens = markdown_tokens(roadmap)
    h1 = [shown(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    assert h1 == ["Roadmap: " + " ".join(NASTY.split())]
    h2 = [shown(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["At a glance", "Findings", "Sprints", "Timeline", "Dependencies", "Definition of Done", "Epics"]


def test_tables_keep_their_shape(roadmap: str) -> None:
    found = tables(roadmap)
    summary, risks, sprints = found[0], found[1], found[2]
    assert {len(r) for r in summary} == {2} and len(summary) == 7  # header + 6 rows (no forecast)
    assert {len(r) for r in risks} == {4} and len(risks) == 2
    assert {len(r) for r in sprints} == {4} and sprints[0][0] == "Sprint"
    assert risks[1][0].startswith(" ".join(NASTY.split()))
    assert risks[1][3] == "<script>x</script> | y"
    profile = {r[0]: r[1] for r in summary}["Profile"]
    assert profile.endswith("; note = <b>∣x∣</b> `y`")
    epic_tables = found[3:]
    assert len(epic_tables) == len(HOSTILE_TITLES) and all({len(r) for r in t} == {4} for t in epic_tables)


def test_text_survives_as_text(roadmap: str) -> None:
    visible = text_of(roadmap)
    for title in HOSTILE_TITLES:
        assert " ".join(title.split()) in visible, title
    assert "<img src=x onerror=alert(1)>" in visible
    assert "- a list # heading | a | b | ``` fence <div>block</div> --- ===== > quote" in visible


def test_lists_do_not_grow(roadmap: str) -> None:
    """Acceptance items such as '1. numbered', '---', '> quote' stay one checklist item each."""
    tokens = markdown_tokens(roadmap)
    items = [shown(tokens[i + 2]) for i, t in enumerate(tokens)
             if t.type == "list_item_open" and shown(tokens[i + 2]).startswith("[ ] ")]
    assert items.count("[ ] 1. numbered") == 18 and items.count("[ ] ---") == 18
    assert items.count("[ ] > quote") == 18 and items.count("[ ] =SUM(A1:A2)") == 18
    assert not any(t.type in ("ordered_list_open", "hr") for t in tokens)
    assert [t.type for t in tokens].count("blockquote_open") == 1  # the headline, ours


def test_diagrams_stay_well_formed(roadmap: str) -> None:
    gantt, epics, stories = mermaid_blocks(roadmap)
    check_gantt(gantt)
    check_flowchart(epics)
    check_flowchart(stories)
    assert roadmap.count("```mermaid") == 3 and roadmap.count("\n```\n") == 3


def test_json_keeps_the_exact_text(hostile: str) -> None:
    plan = json.loads(run(*plan_args("--profile", hostile, "--format", "json")).stdout)
    assert plan["profile"]["name"] == NASTY
    assert plan["stories"][0]["description"] == NASTY_LINES + " " + NASTY


def test_csv_parses(hostile: str) -> None:
    text = run(*plan_args("--profile", hostile, "--format", "csv")).stdout
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert len({len(r) for r in rows}) == 1 and len(rows) == 1 + 9 + 18


def test_graph_outputs_parse(hostile: str) -> None:
    for level in ("epic", "story"):
        check_flowchart(run("graph", "--profile", hostile, "--level", level).stdout)
        dot = run("graph", "--profile", hostile, "--level", level, "--format", "dot").stdout
        assert dot.startswith("digraph sprintgen {") and dot.endswith("}\n")


@pytest.mark.renderers
def test_graphviz_parses_the_dot(hostile: str, tmp_path) -> None:
    import shutil

    assert shutil.which("dot"), "graphviz (dot) is missing: bash scripts/install_renderers.sh"
    for level in ("epic", "story"):
        dot = run("graph", "--profile", hostile, "--level", level, "--format", "dot").stdout
        result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("text", [NASTY, NASTY_LINES, "|", "`", "```", "<", "&lt;", "\\", "1) x", "+ y", "=== "])
def test_filters_never_let_markup_through(text: str) -> None:
    """Each filter on its own, inside a table cell and a paragraph."""
    for rendered in (f"| a |\n|---|\n| {cell(text)} |\n", f"x {inline(text)} {code(text)}\n", inline(text) + "\n"):
        assert html_tokens(rendered) == []
        assert not any(t.type in ("link_open", "em_open", "strong_open", "s_open", "bullet_list_open",
                                  "ordered_list_open", "heading_open", "hr", "blockquote_open", "fence")
                       for t in markdown_tokens(rendered)), rendered
    assert len(tables(f"| a |\n|---|\n| {cell(text)} |\n")[0][1]) == 1


def test_the_cli_in_a_subprocess_writes_utf8(hostile: str, tmp_path) -> None:
    target = tmp_path / "roadmap.md"
    result = subprocess.run([sys.executable, "-m", "sprintgen", *plan_args("--profile", hostile, "-o", str(target))],
                            capture_output=True, text=True, timeout=120, env={"PYTHONIOENCODING": "ascii",
                                                                               "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "█" in target.read_text(encoding="utf-8") or "░" in target.read_text(encoding="utf-8")
