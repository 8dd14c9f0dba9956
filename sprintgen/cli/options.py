"""Options shared by several commands, as reusable decorators."""

from __future__ import annotations

import datetime as dt
import re
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
        click.option("--velocity", type=float,
                     help="Points per sprint: replaces the team file's velocity and members' capacities "
                          "(availability, holidays, overrides and focus factor still apply)."),
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
    from sprintgen.model.team import check_scope_growth

    try:
        return check_scope_growth(Estimate.model_validate(text))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(reason, where="--scope-growth", hint="write a fraction range such as 0-0.2") from None
    except ValueError as exc:
        raise InputError(str(exc), where="--scope-growth", hint="write a fraction range such as 0-0.2") from None


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


#: Control characters a terminal would act on (ESC sequences, BEL, NUL, C1 such as CSI, DEL). Tab and newline are
#: text; a carriage return only as part of CRLF (the CSV line end).
_CONTROL = re.compile(r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text with every control character written as a visible `\\u00XX` escape: profile text such as "\\e[2J" must
    not clear the reader's terminal. Inside JSON strings (the only place JSON can hold them) it is the same escape."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line (stdout, or stderr with err=True), control characters made visible: how the CLI prints."""
    click.echo(printable(text), err=err, nl=nl)


#: Jira project keys (checked before the key goes into JQL and URLs)
PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]+")


def check_project_key(project: str) -> str:
    """The --project value, refused unless it is a Jira project key."""
    from sprintgen.errors import InputError

    if not PROJECT_KEY.fullmatch(project):
        raise InputError(f"{project!r} is not a Jira project key", where="--project",
                         hint="a key is an upper-case letter then upper-case letters, digits or '_', e.g. RAG")
    return project


def emit(text: str, output: str | None) -> None:
    """Print to stdout, or write the file (`-` is stdout): the one rule of `inputs/atomic.py`. Control characters
    are made visible either way."""
    from sprintgen.inputs.atomic import STDOUT, write_output

    write_output(output or STDOUT, printable(text), option="--output" if output else "stdout")


__all__ = ["EXIT_INPUT", "emit", "forecast_options", "forecast_settings", "plan_request", "printable",
           "profile_options", "say", "team_options"]


def text_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    """Rows as aligned text columns (two spaces apart), the header first: for `profiles`, `plugins` and the like."""
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    return ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in [header] + rows]
