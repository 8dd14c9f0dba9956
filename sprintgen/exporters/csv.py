"""The plan as CSV in the column layout Jira's CSV importer accepts: one row per issue, epics first.

Columns (README.md, "Outputs"): Issue Id, Parent Id, Issue Type, Summary, Description, Story Points, Epic Name,
Epic Link, Labels (repeated: Jira's importer reads one label per `Labels` column), Sprint, sprintgen Key.

- `Issue Id` / `Parent Id` link each story to its epic inside the file (the importer's way to set the parent on
  Jira Cloud and team-managed projects); `Epic Name` / `Epic Link` do the same for company-managed projects on
  Jira Data Center, which still use the Epic Link field. Map the one your project has, ignore the other.
- Description is Jira wiki markup (the importer's format), written by the same writer as `push` on API v2: the user
  story, then acceptance criteria and the Definition of Done as checklists, with profile text escaped.
- A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets
  a leading apostrophe, so opening the file in Excel or LibreOffice cannot execute anything.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sprintgen.model import Plan, format_points
from sprintgen.exporters import Exporter
from sprintgen.exporters.jira_markup import wiki_document

BASE_COLUMNS = ["Issue Id", "Parent Id", "Issue Type", "Summary", "Description", "Story Points", "Epic Name",
                "Epic Link"]
TAIL_COLUMNS = ["Sprint", "sprintgen Key"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUMMARY_LIMIT = 255  # Jira rejects longer summaries


def safe_cell(value: Any) -> str:
    """A cell value that spreadsheets show as text: formula-like starts get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def jira_label(text: str) -> str:
    """A Jira label: no spaces (Jira splits labels on whitespace)."""
    return re.sub(r"\s+", "-", text.strip())


def summary(text: str) -> str:
    """A one-line summary within Jira's 255-character limit."""
    value = " ".join(str(text).split())
    return value if len(value) <= SUMMARY_LIMIT else value[: SUMMARY_LIMIT - 1] + "…"


def story_description(story: Any) -> str:
    """The story's description for Jira: the user story, acceptance criteria, Definition of Done."""
    return wiki_document([story.description], [("Acceptance criteria", story.acceptance),
                                               ("Definition of Done", story.definition_of_done)])


def epic_description(epic: Any) -> str:
    """The epic's description for Jira: its goal and its Definition of Done."""
    return wiki_document([epic.goal], [("Definition of Done", epic.definition_of_done)])


def rows(plan: Plan) -> tuple[list[str], list[list[str]]]:
    """The header and the rows: every epic, then every story, with labels spread over repeated Labels columns."""
    profile_label = jira_label(f"sprintgen-{plan.profile.get('id', 'plan')}")
    sprint_names = {s.number: s.name for s in plan.sprints}
    epic_ids = {epic.key: str(index) for index, epic in enumerate(plan.epics, start=1)}
    epic_names = {epic.key: summary(epic.title) for epic in plan.epics}
    records: list[tuple[list[str], list[str], list[str]]] = []  # (base columns, labels, tail columns)
    for epic in plan.epics:
        records.append(([epic_ids[epic.key], "", "Epic", epic_names[epic.key], epic_description(epic),
                         format_points(epic.estimate.likely), epic_names[epic.key], ""],
                        [profile_label], ["", epic.key]))
    next_id = len(plan.epics) + 1
    for story in plan.stories:
        labels = [profile_label] + [jira_label(label) for label in story.labels if label.strip()]
        records.append(([str(next_id), epic_ids.get(story.epic, ""), "Story", summary(story.title),
                         story_description(story), format_points(story.estimate.likely), "",
                         epic_names.get(story.epic, "")],
                        list(dict.fromkeys(labels)), [sprint_names.get(story.sprint, ""), story.key]))
        next_id += 1
    width = max((len(labels) for _, labels, _ in records), default=1)
    header = BASE_COLUMNS + ["Labels"] * width + TAIL_COLUMNS
    table = [[safe_cell(v) for v in base + labels + [""] * (width - len(labels)) + tail]
             for base, labels, tail in records]
    return header, table


def render(plan: Plan, **_: Any) -> str:
    """The CSV text: RFC 4180 quoting, CRLF line ends, UTF-8 (no byte-order mark)."""
    header, table = rows(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(table)
    return buffer.getvalue()


EXPORTER = Exporter(name="csv", description="one row per epic and story, for Jira's CSV importer", render=render,
                    suffix=".csv")
