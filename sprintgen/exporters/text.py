"""Escaping and formatting helpers shared by the text exporters, and the context a template receives."""

from __future__ import annotations

import re
from typing import Any

from ..model import Estimate, Plan, format_points

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def inline(text: Any) -> str:
    """Text safe inside a Markdown paragraph or list item: one line, Markdown and HTML characters escaped."""
    value = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", value)


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return inline(text)


def mermaid_label(text: Any) -> str:
    """Text safe inside a quoted Mermaid label."""
    value = " ".join(str(text).split())
    replacements = {"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", ";": "#59;",
                    "`": "#96;", "|": "#124;", "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;",
                    "(": "#40;", ")": "#41;"}
    out = []
    for char in value:
        out.append(replacements.get(char, char))
    return "".join(out)


def mermaid_id(key: Any) -> str:
    """A node id Mermaid accepts for any key."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", str(key))


def points(value: Any) -> str:
    """Story points without a trailing .0."""
    if isinstance(value, Estimate):
        return str(value)
    return format_points(float(value))


def fill_bar(load: float, capacity: float, width: int = 10) -> str:
    """A text bar for how full a sprint is, e.g. '█████████░ 93%'."""
    if capacity <= 0:
        return "n/a"
    ratio = load / capacity
    filled = min(width, round(ratio * width))
    return "█" * filled + "░" * (width - filled) + f" {round(ratio * 100)}%"


def register_filters(env: Any) -> None:
    """Install the filters every template can use."""
    env.filters.update(inline=inline, cell=cell, mermaid_label=mermaid_label, mermaid_id=mermaid_id,
                       points=points, fill_bar=fill_bar)


def context_for(plan: Plan) -> dict[str, Any]:
    """The variables a template receives (documented in README.md, "Templates")."""
    stories = {s.key: s for s in plan.stories}
    return {
        "plan": plan,
        "profile": plan.profile,
        "team": plan.team,
        "sprints": plan.sprints,
        "epics": plan.epics,
        "stories": stories,
        "findings": plan.findings,
        "forecast": plan.forecast,
    }
