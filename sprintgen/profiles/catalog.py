"""Listing, showing and validating profiles and team files (behind `profiles`, `show`, `validate`)."""

from __future__ import annotations

from typing import Any

import yaml

from sprintgen.errors import SprintgenError
from sprintgen.model import Backlog, Parameter
from sprintgen.profiles.discovery import discover_profiles
from sprintgen.profiles.merge import load_merged
from sprintgen.profiles.parameters import parse_assignments
from sprintgen.profiles.resolve import resolve


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


def backlog_document(backlog: Backlog, parameters: dict[str, Parameter]) -> dict[str, Any]:
    """A resolved backlog as a valid profile (what `show` prints): `sprintgen validate` accepts it, and planning it
    gives the same stories. `parameters` are the profile's definitions; each default becomes the value used."""
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
                # each story's whole, resolved list (layers by kind and `after` are already applied): reading it back
                # gives exactly this list, which a profile- or epic-level list would reorder
                "definition_of_done": story.definition_of_done,
            }
            if story.sprint is not None:
                entry["sprint"] = story.sprint
            if story.labels:
                entry["labels"] = story.labels
            stories.append(entry)
        epics.append({"key": epic.key, "title": epic.title, "goal": epic.goal, "stories": stories})
    return {
        "id": backlog.profile_id,
        "name": backlog.profile_name,
        "description": backlog.description,
        "parameters": {name: {**spec.model_dump(exclude_none=True, exclude_defaults=True), "type": spec.type,
                              "default": backlog.parameters.get(name, spec.default)}
                       for name, spec in parameters.items()},
        "risks": [r.model_dump(exclude_none=True) for r in backlog.risks],
        "assumptions": backlog.assumptions,
        "epics": epics,
        "milestones": [{"key": m.key, "title": m.title, "stories": m.stories} for m in backlog.milestones],
    }


def resolved_yaml(ref: str, params: tuple[str, ...] | list[str]) -> str:
    """The resolved profile as YAML: itself a valid profile, with the values used as the parameters' defaults."""
    merged = load_merged(ref)
    backlog = resolve(merged, parse_assignments(params))
    header = (f"# The profile '{backlog.profile_id}' resolved: `extends` merged, `when`, `for_each` and `scale` "
              "applied.\n# A valid profile in its own right: each parameter's default is the value used.\n")
    document = backlog_document(backlog, merged.profile.parameters)
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
