"""The plan as a CSV file for GitLab's issue importer (Project > Issues > Import CSV).

GitLab reads a header row and the columns `title` and `description`; everything else sprintgen knows about a
story (user story, acceptance criteria and Definition of Done as task lists, estimate, sprint, dependencies,
labels) goes into the Markdown description, so nothing is lost in the import.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sprintgen.exporters import Exporter
from sprintgen.model import Plan

COLUMNS = ("title", "description")


def _safe(text: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def story_description(plan: Plan, key: str) -> str:
    """A story's Markdown description for GitLab."""
    story = plan.story(key)
    sprint = next((s for s in plan.sprints if s.number == story.sprint), None)
    lines = [story.description or story.title, ""]
    lines.append(f"**Estimate:** {story.estimate} points")
    lines.append(f"**Sprint:** {sprint.name} ({sprint.start} to {sprint.end})" if sprint else "**Sprint:** not planned")
    lines.append(f"**Epic:** {story.epic}")
    if story.skills:
        lines.append(f"**Skills:** {', '.join(story.skills)}")
    if story.depends_on:
        lines.append(f"**Depends on:** {', '.join(story.depends_on)}")
    lines.append(f"**sprintgen key:** `{story.key}`")
    if story.acceptance:
        lines += ["", "### Acceptance criteria", ""] + [f"- [ ] {item}" for item in story.acceptance]
    if story.definition_of_done:
        lines += ["", "### Definition of Done", ""] + [f"- [ ] {item}" for item in story.definition_of_done]
    return "\n".join(lines)


def render(plan: Plan, **_: Any) -> str:
    """One row per story, in sprint order (stories that did not fit last)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    order = sorted(plan.stories, key=lambda s: (s.sprint is None, s.sprint or 0))
    for story in order:
        title = f"[{story.epic}] {story.title}"
        writer.writerow([_safe(title), _safe(story_description(plan, story.key))])
    return out.getvalue()


EXPORTER = Exporter(name="gitlab-csv", description="GitLab issues CSV (title, description) for Import CSV",
                    render=render, suffix=".csv")
