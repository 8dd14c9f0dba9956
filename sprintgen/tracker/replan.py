"""Re-pushing a plan after the team has started: what is history, what stays, and the rest planned after it.

Rules (README.md, "Pushing to Jira", "Re-pushing mid-project"):
- Issues whose status is Done or In TeamProgress stay where they are (no sprint move; Done issues are not edited).
- Closed sprints are history: never written, never targets. The active sprint is a target only with
  --replan-active; without it, the To Do issues already in it stay there too.
- Everything else (the remaining work) is scheduled again by the core scheduler into the sprints after the last
  started one, numbered on: "Sprint 3", "Sprint 4", ... reuse the future sprints of those names and create the rest.

The scheduler is reused as is: the team's calendar is shifted by the started sprints (start date, per-sprint
overrides and availability renumbered), and the issues that stay are kept in the backlog with no weight and no
dependencies (so their Jira fields are still compared), pinned out of the way; with --replan-active the issues that
stay in the active sprint keep their weight there, so the sprint's room is what they leave.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from sprintgen.model import Estimate, Plan, Team
from sprintgen.pipeline import PlanRequest, load_inputs
from sprintgen.scheduling.schedule import PlanOptions, make_plan
from sprintgen.tracker.inventory import RemoteIssue
from sprintgen.tracker.sprints import RemoteSprint

STAYING = ("done", "indeterminate")  # status categories whose issues never move


@dataclass
class TeamProgress:
    """Where the team is, as read from the board and the plan's issues."""

    shift: int = 0  # plan sprints 1..shift are history (closed, or active without --replan-active)
    closed: list[str] = field(default_factory=list)
    active: Optional[RemoteSprint] = None
    active_number: Optional[int] = None  # the active sprint's plan number (None: a sprint the plan does not name)
    replan_active: bool = False
    staying: dict[str, str] = field(default_factory=dict)  # story key -> why it stays ("done", "in progress", ...)
    in_active: set[str] = field(default_factory=set)  # story keys currently in the active sprint

    @property
    def started(self) -> bool:
        """Whether anything the team did changes the plan (else the plan is pushed as computed)."""
        return bool(self.shift or self.staying or self.in_active)


def sprint_number(name: str, prefix: str) -> Optional[int]:
    """N for a sprint named `<prefix>Sprint N` (as board_sprint_name writes it), else None."""
    found = re.fullmatch(re.escape(prefix.strip()) + r"\s*Sprint (\d+)", name.strip())
    return int(found.group(1)) if found else None


def read_progress(remote: list[RemoteIssue], sprints: list[RemoteSprint], *, prefix: str,
                  replan_active: bool) -> TeamProgress:
    """The plan's sprints that started and the stories that stay where they are."""
    progress = TeamProgress(replan_active=replan_active)
    numbers = {s.id: sprint_number(s.name, prefix) for s in sprints}
    closed = [s for s in sprints if s.state == "closed" and numbers[s.id]]
    progress.closed = [s.name for s in closed]
    progress.active = next((s for s in sprints if s.state == "active"), None)
    last_closed = max((numbers[s.id] for s in closed), default=0)
    active_number = progress.active_number = numbers.get(progress.active.id) if progress.active else None
    progress.shift = last_closed if replan_active or not active_number else max(last_closed, active_number)
    for issue in remote:
        if not (issue.identity or "").startswith("story:"):
            continue
        key = issue.identity.split(":", 1)[1]
        in_active = progress.active is not None and progress.active.id in {sid for sid, _ in issue.sprints}
        if in_active:
            progress.in_active.add(key)
        if issue.status_category == "done":
            progress.staying[key] = "done"
        elif issue.status_category == "indeterminate":
            progress.staying[key] = "in progress"
        elif in_active and not replan_active:
            progress.staying[key] = f"in the active sprint {progress.active.name}"
    return progress


def replan_remaining(request: PlanRequest, progress: TeamProgress) -> Plan:
    """The plan for the remaining work, its sprints numbered from progress.shift + 1 (the staying stories are in it,
    unweighted; their sprint is ignored by the push)."""
    backlog, team = load_inputs(request)
    shift = progress.shift
    stays = set(progress.staying)
    # with --replan-active the active sprint is the re-plan's sprint 1: what stays in it fills it
    fills_first = progress.replan_active and progress.active_number == shift + 1
    weighted_here = progress.in_active if fills_first else set()
    stories = []
    for story in backlog.stories:
        if story.key in stays:
            keep = story.key in weighted_here
            stories.append(story.model_copy(update={
                "depends_on": [], "sprint": 1,
                "estimate": story.estimate if keep else Estimate(low=0, likely=0, high=0)}))
        else:
            pin = story.sprint - shift if story.sprint and story.sprint > shift else None
            stories.append(story.model_copy(update={
                "depends_on": [d for d in story.depends_on if d not in stays], "sprint": pin}))
    backlog = backlog.model_copy(update={"stories": stories})
    team = shifted_team(team, shift)
    count = request.sprints
    plan = make_plan(backlog, team, PlanOptions(sprints=max(1, count - shift) if count else None))
    for sprint in plan.sprints:
        sprint.number += shift
        sprint.name = f"Sprint {sprint.number}"
    for story in plan.stories:
        if story.sprint is not None:
            story.sprint += shift
    return plan


def shifted_team(team: Team, shift: int) -> Team:
    """The team as seen from sprint `shift + 1`: its calendar, overrides and availability renumbered from 1."""
    if not shift:
        return team
    sprint = team.sprint.model_copy(update={"start": team.sprint.start
                                            + dt.timedelta(days=shift * team.sprint.length_days)})
    overrides = [o.model_copy(update={"number": o.number - shift}) for o in team.sprints if o.number > shift]
    members = [m.model_copy(update={"availability": {n - shift: a for n, a in m.availability.items() if n > shift}})
               for m in team.members]
    return team.model_copy(update={"sprint": sprint, "sprints": overrides, "members": members})
