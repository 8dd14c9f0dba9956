"""Capacity check before writing: existing committed points in the target sprints plus what the plan adds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sprintgen.model import format_points
from sprintgen.tracker.changeset import ChangeSet, SprintSpec
from sprintgen.tracker.connection import JiraConnection
from sprintgen.tracker.desired import DesiredIssue
from sprintgen.tracker.fields import FieldPlan
from sprintgen.tracker.inventory import search_issues
from sprintgen.tracker.problems import OvercommitError
from sprintgen.tracker.sprints import RemoteSprint, sprint_refs


@dataclass(frozen=True)
class SprintLoad:
    """One target sprint: points already committed in Jira (by other issues), points the plan puts in, capacity."""

    name: str
    state: str  # future | active | new (created by this push)
    existing: float
    planned: float
    capacity: float

    @property
    def total(self) -> float:
        """Committed points after the push."""
        return self.existing + self.planned

    @property
    def over(self) -> bool:
        """Whether the push would fill the sprint beyond the team's capacity."""
        return self.total > self.capacity + 1e-9

    def describe(self) -> str:
        """'Sprint 1: 20 committed in Jira + 12 from the plan = 32 of 30'."""
        return (f"{self.name}: {format_points(self.existing)} committed in Jira + {format_points(self.planned)} "
                f"from the plan = {format_points(self.total)} of {format_points(self.capacity)}")


def sprint_loads(connection: JiraConnection, desired: list[DesiredIssue], specs: list[SprintSpec],
                 board_sprints: list[RemoteSprint], changes: ChangeSet, fields: FieldPlan) -> list[SprintLoad]:
    """Loads of every sprint the plan uses. Existing points exclude this plan's own issues (counted as planned)."""
    planned: dict[str, float] = {}
    for issue in desired:
        if issue.sprint and issue.points is not None:
            planned[issue.sprint] = planned.get(issue.sprint, 0.0) + issue.points
    on_board = {s.name: s for s in board_sprints if s.state != "closed"}
    targets = {on_board[s.name].id: s.name for s in specs if s.name in planned and s.name in on_board}
    existing = dict.fromkeys(targets.values(), 0.0)
    if targets and fields.points and fields.sprint:
        ours = {r.key for r in changes.existing.values()}
        jql = "sprint in (" + ", ".join(str(i) for i in sorted(targets)) + ")"
        for item in search_issues(connection, jql, [fields.points, fields.sprint]):
            if item.get("key") in ours:
                continue
            values = item.get("fields") or {}
            points = values.get(fields.points)
            if not isinstance(points, (int, float)):
                continue
            for sprint_id, _state in sprint_refs(values.get(fields.sprint)):
                if sprint_id in targets:
                    existing[targets[sprint_id]] += float(points)
    return [SprintLoad(name=s.name, state=on_board[s.name].state if s.name in on_board else "new",
                       existing=existing.get(s.name, 0.0), planned=planned[s.name], capacity=s.capacity)
            for s in specs if s.name in planned]


def check_capacity(loads: list[SprintLoad], *, allow_overcommit: bool) -> Optional[str]:
    """Raise OvercommitError when a sprint would be overfilled (unless allowed); return a warning line if allowed."""
    over = [load for load in loads if load.over]
    if not over:
        return None
    listed = "; ".join(load.describe() for load in over)
    noun = "sprint" if len(over) == 1 else "sprints"
    if allow_overcommit:
        return f"pushing overfills {len(over)} {noun} (--allow-overcommit): {listed}"
    raise OvercommitError(f"pushing would fill {len(over)} {noun} beyond the team's capacity: {listed}",
                          hint="nothing was written; re-plan (--velocity, --start, --sprint-prefix for new sprints) "
                               "or push anyway with --allow-overcommit")
