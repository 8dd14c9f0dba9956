"""Listing, showing and validating profiles and team files (behind `profiles`, `show`, `validate`)."""

from __future__ import annotations

from typing import Any

import yaml

from sprintgen.errors import SprintgenError
from sprintgen.model import Backlog
from sprintgen.profiles.discovery import discover_profiles
from sprintgen.profiles.merge import load_merged
from sprintgen.profiles.parameters import parse_assignments
from sprintgen.profiles.resolve import build_backlog, resolve


def profile_rows() -> list[tuple[str, str, str, str]]:
    """(id, name, source, story count) for every profile found; a broken profile says so in its row."""
    rows = []
    for profile_id, source in sorted(discover_profiles().items()):
        try:
            backlog = resolve(load_merged(str(source.path)), {})
            rows.append((profile_id, backlog.profile_name, source.origin, str(len(backlog.stories))))
        except SprintgenError as error:
            rows.append((profile_id, f"(invalid: {error.message})", source.origin, "-"))
    return rows


def backlog_document(backlog: Backlog) -> dict[str, Any]:
    """A resolved backlog in the profile format (what `show` prints)."""
    epics = []
    for epic in backlog.epics:
        stories = []
        for key in epic.stories:
            story = backlog.story(key)
            entry: dict[str, Any] = {
                "key": key.split(".", 1)[1],
                "title": story.title,
                "description": story.description,
                "acceptance": story.acceptance,
                "estimate": story.estimate.model_dump(),
                "skills": story.skills,
                "depends_on": story.depends_on,
                "kind": story.kind,
                "definition_of_done": story.definition_of_done,
            }
            if story.sprint is not None:
                entry["sprint"] = story.sprint
            if story.labels:
                entry["labels"] = story.labels
            stories.append(entry)
        epics.append({"key": epic.key, "title": epic.title, "goal": epic.goal,
                      "definition_of_done": epic.definition_of_done, "stories": stories})
    return {
        "id": backlog.profile_id,
        "name": backlog.profile_name,
        "description": backlog.description,
        "parameters": backlog.parameters,
        "definition_of_done": backlog.definition_of_done,
        "risks": [r.model_dump(exclude_none=True) for r in backlog.risks],
        "assumptions": backlog.assumptions,
        "epics": epics,
    }


def resolved_yaml(ref: str, params: tuple[str, ...] | list[str]) -> str:
    """The resolved profile as YAML."""
    backlog = build_backlog(ref, parse_assignments(params))
    return yaml.safe_dump(backlog_document(backlog), sort_keys=False, allow_unicode=True, width=110)
