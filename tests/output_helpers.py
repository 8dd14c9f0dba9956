"""Helpers for the output tests (roadmap, diagrams, CSV, templates): a hostile profile, a Markdown parser, the CLI.

Kept out of tests/conftest.py on purpose (the lead owns that file); import what you need from here.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from sprintgen.cli import main

#: Text that tries every trick: Markdown and HTML, table pipes, code fences, Mermaid syntax and comments,
#: Gantt keywords, CSV formula injection, newlines.
NASTY = (
    'Pipe | cell `tick` <script>alert(1)</script> *bold* _em_ [x](javascript:alert(1)) '
    '--> end %% "quoted" ; semi: colon #1 @octocat $x^2$ &amp; ~~strike~~ \\ back'
)
NASTY_LINES = "first line\n\n- a list\n# heading\n| a | b |\n```\nfence\n<div>block</div>\n---\n=====\n> quote"
HOSTILE_TITLES = [
    NASTY,
    "end",
    "subgraph",
    'title %%{init: {"theme": "dark"}}%%',
    "section x: y ; z",
    "click e_x call alert()",
    "2027-01-01 looks like a date",
    "=HYPERLINK(\"http://evil\")",
    "<img src=x onerror=alert(1)>",
]


def hostile_profile_data(stories_per_epic: int = 2) -> dict:
    """A valid profile whose every free-text field is hostile."""
    epics = []
    for e, title in enumerate(HOSTILE_TITLES):
        stories = []
        for s in range(stories_per_epic):
            story = {
                "key": f"s{s}",
                "title": HOSTILE_TITLES[(e + s) % len(HOSTILE_TITLES)],
                "description": NASTY_LINES + " " + NASTY,
                "acceptance": [NASTY, "1. numbered", "---", "> quote", "<b>bold</b>", "+plus", "=SUM(A1:A2)"],
                "estimate": "2-5",
                "skills": ["a|b", "<i>skill</i>"],
                "labels": ["x|y", "has space"],
                "definition_of_done": [NASTY_LINES],
            }
            if s:
                story["depends_on"] = [f"s{s - 1}"]
            elif e:
                story["depends_on"] = [f"e{e - 1}"]
            stories.append(story)
        epics.append({"key": f"e{e}", "title": title, "goal": NASTY_LINES, "definition_of_done": [NASTY],
                      "stories": stories})
    return {
        "id": "hostile",
        "name": NASTY,
        "description": NASTY_LINES,
        "parameters": {"note": {"type": "string", "default": "<b>|x|</b> `y`", "help": NASTY}},
        "definition_of_done": ["<script>alert('dod')</script> | pipe"],
        "risks": [{"title": NASTY, "description": NASTY_LINES, "probability": 0.5, "impact": "3-8",
                   "mitigation": "<script>x</script> | y"}],
        "assumptions": [NASTY_LINES],
        "epics": epics,
    }


def write_hostile_profile(directory: Path, stories_per_epic: int = 2) -> Path:
    """Write the hostile profile as YAML in `directory`; its path."""
    path = directory / "hostile.yaml"
    path.write_text(yaml.safe_dump(hostile_profile_data(stories_per_epic), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path | None = None):
    """Run the real CLI in-process; the click Result (stdout and stderr kept apart)."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def plan_args(*extra: str) -> list[str]:
    """`plan` arguments with a fixed start date and no forecast (keeps tests fast; the forecast has its own tests)."""
    return ["plan", "--start", "2027-01-04", *extra, "--no-forecast"]


