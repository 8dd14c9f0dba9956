"""The status report for people: a terminal summary and a Markdown page with a burn-up chart. Pure string building;
the CLI prints or writes it. The JSON form is the report model itself (`render_json`)."""

from __future__ import annotations

import json
from typing import Any

from sprintgen.model import format_points
from sprintgen.diagrams import mermaid
from sprintgen.exporters.text import cell, code, inline, plural

_LEVELS = ("p50", "p85", "p95")


def _pts(value: float) -> str:
    return format_points(round(value, 1))


def _sprint(number: Any) -> str:
    return "-" if number is None else f"sprint {number}"


def _change(report: Any) -> str:
    forecast = report.reforecast
    previous = forecast.previous
    if previous.date is None:
        return "no earlier commitment to compare with"
    level = f"p{forecast.confidence}"
    source = "the plan's P85" if forecast.previous_source == "plan" else "--commitment"
    days = forecast.change_days
    moved = "unchanged" if not days else (f"{abs(days)} days {'later' if days > 0 else 'earlier'}")
    sprints = forecast.change_sprints
    if sprints:
        moved += f" ({sprints:+d} sprint{'s' if abs(sprints) != 1 else ''})"
    return (f"P{forecast.confidence} {_sprint(forecast.sprints.get(level))}, {forecast.dates.get(level)}: {moved} "
            f"against {source} ({_sprint(previous.sprint)}, {previous.date})")


def _target(report: Any) -> str | None:
    """'P(done by 2027-06-30) = 62%' when --target-date was given."""
    forecast = report.reforecast.forecast
    if forecast is None or forecast.target_date is None or forecast.probability_by_target is None:
        return None
    return f"{forecast.probability_by_target:.0%} chance of finishing by {forecast.target_date}"


def _scope_line(scope: Any) -> str:
    parts = [f"planned {_pts(scope.planned_points)}", f"+{_pts(scope.added_points)} added ({len(scope.added)})",
             f"-{_pts(scope.removed_points)} removed ({len(scope.removed)})",
             f"{scope.reestimated_points:+g} re-estimated ({len(scope.reestimated)})"]
    return ", ".join(parts) + f" = {_pts(scope.current_points)} points"


def _where(report: Any) -> str:
    closed = report.closed_sprints
    return (f"{closed} sprint{'s' if closed != 1 else ''} closed, sprint {report.current_sprint} is the current one")


