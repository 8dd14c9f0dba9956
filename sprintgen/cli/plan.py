"""`sprintgen plan`."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit, forecast_options, plan_request, profile_options, team_options
from sprintgen.cli.terminal import no_color_option


@click.command()
@profile_options
@team_options
@click.option("--sprints", type=click.IntRange(min=1), help="Plan into exactly N sprints; report what does not fit.")
@forecast_options
@click.option("--no-forecast", is_flag=True, help="Skip the Monte Carlo forecast.")
@click.option("--format", "-f", "fmt", default="markdown", show_default=True,
              help="Output format: markdown, json, csv (Jira CSV import) and any installed exporter.")
@click.option("--template", type=click.Path(dir_okay=False),
              help="A Jinja template for the Markdown roadmap (default: ./templates/roadmap.md.j2, then "
                   "<config dir>/templates/roadmap.md.j2, then the built-in one).")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 on any warning or error finding (for CI); the output is written first.")
@no_color_option
@click.pass_context
def plan(ctx: click.Context, fmt: str, template: str | None, output: str | None, strict: bool = False,
         no_color: bool = False, **kwargs) -> None:
    """Plan a profile into sprints and print the roadmap.

    In a terminal, without --format or --output, a short summary is printed instead of the Markdown.

    \b
    Examples:
      sprintgen plan --profile rag
      sprintgen plan --profile hybrid --team team.yaml --param compliance=gdpr -o roadmap.md
      sprintgen plan --profile fine-tuning --format json
      sprintgen plan --profile rag --format csv -o backlog.csv
    """
    from sprintgen.cli.terminal import echo, painter, plan_summary, wants_summary
    from sprintgen.exporters import get_exporter
    from sprintgen.pipeline import build_plan

    exporter = get_exporter(fmt)
    if template and not exporter.templated:
        from sprintgen.errors import InputError

        raise InputError(f"--template does not apply to --format {fmt}", where="--template",
                         hint="use it with --format markdown, or drop it")
    result = build_plan(plan_request(kwargs))
    if wants_summary(ctx, output) and not template:
        echo(plan_summary(result, painter(no_color)))
    else:
        options = {"template": template} if template else {}
        emit(exporter.render(result, **options), output)
    if strict:
        raise_on_warnings(result)


def raise_on_warnings(result) -> None:
    """--strict: any warning- or error-level finding becomes exit status 1 (after the output was written)."""
    from sprintgen.errors import StrictFindingsError

    serious = [f for f in result.findings if f.level in ("warning", "error")]
    if serious:
        codes = sorted({f.code for f in serious})
        raise StrictFindingsError(f"--strict: the plan has {len(serious)} warning(s) or error(s): {', '.join(codes)}",
                                  hint="fix them, or drop --strict")
