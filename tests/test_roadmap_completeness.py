"""The compact roadmap loses nothing (issue 14): parsed as GitHub-flavoured Markdown, the rag roadmap holds every
acceptance criterion and every Definition-of-Done item of every story, each where a reader looks for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .output_helpers import foreign_html, markdown_tokens, run_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _shown(inline) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_roadmap(markdown: str) -> dict:
    """What a reader finds, by place: the team DoD list, each epic's DoD list, and per story (found by its
    `**Title** `key`` line in the folded block) its checklist items."""
    tokens = markdown_tokens(markdown)
    found = {"team": [], "epics": {}, "stories": {}}
    h2 = h3 = story = None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = _shown(tokens[i + 1])
            if token.tag == "h2":
                h2, h3, story = title, None, None
            elif token.tag == "h3":
                h3, story = title, None
        elif token.type == "paragraph_open" and h2 == "Epics":
            children = [c for c in tokens[i + 1].children or [] if not (c.type == "text" and not c.content)]
            codes = [c.content for c in children if c.type == "code_inline"]
            if children and children[0].type == "strong_open" and codes:
                story = codes[0]
                found["stories"][story] = []
        elif token.type == "list_item_open":
            text = _shown(tokens[i + 2])
            if not text.startswith("[ ] "):
                continue
            item = text[4:]
            if h2 == "Definition of Done":
                found["team"].append(item)
            elif h2 == "Epics" and story is None and h3 is not None:
                found["epics"].setdefault(h3, []).append(item)
            elif h2 == "Epics" and story is not None:
                found["stories"][story].append(item)
    return found


@pytest.fixture(scope="module")
def rag(tmp_path_factory) -> tuple[str, dict]:
    args = ["plan", "--profile", "rag", "--team", str(EXAMPLES / "team.yaml"), "--trials", "200"]
    markdown = run_cli(*args).stdout
    plan = json.loads(run_cli(*args, "--format", "json").stdout)
    return markdown, plan


def test_every_acceptance_criterion_and_dod_item_of_rag_is_in_the_roadmap(rag) -> None:
    markdown, plan = rag
    found = read_roadmap(markdown)
    team = found["team"]  # what every story has, printed once
    assert team and len(set(team)) == len(team)
    assert set(team) <= {_one_line(d) for d in plan["definition_of_done"]}
    epic_titles = {e["key"]: f"{i}. {e['title']}" for i, e in enumerate(plan["epics"], start=1)}
    assert set(found["stories"]) == {s["key"] for s in plan["stories"]}
    checked = 0
    for story in plan["stories"]:
        items = found["stories"][story["key"]]
        acceptance = [i for i in items if not i.startswith("Done: ")]
        own_dod = [i.removeprefix("Done: ") for i in items if i.startswith("Done: ")]
        assert acceptance == [_one_line(a) for a in story["acceptance"]], story["key"]
        epic_dod = found["epics"].get(epic_titles[story["epic"]], [])
        shown_dod = set(team) | set(epic_dod) | set(own_dod)
        assert shown_dod == {_one_line(d) for d in story["definition_of_done"]}, story["key"]
        checked += len(story["acceptance"]) + len(story["definition_of_done"])
    assert checked > 250  # rag: 113 acceptance criteria, and every story's Definition of Done
    assert foreign_html(markdown) == []


def test_the_dod_is_printed_once_not_under_every_story(rag) -> None:
    markdown, plan = rag
    for item in read_roadmap(markdown)["team"]:
        assert markdown.count(item) == 1, item
    checkboxes = markdown.count("- [ ] ")
    distinct = (sum(len(s["acceptance"]) for s in plan["stories"]) + len(plan["definition_of_done"])
                + sum(len(e["definition_of_done"]) for e in plan["epics"]))
    assert checkboxes <= distinct + len(plan["stories"])  # story-specific DoD items at most one or so per story
