"""Options shared by several commands, as reusable decorators."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import click

from sprintgen.errors import EXIT_INPUT


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD", ctx, param) from None


def profile_options(func: Callable) -> Callable:
    """--profile and --param."""
    func = click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                        help="Set a profile parameter (repeatable).")(func)
    func = click.option("--profile", "-p", default="rag", show_default=True, metavar="ID|FILE",
                        help="A built-in profile id (rag, fine-tuning, hybrid), a profile id from a plugin or "
                             "profiles directory, or a path to a profile YAML file.")(func)
    return func


def team_options(func: Callable) -> Callable:
    """--team and the team overrides."""
    options = [
        click.option("--team", "team_file", metavar="FILE",
                     help="Team YAML file (default: sprintgen.yaml or team.yaml in the current directory)."),
        click.option("--velocity", type=float, help="Points per sprint (overrides the team file)."),
        click.option("--sprint-length", "length_days", type=int, help="Sprint length in days."),
        click.option("--start", callback=_date, metavar="YYYY-MM-DD", help="First day of sprint 1."),
        click.option("--dependencies", type=click.Choice(["sequential", "concurrent"]),
                     help="sequential: after the blocker's sprint; concurrent: same sprint allowed."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def forecast_options(func: Callable) -> Callable:
    """--trials, --seed, --target-date, --scope-growth and --confidence: how the Monte Carlo forecast runs."""
    options = [
        click.option("--trials", type=click.IntRange(1, 1_000_000), metavar="N",
                     help="Monte Carlo trials for the forecast (default: 2000; fewer above 1,000 stories)."),
        click.option("--seed", type=click.IntRange(min=0), metavar="N",
                     help="Random seed; the same seed gives the same forecast (default: a fixed seed)."),
        click.option("--target-date", callback=_date, metavar="YYYY-MM-DD",
                     help="Report the probability of finishing by this date."),
        click.option("--scope-growth", metavar="LOW-HIGH",
                     help="Extra work discovered, as a fraction range (0-0.2 = up to 20%); overrides the team."),
        click.option("--confidence", type=click.IntRange(50, 95), metavar="PERCENT",
                     help="Commit to the forecast at this confidence, 50 to 95 (default: 85, the P85 date)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def forecast_settings(kwargs: dict[str, Any]):
    """Pop the forecast options out of a command's kwargs: ForecastSettings, or None for --no-forecast."""
    from sprintgen.forecast.montecarlo import ForecastSettings

    settings = ForecastSettings()
    for name in ("trials", "seed", "target_date", "confidence"):
        value = kwargs.pop(name, None)
        if value is not None:
            setattr(settings, name, value)
    growth = kwargs.pop("scope_growth", None)
    if growth is not None:
        settings.scope_growth = _fraction_range(growth)
    return None if kwargs.pop("no_forecast", False) else settings


def _fraction_range(text: str):
    from pydantic import ValidationError

    from sprintgen.errors import InputError
    from sprintgen.model import Estimate

    try:
        return Estimate.model_validate(text)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(reason, where="--scope-growth", hint="write a fraction range such as 0-0.2") from None


def team_overrides(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the team override options out of a command's kwargs."""
    return {name: kwargs.pop(name) for name in ("velocity", "length_days", "start", "dependencies")}


def plan_request(kwargs: dict[str, Any]):
    """Build a PlanRequest from the shared options (consumes them from kwargs)."""
    from sprintgen.pipeline import PlanRequest

    return PlanRequest(
        profile=kwargs.pop("profile"),
        params=tuple(kwargs.pop("params")),
        team_file=kwargs.pop("team_file"),
        team_overrides=team_overrides(kwargs),
        sprints=kwargs.pop("sprints", None),
        forecast=forecast_settings(kwargs),
    )


def emit(text: str, output: str | None) -> None:
    """Print to stdout, or write the file atomically."""
    if output:
        from sprintgen.inputs.atomic import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


__all__ = ["EXIT_INPUT", "emit", "forecast_options", "forecast_settings", "plan_request", "profile_options",
           "team_options"]


def text_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    """Rows as aligned text columns (two spaces apart), the header first: for `profiles`, `plugins` and the like."""
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    return ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in [header] + rows]
