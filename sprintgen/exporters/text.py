"""Escaping and formatting helpers shared by the text exporters, and the context a template receives.

Every piece of user text (titles, descriptions, acceptance criteria, parameter values...) reaches the Markdown
through one of these filters, so no input can open an HTML tag, break a table row or end a Mermaid block.
"""

from __future__ import annotations

import re
from typing import Any

from sprintgen.model import Estimate, Plan, format_points
from sprintgen.profiles.parameters import value_text

# CommonMark lets a backslash escape any ASCII punctuation. Escaped everywhere: what can open markup mid-line
# (emphasis, code, links, HTML tags and entities, table cells, strikethrough, GitHub math `$`) or a GitHub
# reference (@mention, #123). Fewer escapes keep the raw Markdown readable in a pull-request diff.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<#|~&@$])")
# Only at the start of a line: "-", "+", "=", ">" (lists, setext headings, thematic breaks, quotes) and "1." / "1)"
# (ordered lists). A '>' elsewhere is plain text once every '<' is escaped.
_BLOCK_START = re.compile(r"^([-+=>])|^(\d+)([.)])")


def one_line(text: Any) -> str:
    """Text on one line: every run of whitespace (newlines included) becomes one space."""
    return " ".join(str(text).split())


def inline(text: Any) -> str:
    """Text safe anywhere in a Markdown line (paragraph, heading, list item, table cell).

    One line; Markdown and HTML characters escaped, so `<script>` stays text, `|` cannot end a table cell and
    `- item` at the start of a line cannot open a list.
    """
    value = _MD_SPECIAL.sub(r"\\\1", one_line(text))
    return _BLOCK_START.sub(_escape_block_start, value, count=1)


def _escape_block_start(match: re.Match) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (the same escaping as `inline`; never empty)."""
    value = inline(text)
    return value if value else " "


def code(text: Any) -> str:
    """Text as an inline code span, whatever backticks it holds (CommonMark: a longer fence than any run inside).

    A `|` cannot be escaped inside a code span in every renderer, so it is replaced by a look-alike (U+2223).
    """
    value = one_line(text).replace("|", "\u2223")
    if not value:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def points(value: Any) -> str:
    """Story points without a trailing .0; an Estimate as its range ('3-8')."""
    if isinstance(value, Estimate):
        return str(value)
    return format_points(float(value))


def estimate_range(value: Estimate) -> str:
    """An estimate as a reader wants it: '3-8 points (likely 5)' or '5 points'."""
    if value.low == value.high:
        return f"{format_points(value.likely)} points"
    return f"{format_points(value.low)}-{format_points(value.high)} points (likely {format_points(value.likely)})"


def fill_bar(load: float, capacity: float, width: int = 10) -> str:
    """A text bar for how full a sprint is, e.g. '█████████░ 93%'; over capacity is marked '⚠'."""
    if capacity <= 0:
        return "no capacity" if load <= 0 else "⚠ no capacity"
    ratio = load / capacity
    filled = min(width, round(ratio * width))
    bar = "█" * filled + "░" * (width - filled) + f" {round(ratio * 100)}%"
    return bar + (" ⚠" if ratio > 1 + 1e-9 else "")


def nowrap(text: Any) -> str:
    """Text that a table cell does not break across lines (spaces and hyphens become non-breaking ones)."""
    return str(text).replace(" ", "\u00a0").replace("-", "\u2011").replace("–", "\u2060–\u2060")


param_value = value_text  # the template filter's name


def level_badge(level: str) -> str:
    """A finding level with a marker that reads at a glance on GitHub and GitLab."""
    return {"error": "⛔ error", "warning": "⚠️ warning", "info": "ℹ️ info"}.get(level, level)


def plural(count: Any, singular: str, plural_form: str | None = None) -> str:
    """'1 story', '3 stories': a count with the right form of the noun."""
    number = len(count) if isinstance(count, (list, tuple, dict)) else count
    word = singular if number == 1 else (plural_form or singular + "s")
    return f"{number} {word}"


def percent(value: Any) -> str:
    """A fraction (0..1) as a whole percentage."""
    return f"{round(float(value) * 100)}%"


def mermaid_label(text: Any) -> str:
    """Text safe inside a quoted Mermaid label (see exporters/mermaid.py)."""
    from sprintgen.diagrams.mermaid import label

    return label(text)


def mermaid_id(key: Any) -> str:
    """A Mermaid node id for a key (see exporters/mermaid.py)."""
    from sprintgen.diagrams.mermaid import node_id

    return node_id(key)


FILTERS = {
    "inline": inline,
    "cell": cell,
    "code": code,
    "points": points,
    "estimate_range": estimate_range,
    "fill_bar": fill_bar,
    "nowrap": nowrap,
    "param_value": param_value,
    "level_badge": level_badge,
    "percent": percent,
    "plural": plural,
    "mermaid_label": mermaid_label,
    "mermaid_id": mermaid_id,
}


def context_for(plan: Plan, story_graph_limit: int = 25) -> dict[str, Any]:
    """The variables a template receives (documented in README.md, "Templates")."""
    from sprintgen.diagrams import charts, mermaid
    from sprintgen.exporters import roadmap_view

    stories = {s.key: s for s in plan.stories}
    capacity = sum(s.capacity for s in plan.sprints)
    load = sum(s.load for s in plan.sprints)
    focus = mermaid.critical_subset(plan.stories, plan.critical_path, story_graph_limit)
    focus_keys = {s.key for s in focus}
    return {
        "plan": plan,
        "profile": plan.profile,
        "team": plan.team,
        "sprints": plan.sprints,
        "epics": plan.epics,
        "stories": stories,
        "findings": plan.findings,
        "forecast": plan.forecast,
        "epic_forecasts": {e.key: e for e in (plan.forecast.epics if plan.forecast else [])},
        "commitment": plan.commitment,
        "milestones": list(getattr(plan, "milestones", None) or []),
        "risks": plan.risks,
        "assumptions": plan.assumptions,
        "total_capacity": round(capacity, 4),
        "total_load": round(load, 4),
        "unplanned": [s for s in plan.stories if s.sprint is None],
        "glance": roadmap_view.glance(plan),
        "sprint_rows": roadmap_view.sprint_rows(plan),
        "dod": roadmap_view.dod_layers(plan),
        "mutual_epics": mermaid.mutual_epics(plan.epics, plan.stories),
        "diagrams": {
            "epic_graph": mermaid.epic_flowchart(plan.epics, plan.stories),
            # top down: a path drawn left to right is too wide for a page and shrinks to unreadable text
            "story_graph": (mermaid.story_flowchart([e for e in plan.epics if focus_keys & set(e.stories)], focus,
                                                    plan.critical_path, direction="TD") if focus else None),
            "story_graph_stories": len(focus),
            "gantt": mermaid.gantt(plan) if plan.sprints else None,
            "forecast_chart": charts.forecast_chart(plan.forecast, plan.commitment) if plan.forecast else None,
        },
        "story_graph_limit": story_graph_limit,
    }
