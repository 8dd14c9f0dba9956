"""`sprintgen push`: preview, confirm, then sync the plan into Jira (the only command that imports `jira`)."""

from __future__ import annotations

import sys

import click

from sprintgen.cli.options import check_project_key, plan_request, profile_options, say, team_options


@click.command()
@profile_options
@team_options
@click.option("--sprints", type=click.IntRange(min=1), help="Plan into exactly N sprints.")
@click.option("--project", "-P", metavar="KEY", help="Jira project key to push into (required with a server).")
@click.option("--board", type=int, metavar="ID", help="Scrum board for the sprints (default: the project's only one).")
@click.option("--url", metavar="URL", help="Jira base URL (default: $JIRA_URL).")
@click.option("--email", metavar="EMAIL", help="Jira Cloud account email (default: $JIRA_EMAIL).")
@click.option("--dry-run", is_flag=True,
              help="Show the preview and stop; without a server, list what would be created.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-overcommit", is_flag=True, help="Push even if a sprint ends up beyond the team's capacity.")
@click.option("--delete-removed", is_flag=True,
              help="Delete issues this plan created earlier that are no longer in the plan.")
@click.option("--dod-as-subtasks", is_flag=True, help="Create Definition-of-Done items as sub-tasks.")
@click.option("--sprint-prefix", default="", metavar="TEXT", help="Prefix of the sprint names on the board.")
@click.option("--without-sprints", "--no-sprints", "without_sprints", is_flag=True,
              help="Create issues only: no sprints, no sprint assignment (--no-sprints is the same).")
@click.option("--replan-active", is_flag=True,
              help="Mid-project: let the re-plan move To Do issues into and out of the active sprint.")
@click.option("--epic-type", metavar="NAME", help="The project's epic issue type, where its name is not 'Epic'.")
@click.option("--story-type", metavar="NAME", help="The project's story issue type, where its name is not 'Story'.")
@click.option("--api-version", type=click.Choice(["auto", "2", "3"]), default="auto", show_default=True,
              help="REST API version (auto: 3 on Cloud, 2 on Data Center).")
@click.option("--verbose", "-v", is_flag=True, help="Log every HTTP request on stderr (Authorization redacted).")
def push(project: str | None, board: int | None, url: str | None, email: str | None, dry_run: bool, yes: bool,
         allow_overcommit: bool, delete_removed: bool, dod_as_subtasks: bool, sprint_prefix: str,
         without_sprints: bool, replan_active: bool, epic_type: str | None, story_type: str | None,
         api_version: str, verbose: bool, **kwargs) -> None:
    """Push the plan into Jira: epics, stories, links and sprints, without duplicates on re-run.

    Shows a preview (create / update / unchanged / removed) and asks before writing.

    \b
    Examples:
      sprintgen push --profile rag --dry-run
      JIRA_URL=https://acme.atlassian.net JIRA_EMAIL=po@acme.com JIRA_API_TOKEN=... \\
        sprintgen push --profile rag --team team.yaml --project RAG
      JIRA_URL=https://jira.acme.com JIRA_PAT=... sprintgen push --profile hybrid --project LLM --board 7 --yes
    """
    from sprintgen.capacity import find_team_file, load_team
    from sprintgen.errors import InputError
    from sprintgen.pipeline import build_plan
    from sprintgen.tracker.credentials import resolve_credentials, server_url
    from sprintgen.tracker.session import PushOptions, plan_desired, sprint_specs

    request = plan_request(kwargs)
    plan = build_plan(request)
    team = load_team(find_team_file(request.team_file), request.team_overrides)
    options = PushOptions(project=(project or "").strip(), board=board, sprints=not without_sprints,
                          sprint_prefix=sprint_prefix, dod_as_subtasks=dod_as_subtasks,
                          delete_removed=delete_removed, replan_active=replan_active, epic_type=epic_type,
                          story_type=story_type, timezone=team.timezone)
    if options.project:
        check_project_key(options.project)
    if server_url(url) is None and dry_run:
        from sprintgen.tracker.preview import render_offline

        say(render_offline(plan_desired(plan, options), sprint_specs(plan, options), options.project or None),
            nl=False)
        return
    if not options.project:
        raise InputError("no Jira project given", where="--project", hint="pass the project key, e.g. --project RAG")
    credentials = resolve_credentials(url, email)
    _push(plan, request, options, credentials, dry_run=dry_run, yes=yes, allow_overcommit=allow_overcommit,
          api_version=api_version, verbose=verbose)


