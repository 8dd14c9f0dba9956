"""The forecast as text for people (what `sprintgen forecast` prints). Pure string building; the CLI prints it."""

from __future__ import annotations

import datetime as dt
from typing import Union

from sprintgen.model import EpicForecast, Forecast, Plan, format_points

_LEVELS = ("p50", "p85", "p95")


def _cell(sprints: int, date: dt.date | None) -> str:
    if not sprints:
        return "-"
    return f"{sprints} sprint{'s' if sprints != 1 else ''}  {date}"


def _row(name: str, entry: Union[Forecast, EpicForecast], width: int, target: bool) -> str:
    cells = [_cell(getattr(entry.sprints, level), getattr(entry.dates, level)).ljust(24) for level in _LEVELS]
    if target:
        probability = entry.probability_by_target
        cells.append("-" if probability is None else f"{probability:.0%}")
    return (name.ljust(width) + "  " + "".join(cells)).rstrip()


def _money(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def velocity_text(forecast: Forecast) -> str:
    """How velocity varies in the trials, in one phrase."""
    velocity = forecast.velocity
    if velocity["model"] == "bootstrap":
        history = ", ".join(format_points(v) for v in velocity["history"])
        return f"each sprint's velocity drawn from the history ({history}) over a planned " \
               f"{format_points(velocity['regular_capacity'])} points"
    if velocity["model"] == "normal":
        return f"each sprint's capacity varies by ±{velocity['uncertainty']:.0%} (1 sd, normal)"
    return "sprint capacities as planned (no velocity uncertainty)"


def assumptions_text(forecast: Forecast) -> list[str]:
    """What the forecast assumes, one sentence each (shared by the text report and README's wording)."""
    growth = forecast.scope_growth
    growth_text = "no scope growth" if growth is None else (
        f"scope growth of {growth['low']:.0%}-{growth['high']:.0%} (most likely {growth['likely']:.0%})")
    risks = forecast.risks_included
    return [
        "story sizes drawn from their estimate ranges (PERT-beta; a single number is exact)",
        velocity_text(forecast),
        growth_text,
        f"{risks} profile risk{'s' if risks != 1 else ''} (probability x impact) added as extra work when they fire"
        if risks else "no profile risks with a probability and an impact",
        f"{forecast.dependencies} dependencies and each sprint's capacity respected in every trial",
    ]


def render_text(plan: Plan) -> str:
    """The forecast of a plan as a short, aligned text report."""
    forecast = plan.forecast
    if forecast is None:
        return "No forecast (--no-forecast).\n"
    team = plan.team
    target = forecast.target_date is not None
    lines = [
        f"Forecast for {plan.profile['id']} ({plan.profile.get('name') or plan.profile['id']}): "
        f"{forecast.trials:,} trials, seed {forecast.seed}",
        f"Team: {team.name}, {team.sprint_length_days}-day sprints from {team.start}, {team.dependencies} dependencies",
        f"Work: {forecast.estimate.text} (90% range of the estimates); with growth and risks "
        f"P50 {format_points(forecast.points.p50)}, P85 {format_points(forecast.points.p85)}, "
        f"P95 {format_points(forecast.points.p95)} points",
        "",
    ]
    names = [("Whole plan", forecast)] + [(f"  {e.title or e.key}", e) for e in forecast.epics]
    width = max(len(n) for n, _ in names)
    header = "".ljust(width) + "  " + "".join(level.upper().ljust(24) for level in _LEVELS)
    if target:
        header += f"by {forecast.target_date}"
    lines.append(header.rstrip())
    lines += [_row(name, entry, width, target) for name, entry in names]
    lines.append("")
    if target:
        lines.append(f"Probability of finishing by {forecast.target_date}: "
                     f"{forecast.probability_by_target:.0%} ({forecast.target_sprints} sprints end by then)")
    cost = forecast.cost
    if cost is not None:
        lines.append(f"Cost: {_money(cost['p50'])} (P50), {_money(cost['p85'])} (P85), {_money(cost['p95'])} (P95) "
                     f"at {_money(cost['per_sprint'])} per sprint")
    commitment = forecast.commitment
    if commitment is not None:
        lines.insert(3, f"Commit to {commitment.date}: {commitment.sprints} sprints, {commitment.confidence}% "
                        "confidence" + (f"; the plan's own {forecast.plan_sprints} sprints have a "
                                        f"{forecast.plan_probability:.0%} chance" if forecast.plan_probability
                                        is not None else ""))
    plan_sprints = forecast.plan_sprints
    compare = f"the optimised plan uses {plan_sprints}; " if plan_sprints is not None else ""
    lines.append(f"Deterministic: {compare}the forecast's replay of it with likely sizes and no uncertainty uses "
                 f"{forecast.deterministic_sprints} sprints.")
    lines.append("Assumes: " + "; ".join(assumptions_text(forecast)) + ".")
    return "\n".join(lines) + "\n"