def render_text(report: Any) -> str:
    """The terminal summary."""
    total = report.total
    rows = [("Whole plan", total)] + [(f"  {g.title or g.key}", g) for g in report.epics]
    width = max(len(name) for name, _ in rows)
    lines = [f"Status of {report.profile.get('id')} from {report.source}: {_where(report)}", "",
             "".ljust(width) + "  " + "done".rjust(12) + "in progress".rjust(14) + "remaining".rjust(14)
             + "   planned end   re-planned end"]
    for name, g in rows:
        lines.append(name.ljust(width) + "  "
                     + f"{_pts(g.done_points)} pts/{g.done_stories}".rjust(12)
                     + f"{_pts(g.in_progress_points)} pts/{g.in_progress_stories}".rjust(14)
                     + f"{_pts(g.remaining_points)} pts/{g.remaining_stories}".rjust(14)
                     + f"   {_sprint(g.planned_last_sprint):<13} {_sprint(g.replanned_last_sprint)}")
    lines.append("")
    if report.velocity:
        lines.append("Velocity: " + "; ".join(
            f"{v.name} {_pts(v.completed_points)} of {_pts(v.capacity)} (planned {_pts(v.planned_points)})"
            for v in report.velocity))
    else:
        lines.append("Velocity: no sprint closed yet")
    lines.append("Scope: " + _scope_line(report.scope))
    if report.slipped:
        lines.append("Slipped: " + ", ".join(f"{s.key} (sprint {s.planned_sprint}, {s.status.replace('_', ' ')})"
                                             for s in report.slipped))
    forecast = report.reforecast
    lines.append("Re-forecast: " + ", ".join(
        f"{level.upper()} {_sprint(forecast.sprints.get(level))} ({forecast.dates.get(level) or '-'})"
        for level in _LEVELS))
    lines.append("Commitment: " + _change(report))
    if _target(report):
        lines.append("Target: " + _target(report))
    lines += [f"Note: {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def render_markdown(report: Any) -> str:
    """The status page: summary, epics, velocity, scope change, slipped stories, re-forecast, burn-up, notes."""
    total, forecast = report.total, report.reforecast
    name = report.profile.get("name") or report.profile.get("id")
    out = [f"# Status: {inline(name)}", "",
           f"From {inline(report.source)}: {_where(report)}.", "",
           f"- **Done:** {_pts(total.done_points)} of {_pts(total.points)} points "
           f"({total.done_stories} of {plural(total.stories, 'story', 'stories')})",
           f"- **In progress:** {_pts(total.in_progress_points)} points "
           f"({plural(total.in_progress_stories, 'story', 'stories')})",
           f"- **Remaining:** {_pts(total.remaining_points)} points "
           f"({plural(total.remaining_stories, 'story', 'stories')})",
           "- **Re-forecast:** " + ", ".join(f"{level.upper()} {_sprint(forecast.sprints.get(level))} "
                                            f"({forecast.dates.get(level) or '-'})" for level in _LEVELS),
           f"- **Commitment:** {_change(report)}"]
    if _target(report):
        out.append(f"- **Target:** {_target(report)}")
    out += ["", "## Epics", "",
            "| Epic | Done | In progress | Remaining | Planned end | Re-planned end |",
            "|---|---|---|---|---|---|"]
    for g in report.epics + [total]:
        title = f"**{cell(g.title)}**" if g is total else cell(g.title or g.key)
        out.append(f"| {title} | {_pts(g.done_points)} pts ({g.done_stories}) | {_pts(g.in_progress_points)} pts "
                   f"({g.in_progress_stories}) | {_pts(g.remaining_points)} pts ({g.remaining_stories}) | "
                   f"{_sprint(g.planned_last_sprint)} | {_sprint(g.replanned_last_sprint)} |")
    if report.milestones:
        out += ["", "## Milestones", "",
                "| Milestone | Done | In progress | Remaining | Planned | Re-planned |", "|---|---|---|---|---|---|"]
        out += [f"| {cell(g.title or g.key)} | {_pts(g.done_points)} pts ({g.done_stories}) | "
                f"{_pts(g.in_progress_points)} pts ({g.in_progress_stories}) | {_pts(g.remaining_points)} pts "
                f"({g.remaining_stories}) | {_sprint(g.planned_last_sprint)} | "
                f"{_sprint(g.replanned_last_sprint) if g.remaining_stories else 'reached'} |"
                for g in report.milestones]
    out += ["", "## Velocity", ""]
    if report.velocity:
        out += ["| Sprint | Completed | Capacity | Planned |", "|---|---|---|---|"]
        out += [f"| {cell(v.name)} | {_pts(v.completed_points)} | {_pts(v.capacity)} | {_pts(v.planned_points)} |"
                for v in report.velocity]
    else:
        out.append("No sprint is closed yet.")
    scope = report.scope
    out += ["", "## Scope change", "", _scope_line(scope) + ".", ""]
    if scope.added:
        out.append("- Added: " + ", ".join(code(k) for k in scope.added))
    if scope.removed:
        out.append("- Removed: " + ", ".join(code(k) for k in scope.removed))
    for change in scope.reestimated:
        out.append(f"- Re-estimated: {code(change.key)} {_pts(change.planned)} -> {_pts(change.now)}")
    out += ["", "## Slipped", ""]
    if report.slipped:
        out += ["| Story | Planned in | Status | Epic re-planned end |", "|---|---|---|---|"]
        ends = {g.key: g for g in report.epics}
        for s in report.slipped:
            epic = ends.get(s.epic)
            end = (f"{cell(epic.title)}: {_sprint(epic.planned_last_sprint)} -> {_sprint(epic.replanned_last_sprint)}"
                   if epic else "-")
            status = s.status.replace("_", " ") + ("" if s.found else ", not in the tracker")
            out.append(f"| {cell(s.title)} ({code(s.key)}) | sprint {s.planned_sprint} | {status} | {end} |")
    else:
        out.append("Nothing planned in a closed sprint is left undone.")
    out += ["", "## Burn-up", "", "```mermaid", mermaid.burnup(report.burnup), "```", "",
            "Done per closed sprint (" + mermaid.BURNUP_SERIES[0][2] + "), total scope ("
            + mermaid.BURNUP_SERIES[1][2] + ") and the forecast cone from today's done points to the whole scope at "
            "P50 (" + mermaid.BURNUP_SERIES[2][2] + "), P85 (" + mermaid.BURNUP_SERIES[3][2] + ") and P95 ("
            + mermaid.BURNUP_SERIES[4][2] + ").", "", "## Notes", ""]
    out += [f"- {inline(note)}" for note in report.notes]
    return "\n".join(out) + "\n"


def render_json(report: Any) -> str:
    """The report as JSON (README.md, "Tracking progress")."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
