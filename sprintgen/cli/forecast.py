"""`sprintgen forecast`: just the Monte Carlo forecast, as text or JSON."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit, forecast_options, plan_request, profile_options, team_options


@click.command()
@profile_options
@team_options
@forecast_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools (the plan JSON's `forecast` object).")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def forecast(fmt: str, output: str | None, **kwargs) -> None:
    """Forecast how many sprints a profile takes, and when it ends, at P50 / P85 / P95.

    \b
    Examples:
      sprintgen forecast --profile rag
      sprintgen forecast --profile hybrid --team team.yaml --target-date 2027-06-30
      sprintgen forecast --profile rag --trials 10000 --seed 7 --format json
    """
    import json

    from sprintgen.exporters.forecast_text import render_text
    from sprintgen.pipeline import build_plan

    result = build_plan(plan_request(kwargs))
    if fmt == "json":
        text = json.dumps(result.forecast.model_dump(mode="json") if result.forecast else None, indent=2,
                          ensure_ascii=False) + "\n"
    else:
        text = render_text(result)
    emit(text, output)
