"""Options shared by several commands, as reusable decorators."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import click

from ..errors import EXIT_INPUT


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


def team_overrides(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the team override options out of a command's kwargs."""
    return {name: kwargs.pop(name) for name in ("velocity", "length_days", "start", "dependencies")}


def plan_request(kwargs: dict[str, Any]):
    """Build a PlanRequest from the shared options (consumes them from kwargs)."""
    from ..planner import PlanRequest

    return PlanRequest(
        profile=kwargs.pop("profile"),
        params=tuple(kwargs.pop("params")),
        team_file=kwargs.pop("team_file"),
        team_overrides=team_overrides(kwargs),
        sprints=kwargs.pop("sprints", None),
    )


def emit(text: str, output: str | None) -> None:
    """Print to stdout, or write the file atomically."""
    if output:
        from ..atomic import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


__all__ = ["EXIT_INPUT", "emit", "plan_request", "profile_options", "team_options"]
