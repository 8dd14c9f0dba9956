"""Helpers for the forecast tests: small profiles and teams written to real files, and the forecast JSON."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .helpers import run, write

START = "2027-01-04"


def profile_file(tmp_path: Path, stories: list[dict], risks: list[dict] | None = None, name: str = "p") -> Path:
    """A one-epic-per-prefix profile: story keys 'epic.story'; depends_on given as full keys."""
    epics: dict[str, list[dict]] = {}
    for story in stories:
        epic, key = story["key"].split(".")
        epics.setdefault(epic, []).append({**story, "key": key, "title": story.get("title", key)})
    document = {"id": name, "name": f"Profile {name}",
                "epics": [{"key": e, "title": f"Epic {e}", "stories": s} for e, s in epics.items()]}
    if risks:
        document["risks"] = risks
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def team_file(tmp_path: Path, name: str = "team", **fields) -> Path:
    """A team file with a fixed start date and the given fields."""
    data = {"sprint": {"length_days": 14, "start": START}, **fields}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def forecast_json(*args: str) -> dict:
    """`sprintgen forecast --format json ...` through the real CLI, parsed."""
    result = run("forecast", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def chain(prefix: str, count: int, estimate) -> list[dict]:
    """`count` stories in one epic, each depending on the previous one."""
    stories = []
    for i in range(count):
        story = {"key": f"{prefix}.s{i}", "estimate": estimate}
        if i:
            story["depends_on"] = [f"{prefix}.s{i - 1}"]
        stories.append(story)
    return stories


__all__ = ["START", "chain", "forecast_json", "profile_file", "run", "team_file", "write"]
