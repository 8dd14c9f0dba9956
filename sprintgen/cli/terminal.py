"""The terminal view: when stdout is a terminal and no --format or --output was given, `plan`, `forecast` and
`compare` print a compact, aligned, coloured summary instead of a document meant for a file, and say how to get it.

Colour comes from click's own styling (no extra dependency: a summary needs bold, dim and three colours, nothing a
table library would add). `NO_COLOR` (any non-empty value, https://no-color.org) and `--no-color` turn it off.
Piped or redirected output never changes: it is exactly what `--format` asks for.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any, Callable

import click

_LEVEL_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_LEVEL_MARK = {"error": "⛔", "warning": "⚠", "info": "ℹ"}
BAR_WIDTH = 10


def no_color_option(func: Callable) -> Callable:
    """--no-color: plain text in the terminal summary (so does a non-empty NO_COLOR)."""
    return click.option("--no-color", is_flag=True, help="No colour in the terminal summary (also: NO_COLOR=1).")(func)


def wants_summary(ctx: click.Context, output: str | None, format_param: str = "fmt") -> bool:
    """True when stdout is a terminal, nothing is written to a file and the user did not choose a format."""
    from click.core import ParameterSource

    if output or ctx.get_parameter_source(format_param) not in (ParameterSource.DEFAULT, None):
        return False
    return bool(getattr(sys.stdout, "isatty", lambda: False)())


class Painter:
    """click.style when colour is on, plain text when it is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.color else text


def painter(no_color: bool) -> Painter:
    """Colour unless --no-color or a non-empty NO_COLOR."""
    return Painter(not no_color and not os.environ.get("NO_COLOR"))


def width() -> int:
    """The terminal's width (COLUMNS wins), at least 60."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _bar(load: float, capacity: float, paint: Painter) -> str:
    ratio = load / capacity if capacity > 0 else (0.0 if load <= 0 else float("inf"))
    filled = min(BAR_WIDTH, round(min(ratio, 1.0) * BAR_WIDTH))
    colour = "red" if ratio > 1 + 1e-9 else ("yellow" if ratio >= 0.95 else "green")
    percent = "  ∞%" if ratio == float("inf") else f"{round(ratio * 100):>3}%"
    empty = "░" * (BAR_WIDTH - filled)
    return paint("█" * filled, fg=colour) + (paint(empty, dim=True) if empty else "") + " " + percent


def _clip(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: max(room - 1, 1)] + "…"


def format_points(value: float) -> str:
    """Points as people write them (5, 5.5), like the rest of sprintgen; the model is imported only when used."""
    from sprintgen.model import format_points as points

    return points(value)


def team_phrase(name: str) -> str:
    """'your team' for the default team, 'team Platform' for a named one."""
    from sprintgen.model import DEFAULT_TEAM_NAME

    return name if name == DEFAULT_TEAM_NAME else f"team {name}"


def _label(name: str, paint: Painter) -> str:
    return paint(f"  {name:<12}", bold=True)


def commitment_lines(plan: Any, paint: Painter) -> list[str]:
    """The commitment, the fastest packing's chance and the percentiles; or the plain sprint count."""
    used = max([s.sprint for s in plan.stories if s.sprint is not None], default=0)
    forecast, commitment = plan.forecast, plan.commitment
    if not forecast or not commitment:
        return [_label("Plan", paint) + f"{used} sprints to {plan.end_date} (no forecast: not a date to commit to)"]
    chance = round((plan.plan_probability or 0) * 100)
    sprints, dates = forecast.sprints, forecast.dates
    lines = [
        _label("Commit to", paint) + paint(str(commitment.date), bold=True, fg="green")
        + f"  {commitment.sprints} sprints, {commitment.confidence}% confidence",
        _label("Fastest", paint) + f"{used} sprints to {plan.end_date}: "
        + paint(f"{chance}% chance", fg="red" if chance < 50 else "green"),
        _label("Forecast", paint) + "  ".join(f"P{p} {getattr(sprints, f'p{p}')} ({getattr(dates, f'p{p}')})"
                                            for p in (50, 85, 95)),
    ]
    for milestone in getattr(plan, "milestones", None) or []:  # when the profile has milestones
        reached = f"sprint {milestone.sprint}" if milestone.sprint else "not planned"
        at_risk = f", P85 {milestone.forecast.p85_date}" if getattr(milestone, "forecast", None) else ""
        lines.append(_label("Milestone", paint) + f"{_clip(milestone.title, 50)}: {reached}{at_risk}")
    if forecast.target_date:
        lines.append(_label("Target", paint) + f"{forecast.target_date}: "
                     f"{round((forecast.probability_by_target or 0) * 100)}% chance")
    return lines


def finding_lines(findings: list[Any], paint: Painter, limit: int | None = None) -> list[str]:
    """One line per finding, most important first, clipped to the terminal."""
    rank = {"error": 0, "warning": 1, "info": 2}
    ordered = sorted(findings, key=lambda f: rank.get(f.level, 3))
    shown = ordered if limit is None else ordered[:limit]
    room = width() - 6
    lines = [f"    {paint(_LEVEL_MARK.get(f.level, '-'), fg=_LEVEL_COLOUR.get(f.level))} "
             f"{_clip(f.message, room)}" for f in shown]
    if len(ordered) > len(shown):
        lines.append(paint(f"    … and {len(ordered) - len(shown)} more in the roadmap", dim=True))
    return lines