def _push(plan, request, options, credentials, *, dry_run: bool, yes: bool, allow_overcommit: bool, api_version: str,
          verbose: bool) -> None:
    from sprintgen.errors import SprintgenError

    try:
        _push_to(plan, request, options, credentials, dry_run=dry_run, yes=yes, allow_overcommit=allow_overcommit,
                 api_version=api_version, verbose=verbose)
    except SprintgenError as error:  # the last line of defence: no form of a credential is ever printed
        error.message = credentials.redact(error.message)
        error.hint = credentials.redact(error.hint) if error.hint else error.hint
        raise


def _push_to(plan, request, options, credentials, *, dry_run: bool, yes: bool, allow_overcommit: bool,
             api_version: str, verbose: bool) -> None:
    from sprintgen.errors import InputError
    from sprintgen.tracker.capacity import check_capacity
    from sprintgen.tracker.connection import open_connection
    from sprintgen.tracker.preview import render_preview, render_summary
    from sprintgen.tracker.problems import PartialPushError, PushStopped
    from sprintgen.tracker.session import apply_push, prepare_push

    def say_redacted(text: str, **options) -> None:  # what Jira sent back (summaries, sprint names) may echo a secret
        say(credentials.redact(text), **options)

    log = (lambda text: say_redacted(text, err=True)) if verbose else None
    connection = open_connection(credentials, log=log, api_version=api_version)
    prepared = prepare_push(connection, plan, options, request)
    say_redacted(render_preview(prepared), nl=False)
    warning = check_capacity(prepared.loads, allow_overcommit=allow_overcommit)
    if warning:
        say_redacted(f"sprintgen: warning: {warning}", err=True)
    if prepared.write_count == 0:
        say_redacted("Nothing to change: Jira already matches the plan.")
        return
    if dry_run:
        say_redacted("Dry run: nothing was written.")
        return
    if not yes:
        if not _interactive():
            raise InputError("not asking for confirmation: standard input is not a terminal", where="push",
                             hint="review the preview (--dry-run) and add --yes to write")
        click.confirm(f"Write these {prepared.write_count} changes to Jira?", abort=True)
    try:
        if _show_progress(prepared.write_count):
            with click.progressbar(length=prepared.write_count, label="Pushing", file=sys.stderr) as bar:
                result = apply_push(prepared, progress=bar.update)
        else:
            result = apply_push(prepared)
    except PushStopped as stopped:
        say_redacted(render_summary(prepared, stopped.result), nl=False)
        raise
    except KeyboardInterrupt:
        say_redacted("sprintgen: push interrupted; run the same command again to complete it "
                     "(nothing is duplicated)", err=True)
        raise
    say_redacted(render_summary(prepared, result), nl=False)
    if result.failures:
        shown = "; ".join(result.failures[:3]) + ("; ..." if len(result.failures) > 3 else "")
        raise PartialPushError(f"{len(result.failures)} item(s) were not written: {shown}",
                               hint="fix the cause and run the same command again: it completes the push")


def _interactive() -> bool:
    """Whether a person can answer the confirmation question (standard input is a terminal)."""
    return sys.stdin.isatty()


def _show_progress(writes: int) -> bool:
    """A progress bar only for long pushes, and only when stderr is a terminal (never in logs or pipes)."""
    return writes > 20 and sys.stderr.isatty()
