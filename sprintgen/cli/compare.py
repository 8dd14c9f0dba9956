"""`sprintgen compare`: a side-by-side decision table of several profiles for the same team."""

from __future__ import annotations

import json

import click

from sprintgen.cli.options import emit, team_options, team_overrides
from sprintgen.cli.terminal import no_color_option


@click.command()
@click.argument("profiles", nargs=-1, metavar="[PROFILE]...")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter on every compared profile that declares it (repeatable).")
@team_options
@click.option("--format", "-f", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Output format.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@no_color_option
@click.pass_context
def compare(ctx: click.Context, profiles: tuple[str, ...], params: tuple[str, ...], fmt: str, output: str | None,
            no_color: bool = False, **kwargs) -> None:
    """Compare profiles side by side for your team (default: rag fine-tuning hybrid).

    For each profile: total estimate range, P50/P85 sprints and finish dates, skills needed and those the team
    lacks, main risks and governance work.

    \b
    Examples:
      sprintgen compare
      sprintgen compare rag fine-tuning hybrid --team team.yaml
      sprintgen compare rag my-profile.yaml --param compliance=gdpr --format json
    """
    from sprintgen.cli.terminal import compare_summary, echo, painter, wants_summary
    from sprintgen.decide.compare import compare as run, render_markdown

    overrides = team_overrides(kwargs)
    result = run(list(profiles), params, kwargs.pop("team_file"), overrides)
    if wants_summary(ctx, output):
        echo(compare_summary(result, painter(no_color)))
        return
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_markdown(result)
    emit(text, output)
