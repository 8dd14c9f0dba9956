"""The compact roadmap loses nothing (issue 14): parsed as GitHub-flavoured Markdown, the rag roadmap holds every
acceptance criterion and every Definition-of-Done item of every story, each where a reader looks for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..support import foreign_html, markdown_tokens, run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _shown(inline) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_roadmap(markdown: str) -> dict:
    """What a reader finds, by place: the team DoD list, each epic's DoD list, and per story (found by its
    `**Title** `key`` line in the folded block) its checklist items."""
    tokens = markdown_tokens(markdown)
    found = {"kinds": {}, "epics": {}, "stories": {}}
    h2 = h3 = story = kind = None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = _shown(tokens[i + 1])
            if token.tag == "h2":
                h2, h3, story = title, None, None
            elif token.tag == "h3":
                h3, story = title, None
        elif token.type == "paragraph_open" and h2 == "Definition of Done" and token.level == 0:
            children = tokens[i + 1].children or []
            bold = [c.content for c in children if c.type == "text" and c.content]
            kind = bold[0].split()[0].lower() if children and any(c.type == "strong_open" for c in children) else None
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
                found["kinds"].setdefault(kind, []).append(item)
            elif h2 == "Epics" and story is None and h3 is not None:
                found["epics"].setdefault(h3, []).append(item)
            elif h2 == "Epics" and story is not None:
                found["stories"][story].append(item)
    return found


@pytest.fixture(scope="module")
def rag(tmp_path_factory) -> tuple[str, dict]:
    args = ["plan", "--profile", "rag", "--team", str(EXAMPLES / "team.yaml"), "--trials", "200"]
    markdown = run(*args).stdout
    plan = json.loads(run(*args, "--format", "json").stdout)
    return markdown, plan


def test_every_acceptance_criterion_and_dod_item_of_rag_is_in_the_roadmap(rag) -> None:
    markdown, plan = rag
    found = read_roadmap(markdown)
    assert found["kinds"]  # what every story (of a kind) has, printed once
    for items in found["kinds"].values():
        assert len(set(items)) == len(items)
    epic_titles = {e["key"]: f"{i}. {e['title']}" for i, e in enumerate(plan["epics"], start=1)}
    assert set(found["stories"]) == {s["key"] for s in plan["stories"]}
    checked = 0
    for story in plan["stories"]:
        items = found["stories"][story["key"]]
        acceptance = [i for i in items if not i.startswith("Done: ")]
        own_dod = [i.removeprefix("Done: ") for i in items if i.startswith("Done: ")]
        assert acceptance == [_one_line(a) for a in story["acceptance"]], story["key"]
        epic_dod = found["epics"].get(epic_titles[story["epic"]], [])
        kind_dod = found["kinds"].get(story.get("kind") if len(found["kinds"]) > 1 else None, [])
        shown_dod = set(kind_dod) | set(epic_dod) | set(own_dod)
        assert shown_dod == {_one_line(d) for d in story["definition_of_done"]}, story["key"]
        checked += len(story["acceptance"]) + len(story["definition_of_done"])
    assert checked > 250  # rag: 113 acceptance criteria, and every story's Definition of Done
    assert foreign_html(markdown) == []


def test_the_dod_is_printed_once_not_under_every_story(rag) -> None:
    markdown, plan = rag
    found = read_roadmap(markdown)
    several = len(found["kinds"]) > 1
    epic_titles = {e["key"]: f"{i}. {e['title']}" for i, e in enumerate(plan["epics"], start=1)}
    for story in plan["stories"]:
        kind_items = set(found["kinds"].get(story.get("kind") if several else None, []))
        own = {i.removeprefix("Done: ") for i in found["stories"][story["key"]] if i.startswith("Done: ")}
        epic_items = set(found["epics"].get(epic_titles[story["epic"]], []))
        assert not own & (kind_items | epic_items), story["key"]  # nothing printed again under the story
        assert not epic_items & kind_items, story["epic"]
    checkboxes = markdown.count("- [ ] ")
    distinct = sum(len(s["acceptance"]) for s in plan["stories"]) + len({d for s in plan["stories"]
                                                                        for d in s["definition_of_done"]})
    assert checkboxes < distinct + 2 * len(plan["epics"]) + len(plan["stories"])  # was 310 for 130 distinct
