"""`sprintgen forecast`: just the Monte Carlo forecast, as text or JSON."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit, forecast_options, plan_request, profile_options, team_options
from sprintgen.cli.terminal import no_color_option


@click.command()
@profile_options
@team_options
@forecast_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools (the plan JSON's `forecast` object).")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@no_color_option
@click.pass_context
def forecast(ctx: click.Context, fmt: str, output: str | None, no_color: bool = False, **kwargs) -> None:
    """Forecast how many sprints a profile takes, and when it ends, at P50 / P85 / P95.

    In a terminal, without --format or --output, a coloured summary with the distribution is printed.

    \b
    Examples:
      sprintgen forecast --profile rag
      sprintgen forecast --profile hybrid --team team.yaml --target-date 2027-06-30
      sprintgen forecast --profile rag --trials 10000 --seed 7 --format json
    """
    import json

    from sprintgen.cli.terminal import echo, forecast_summary, painter, wants_summary
    from sprintgen.exporters.forecast_text import render_text
    from sprintgen.pipeline import build_plan

    result = build_plan(plan_request(kwargs))
    if wants_summary(ctx, output):
        echo(forecast_summary(result, painter(no_color)))
        return
    if fmt == "json":
        text = json.dumps(result.forecast.model_dump(mode="json") if result.forecast else None, indent=2,
                          ensure_ascii=False) + "\n"
    else:
        text = render_text(result)
    emit(text, output)
