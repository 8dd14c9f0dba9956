"""The plan as JSON: the public, stable plan format (see README.md, "Plan JSON")."""

from __future__ import annotations

from sprintgen.model import Plan
from sprintgen.exporters import Exporter


def render(plan: Plan, **_: object) -> str:
    """The plan JSON, indented, with a trailing newline.

    pydantic's serializer (in Rust) writes it directly from the models: ten times faster than dumping dicts with the
    json module, and a number that is not finite could never come out as the invalid `Infinity` (it would be null).
    """
    return plan.model_dump_json(indent=2) + "\n"


EXPORTER = Exporter(name="json", description="the plan as JSON (stable format)", render=render, suffix=".json")
