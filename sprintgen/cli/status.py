"""`sprintgen status`: progress against the plan, from Jira or a progress file; a re-forecast; `--replan`."""

from __future__ import annotations

from pathlib import Path

import click

from sprintgen.cli.options import (_date, check_project_key, emit, forecast_options, plan_request, profile_options, say,
                                   team_options)

STATUS_FORMATS = ("text", "markdown", "json")


@click.command()
@profile_options
@team_options
@forecast_options
@click.option("--progress", "progress_file", metavar="FILE",
              help="Read progress from a CSV or JSON file (key, status, points, sprint) instead of Jira.")
@click.option("--project", "-P", metavar="KEY", help="Jira project the plan was pushed into.")
@click.option("--board", type=int, metavar="ID", help="Scrum board of the sprints (default: the project's only one).")
@click.option("--url", metavar="URL", help="Jira base URL (default: $JIRA_URL).")
@click.option("--email", metavar="EMAIL", help="Jira Cloud account email (default: $JIRA_EMAIL).")
@click.option("--api-version", type=click.Choice(["auto", "2", "3"]), default="auto", show_default=True,
              help="REST API version (auto: 3 on Cloud, 2 on Data Center).")
@click.option("--verbose", "-v", is_flag=True, help="Log every HTTP request on stderr (Authorization redacted).")
@click.option("--sprint-prefix", default="", metavar="TEXT", help="The prefix the plan's sprints were pushed with.")
@click.option("--commitment", callback=_date, metavar="YYYY-MM-DD",
              help="The date committed to (default: the plan's own P85 date).")
@click.option("--replan", is_flag=True,
              help="Print the plan of the remaining work (in the formats of `plan`) instead of the status.")
@click.option("--format", "-f", "fmt", metavar="FORMAT",
              help="text, markdown or json (default: from the --output suffix, else text); with --replan any "
                   "`plan` format (default markdown).")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def status(progress_file: str | None, project: str | None, board: int | None, url: str | None, email: str | None,
           api_version: str, verbose: bool, sprint_prefix: str, commitment, replan: bool, fmt: str | None,
           output: str | None, **kwargs) -> None:
    """Where the plan stands: done, in progress and remaining work, velocity, scope change, what slipped, and a
    re-forecast from the observed velocity. Reads Jira (never writes) or a progress file.

    \b
    Examples:
      sprintgen status --profile rag --team team.yaml --project RAG
      sprintgen status --profile rag --team team.yaml --progress progress.csv -o status.md
      sprintgen status --profile rag --team team.yaml --project RAG --replan --format json
    """
    from sprintgen.errors import InputError
    from sprintgen.pipeline import plan_and_team
    from sprintgen.tracking.report import build_status

    fmt = _format(fmt, output, replan)
    if progress_file and project:
        raise InputError("give either --progress or --project, not both", where="--progress",
                         hint="--progress reads a file, --project reads Jira")
    request = plan_request(kwargs)
    settings = request.forecast
    plan, team = plan_and_team(request)
    redact = str  # what Jira sends back (titles, sprint names) may echo a secret: Jira output is scrubbed
    if progress_file:
        from sprintgen.tracking.progress_file import load_progress

        progress = load_progress(progress_file)
    elif project:
        project = check_project_key(project.strip())
        progress, redact = _from_jira(plan, project, board, url, email, api_version, verbose, sprint_prefix)
    else:
        raise InputError("no progress to read", where="--project",
                         hint="pass --project KEY (Jira) or --progress FILE (a CSV or JSON export)")
    report, remaining_plan = build_status(plan, team, progress, settings=settings, sprint_prefix=sprint_prefix,
                                          commitment=commitment)
    if replan:
        from sprintgen.exporters import get_exporter

        emit(redact(get_exporter(fmt).render(remaining_plan)), output)
        return
    from sprintgen.exporters import status as render

    text = {"text": render.render_text, "markdown": render.render_markdown, "json": render.render_json}[fmt](report)
    emit(redact(text), output)


def _format(fmt: str | None, output: str | None, replan: bool) -> str:
    if replan:
        return fmt or "markdown"
    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        return {".md": "markdown", ".markdown": "markdown", ".json": "json"}.get(suffix, "text")
    if fmt not in STATUS_FORMATS:
        from sprintgen.errors import InputError

        raise InputError(f"unknown status format '{fmt}'", where="--format",
                         hint=f"choose one of: {', '.join(STATUS_FORMATS)} (any plan format with --replan)")
    return fmt


def _from_jira(plan, project: str, board: int | None, url: str | None, email: str | None, api_version: str,
               verbose: bool, sprint_prefix: str):
    from sprintgen.tracker.connection import open_connection
    from sprintgen.tracker.credentials import resolve_credentials
    from sprintgen.tracker.progress import read_progress

    credentials = resolve_credentials(url, email)
    log = (lambda text: say(credentials.redact(text), err=True)) if verbose else None
    connection = open_connection(credentials, log=log, api_version=api_version)
    return read_progress(connection, plan, project, board, sprint_prefix), credentials.redact
