"""The plan as JSON: the public, stable plan format (see README.md, "Plan JSON")."""

from __future__ import annotations

import json

from sprintgen.model import Plan
from sprintgen.exporters import Exporter


def render(plan: Plan, **_: object) -> str:
    """The plan JSON, indented, with a trailing newline."""
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


EXPORTER = Exporter(name="json", description="the plan as JSON (stable format)", render=render, suffix=".json")