def plan_summary(plan: Any, paint: Painter) -> str:
    """`sprintgen plan` in a terminal: commitment, sprints with fill bars, findings, where the roadmap is."""
    from sprintgen.exporters.roadmap_view import short_dates, skill_overloads

    name = plan.profile.get("name") or plan.profile.get("id")
    who = f"  ({plan.profile.get('id')}, {team_phrase(plan.team.name)})"
    lines = [paint(f"Roadmap: {name}", bold=True) + paint(who, dim=True), ""]
    lines += commitment_lines(plan, paint)
    estimate = plan.total_estimate
    lines.append(_label("Work", paint) + f"{len(plan.stories)} stories in {len(plan.epics)} epics, "
                 f"{format_points(estimate.low)}-{format_points(estimate.high)} points "
                 f"(likely {format_points(estimate.likely)})")
    lines += ["", paint("  Sprint  Dates            Load / capacity  Fill", bold=True)]
    overloads = skill_overloads(plan)
    same_year = len({d.year for s in plan.sprints for d in (s.start, s.end)}) <= 1
    for sprint in plan.sprints:
        load = f"{format_points(round(sprint.load, 1))} / {format_points(round(sprint.capacity, 1))}"
        row = f"  {sprint.number:>6}  {short_dates(sprint.start, sprint.end, same_year):<16} {load:<16} " \
              f"{_bar(sprint.load, sprint.capacity, paint)}  {len(sprint.stories)} " \
              f"{'story' if len(sprint.stories) == 1 else 'stories'}"
        lines.append(row)
        for o in overloads.get(sprint.number, []):
            lines.append(paint(f"{'':>26}⚠ {o['skill']} at {o['percent']}% of its holders' capacity", fg="yellow"))
    if plan.findings:
        lines += ["", paint("  Findings", bold=True)] + finding_lines(plan.findings, paint, limit=5)
    lines += ["", paint("  The full roadmap (epics, acceptance criteria, diagrams) is Markdown: add "
                        "-o roadmap.md to write it, or --format markdown to print it.", dim=True)]
    return "\n".join(lines) + "\n"


def forecast_summary(plan: Any, paint: Painter) -> str:
    """`sprintgen forecast` in a terminal: the commitment, the distribution as bars, the epics."""
    forecast = plan.forecast
    lines = [paint(f"Forecast: {plan.profile.get('name') or plan.profile.get('id')}", bold=True)
             + paint(f"  ({forecast.trials:,} runs, seed {forecast.seed})", dim=True), ""]
    lines += commitment_lines(plan, paint)
    lines += ["", paint("  Sprints  Runs finishing then", bold=True)]
    commit = plan.commitment.sprints if plan.commitment else None
    for bar in forecast.histogram:
        share = bar.share
        blocks = "█" * max(1 if share > 0 else 0, round(share * 40))
        mark = paint("  ← commitment", fg="green") if bar.sprints == commit else ""
        lines.append(f"  {bar.sprints:>7}  {paint(blocks, fg='blue')} {share:.0%}{mark}")
    epics = forecast.epics
    if epics:
        room = max(len(e.title or e.key) for e in epics)
        room = min(room, width() - 40)
        lines += ["", paint(f"  {'Epic':<{room}}  P50  P85  P95", bold=True)]
        for e in epics:
            s = e.sprints
            lines.append(f"  {_clip(e.title or e.key, room):<{room}}  {s.p50:>3}  {s.p85:>3}  {s.p95:>3}")
    lines += ["", paint("  For the report as text add --format text (or -o forecast.txt); for tools, --format json.",
                        dim=True)]
    return "\n".join(lines) + "\n"


def compare_summary(comparison: Any, paint: Painter) -> str:
    """`sprintgen compare` in a terminal: one aligned row per profile, then what stands out."""
    head = ("Profile", "Stories", "Points (likely)", "Sprints P50/P85", "Finish P85", "Missing skills", "Warnings")
    rows = []
    for c in comparison.columns:
        missing = "unknown" if c.skills_missing is None else (", ".join(c.skills_missing) or "none")
        sprints = f"{c.sprints_p50}/{c.sprints_p85}" if c.sprints_source == "forecast" else f"{c.sprints_p50} (plan)"
        rows.append((c.profile, str(c.stories), f"{format_points(c.estimate['low'])}-"
                     f"{format_points(c.estimate['high'])} ({format_points(c.estimate['likely'])})", sprints,
                     str(c.date_p85), _clip(missing, 30), str(c.warnings)))
    from sprintgen.cli.options import text_table

    table = ["  " + line for line in text_table(rows, head)]
    lines = [paint(f"Comparing {', '.join(c.profile for c in comparison.columns)}", bold=True)
             + paint(f"  ({team_phrase(comparison.team)}, {format_points(comparison.velocity)} points per sprint)",
                     dim=True),
             "", paint(table[0], bold=True)] + table[1:]
    if comparison.highlights:
        lines += ["", paint("  What stands out", bold=True)]
        lines += [f"    {paint('•', fg='cyan')} {_clip(h, width() - 6)}" for h in comparison.highlights]
    lines += ["", paint("  The full table (skills, risks, governance) is Markdown: add -o compare.md to write it, "
                        "or --format markdown to print it.", dim=True)]
    return "\n".join(lines) + "\n"


def echo(text: str) -> None:
    """Print a summary as built (colour already decided by the Painter)."""
    click.echo(text, nl=False, color=True)


__all__ = ["compare_summary", "echo", "forecast_summary", "no_color_option", "painter", "plan_summary",
           "wants_summary"]