def markdown_tokens(text: str):
    """GitHub-flavoured Markdown parsed by markdown-it-py (CommonMark + tables + strikethrough), as a flat list."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    flat = []
    for token in md.parse(text):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def html_tokens(text: str) -> list[str]:
    """Raw HTML the Markdown would pass through: the content of every html_inline / html_block token."""
    return [t.content for t in markdown_tokens(text) if t.type in ("html_inline", "html_block")]


#: The only raw HTML the built-in roadmap writes: line breaks in table cells and folded sections whose summary is
#: sprintgen's own words (counts, never user text).
_OWN_HTML = re.compile(r"<br>|<details><summary>[A-Za-z0-9 ,]+</summary>\n|</details>\n")


def foreign_html(text: str) -> list[str]:
    """Raw HTML in the Markdown that the built-in template did not write itself (must stay empty)."""
    return [t for t in html_tokens(text) if not _OWN_HTML.fullmatch(t)]


def tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first), from markdown-it's tokens."""
    found, rows, row, in_cell, cell_text = [], [], None, False, []
    for token in markdown_tokens(text):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            in_cell, cell_text = True, []
        elif token.type in ("th_close", "td_close"):
            in_cell = False
            row.append("".join(cell_text))
        elif token.type == "tr_close":
            rows.append(row)
        elif token.type == "table_close":
            found.append(rows)
        elif in_cell and token.type in ("text", "code_inline"):
            cell_text.append(token.content)
    return found


def mermaid_blocks(text: str) -> list[str]:
    """The Mermaid sources of a Markdown text (fenced ```mermaid blocks, as markdown-it sees them)."""
    return [t.content for t in markdown_tokens(text) if t.type == "fence" and t.info.strip() == "mermaid"]


def mmdc_path() -> str | None:
    """mermaid-cli: $SPRINTGEN_MMDC, else `mmdc` on PATH (None when missing: the `renderers` tests then fail)."""
    explicit = os.environ.get("SPRINTGEN_MMDC")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("mmdc")


def strip_escapes(text: str) -> str:
    """Markdown text with backslash escapes removed (to compare with the original user text)."""
    return re.sub(r"\\(.)", r"\1", text)


SAMPLE_PROFILE = {
    "id": "sample",
    "name": "Sample assistant",
    "description": "A small profile the output tests know by heart.",
    "parameters": {"compliance": {"type": "choice", "choices": ["none", "gdpr"], "default": "none"}},
    "definition_of_done": ["Code reviewed and merged"],
    "risks": [{"title": "Weak retrieval", "probability": 0.3, "impact": "5-13", "mitigation": "Golden set first"}],
    "assumptions": ["Sources have owners"],
    "epics": [
        {"key": "ingest", "title": "Data ingestion", "goal": "Every source lands in staging",
         "definition_of_done": ["Lineage recorded"],
         "stories": [
             {"key": "pipeline", "title": "Build the pipeline", "description": "As an engineer, I want a pipeline.",
              "acceptance": ["Runs nightly", "Failures alert"], "estimate": "3-8", "skills": ["data-engineering"]},
             {"key": "docs", "title": "Ingest the docs", "acceptance": ["All docs land"], "estimate": 5,
              "skills": ["data-engineering"], "depends_on": ["pipeline"], "labels": ["source"]},
         ]},
        {"key": "retrieval", "title": "Retrieval", "goal": "Queries find the right chunks",
         "stories": [
             {"key": "index", "title": "Index the chunks", "acceptance": ["Index built", "Recall measured"],
              "estimate": {"low": 3, "likely": 5, "high": 13}, "skills": ["search"], "depends_on": ["ingest"]},
             {"key": "rank", "title": "Rank the results", "acceptance": ["Reranker on"], "estimate": "2-3",
              "skills": ["search"], "depends_on": ["index"]},
         ]},
        {"key": "launch", "title": "Launch", "stories": [
            {"key": "pilot", "title": "Run the pilot", "acceptance": ["Ten users", "Decision taken"],
             "estimate": 3, "skills": ["product"], "depends_on": ["retrieval"]},
        ]},
    ],
}


def write_sample_profile(directory: Path) -> Path:
    """Write SAMPLE_PROFILE as YAML in `directory`; its path."""
    path = directory / "sample.yaml"
    path.write_text(yaml.safe_dump(SAMPLE_PROFILE, sort_keys=False), encoding="utf-8")
    return path
