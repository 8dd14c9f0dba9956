"""A push in two steps: `prepare_push` reads Jira and computes the change set (no writes); `apply_push` writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sprintgen.model import Plan
from sprintgen.pipeline import PlanRequest
from sprintgen.tracker.capacity import SprintLoad, sprint_loads
from sprintgen.tracker.changeset import ChangeSet, SprintSpec, compute_changes
from sprintgen.tracker.connection import JiraConnection
from sprintgen.tracker.desired import DesiredIssue, desired_issues, plan_label
from sprintgen.tracker.fields import FieldPlan, PointsOffScreen, load_fields, load_issue_types, resolve_fields
from sprintgen.tracker.inventory import blocks_link_type, managed_issues
from sprintgen.errors import RemoteError
from sprintgen.tracker.problems import JiraSetupError, PushStopped
from sprintgen.tracker.replan import TeamProgress, read_progress, replan_remaining
from sprintgen.tracker.sprints import Board, RemoteSprint, board_sprint_name, board_sprints, find_board
from sprintgen.tracker.writer import Progress, PushResult, Writer


@dataclass
class PushOptions:
    """What the user asked of the push."""

    project: str
    board: Optional[int] = None
    sprints: bool = True
    sprint_prefix: str = ""
    dod_as_subtasks: bool = False
    delete_removed: bool = False
    replan_active: bool = False  # mid-project: the active sprint's To Do issues may move (else it is left alone)
    epic_type: Optional[str] = None  # issue type names where Jira's are localised (else found by hierarchy/icon)
    story_type: Optional[str] = None
    timezone: Optional[str] = None  # sprint times (team file `timezone:`); None: the machine's


@dataclass
class PreparedPush:
    """Everything read from Jira and the change set computed from it."""

    connection: JiraConnection
    options: PushOptions
    profile: str
    label: str
    desired: list[DesiredIssue]
    fields: FieldPlan
    blocks_link: str
    team_managed: bool
    board: Optional[Board]
    board_sprints: list[RemoteSprint]
    changes: ChangeSet
    loads: list[SprintLoad] = field(default_factory=list)
    progress: TeamProgress = field(default_factory=TeamProgress)

    @property
    def write_count(self) -> int:
        """How many writes applying this push takes (0: nothing to do)."""
        return self.changes.write_count(delete_removed=self.options.delete_removed)

    def board_url(self) -> Optional[str]:
        """A link to the board in Jira's UI."""
        if self.board is None:
            return None
        base = self.connection.base_url
        if self.connection.cloud:
            return f"{base}/jira/software/projects/{self.options.project}/boards/{self.board.id}"
        return f"{base}/secure/RapidBoard.jspa?rapidView={self.board.id}"


def plan_desired(plan: Plan, options: PushOptions, schedule: Optional[Plan] = None,
                 staying: frozenset[str] = frozenset()) -> list[DesiredIssue]:
    """The issues the plan wants, for these options (`schedule`, `staying`: see desired_issues)."""
    return desired_issues(plan, sprint_prefix=options.sprint_prefix, dod_as_subtasks=options.dod_as_subtasks,
                          with_sprints=options.sprints, schedule=schedule, staying=staying)


def sprint_specs(plan: Plan, options: PushOptions) -> list[SprintSpec]:
    """The plan's sprints as they should exist on the board."""
    return [SprintSpec(name=board_sprint_name(options.sprint_prefix, s.number), start=s.start, end=s.end,
                       capacity=s.capacity, timezone=options.timezone) for s in plan.sprints]


def prepare_push(connection: JiraConnection, plan: Plan, options: PushOptions,
                 request: Optional[PlanRequest] = None) -> PreparedPush:
    """Read the project, its fields, board, sprints and this plan's issues; compute the change set. Writes nothing.

    `request` (the PlanRequest the plan came from) lets a push after the team started re-plan the remaining work
    (replan.py); without it the plan is pushed as computed."""
    project = connection.get(connection.api(f"project/{options.project}")) or {}
    team_managed = project.get("style") == "next-gen" or bool(project.get("simplified"))
    kinds = ["epic", "story"] + (["subtask"] if options.dod_as_subtasks else [])
    types = load_issue_types(connection, options.project, kinds,
                             {"epic": options.epic_type, "story": options.story_type})
    site_fields = load_fields(connection)
    board = find_board(connection, options.project, options.board) if options.sprints else None
    try:
        fields = resolve_fields(site_fields, types, project=options.project, team_managed=team_managed, board=board)
    except PointsOffScreen:
        if board is not None:
            raise
        # --without-sprints: the board is still the way to set points the screens do not show
        estimation = find_board(connection, options.project, options.board, required=False)
        if estimation is None:
            raise
        fields = resolve_fields(site_fields, types, project=options.project, team_managed=team_managed,
                                board=estimation)
    if options.sprints and not fields.sprint:
        raise JiraSetupError("this Jira site has no Sprint field", hint="push without sprints with --without-sprints")
    blocks = blocks_link_type(connection)
    profile = str(plan.profile.get("id", "plan"))
    label = plan_label(profile)
    remote = managed_issues(connection, options.project, label, fields, blocks)
    sprints_on_board = board_sprints(connection, board.id) if board else []
    progress = (read_progress(remote, sprints_on_board, prefix=options.sprint_prefix,
                              replan_active=options.replan_active) if board else TeamProgress())
    schedule = replan_remaining(request, progress) if progress.started and request is not None else plan
    desired = plan_desired(plan, options, schedule, frozenset(progress.staying))
    specs = sprint_specs(schedule, options)
    changes = compute_changes(desired, remote, sprints=specs, board_sprints=sprints_on_board if board else None)
    loads = sprint_loads(connection, desired, specs, sprints_on_board, changes, fields) if board else []
    return PreparedPush(connection=connection, options=options, profile=profile, label=label, desired=desired,
                        fields=fields, blocks_link=blocks, team_managed=team_managed, board=board,
                        board_sprints=sprints_on_board, changes=changes, loads=loads, progress=progress)


def apply_push(prepared: PreparedPush, progress: Optional[Progress] = None) -> PushResult:
    """Write the change set. Failed items are listed in `result.failures` (the rest is written regardless)."""
    connection, options = prepared.connection, prepared.options

    def find_existing() -> dict[str, str]:
        found: dict[str, str] = {}
        for issue in managed_issues(connection, options.project, prepared.label, prepared.fields,
                                    prepared.blocks_link):
            if issue.identity and issue.identity not in found:
                found[issue.identity] = issue.key
        return found

    keys = {identity: issue.key for identity, issue in prepared.changes.existing.items()}
    writer = Writer(connection, prepared.fields, project=options.project, profile=prepared.profile,
                    board=prepared.board, keys=keys, find_existing=find_existing,
                    blocks_link=prepared.blocks_link, progress=progress)
    open_sprints = {s.name: s.id for s in prepared.board_sprints if s.state != "closed"}
    try:
        return writer.apply(prepared.changes, open_sprints, delete_removed=options.delete_removed)
    except RemoteError as error:
        raise PushStopped(error, writer.result, writer.result.describe()) from None


__all__ = ["PreparedPush", "PushOptions", "PushResult", "apply_push", "plan_desired", "prepare_push",
           "sprint_specs"]
