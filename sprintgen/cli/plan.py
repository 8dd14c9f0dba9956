"""`sprintgen plan`."""

from __future__ import annotations

import click

from .options import emit, plan_request, profile_options, team_options


@click.command()
@profile_options
@team_options
@click.option("--sprints", type=click.IntRange(min=1), help="Plan into exactly N sprints; report what does not fit.")
@click.option("--format", "-f", "fmt", default="markdown", show_default=True,
              help="Output format: markdown, json (and any installed exporter).")
@click.option("--template", type=click.Path(dir_okay=False), help="A Jinja template for the Markdown roadmap.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def plan(fmt: str, template: str | None, output: str | None, **kwargs) -> None:
    """Plan a profile into sprints and print the roadmap.

    \b
    Examples:
      sprintgen plan --profile rag
      sprintgen plan --profile hybrid --team team.yaml --param compliance=gdpr -o roadmap.md
      sprintgen plan --profile fine-tuning --format json
    """
    from ..exporters import get_exporter
    from ..planner import build_plan

    exporter = get_exporter(fmt)
    result = build_plan(plan_request(kwargs))
    options = {"template": template} if template else {}
    emit(exporter.render(result, **options), output)
