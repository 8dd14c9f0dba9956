"""JSON Schemas of the public formats (profile, team, plan, progress, status), for editors and other tools.

The schemas come from the pydantic models. The models accept a few shorthands before validation (an estimate
written `5` or `3-8`, `extends: rag`, sprint numbers as mapping keys); pydantic's schema only describes the
validated shape, so the input schemas are widened here to accept exactly what the loader accepts, or an editor
would flag valid profiles.
"""

from __future__ import annotations

import copy
from typing import Any

from sprintgen.model.plan import Plan
from sprintgen.model.progress import STATUS_WORDS, ProgressDocument
from sprintgen.model.profile import Profile
from sprintgen.model.status import StatusReport
from sprintgen.model.team import Team

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("profile", "team", "plan", "progress", "status")

_ESTIMATE_INPUT = {
    "description": "Story points: a number (5), a range 'LOW-HIGH' (3-8, likely = the midpoint) or "
                   "{low, likely, high} with low <= likely <= high (likely may be left out).",
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(-\s*\d+(\.\d+)?\s*)?$"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "low": {"type": "number", "minimum": 0},
                "likely": {"type": "number", "minimum": 0},
                "high": {"type": "number", "minimum": 0},
            },
            "required": ["low", "high"],
        },
    ],
}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of 'profile', 'team' (the YAML users write) or 'plan' (the plan JSON sprintgen writes)."""
    if kind == "profile":
        schema = _widen_profile(Profile.model_json_schema(mode="validation"))
        title, description = "sprintgen profile", "An architecture profile for sprintgen (YAML)."
    elif kind == "team":
        schema = _widen_team(Team.model_json_schema(mode="validation"))
        title, description = "sprintgen team", "A team file for sprintgen (YAML): capacity, cadence, skills."
    elif kind == "plan":
        schema = Plan.model_json_schema(mode="serialization")
        title, description = "sprintgen plan", "The plan JSON written by `sprintgen plan --format json`."
    elif kind == "progress":
        schema = progress_schema()
        title, description = "sprintgen progress", ("Progress for `sprintgen status --progress FILE` (JSON; a CSV "
                                                    "has the same columns).")
    elif kind == "status":
        schema = StatusReport.model_json_schema(mode="serialization")
        title, description = "sprintgen status", "The status JSON written by `sprintgen status --format json`."
    else:
        raise ValueError(f"unknown schema kind {kind!r}; choose one of {', '.join(KINDS)}")
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, "description": description,
            **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def _widen_profile(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    defs = schema.get("$defs", {})
    if "Estimate" in defs:
        defs["Estimate"] = copy.deepcopy(_ESTIMATE_INPUT)
    extends = schema.get("properties", {}).get("extends")
    if extends is not None:
        schema["properties"]["extends"] = {
            "description": "Ids (or paths) of the profiles this one inherits from: one, or a list.",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "default": [],
        }
    return schema


def _widen_team(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    member = schema.get("$defs", {}).get("Member", {})
    availability = member.get("properties", {}).get("availability")
    if availability is not None:
        availability["propertyNames"] = {"pattern": "^[0-9]+$"}
        availability["description"] = "Sprint number -> fraction of the member available (0..1)."
        availability["additionalProperties"] = {"type": "number", "minimum": 0, "maximum": 1}
    return schema


def progress_schema() -> dict[str, Any]:
    """The JSON Schema of a JSON progress file: a list of rows, or {stories: [rows], sprints: [...]}."""
    document = ProgressDocument.model_json_schema(mode="validation")
    defs = document.pop("$defs", {})
    row = {"$ref": "#/$defs/ProgressRow"}
    status = defs["ProgressRow"]["properties"]["status"]
    status["examples"] = [w for words in STATUS_WORDS.values() for w in words]  # not an enum: case is ignored
    status["description"] += " Compared without case; '_' and '-' count as spaces."
    return {"$defs": {**defs, "ProgressDocument": document},
            "anyOf": [{"type": "array", "items": row}, {"$ref": "#/$defs/ProgressDocument"}]}
