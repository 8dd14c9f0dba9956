"""The remaining work as the scheduler and the forecast see it: a backlog of what is not done, and the team with
its closed sprints turned into history.

Closed sprints get capacity 0 (the packing never puts work there), so the re-plan and the re-forecast keep the
plan's calendar: sprint numbers and dates stay those of the plan, and the remaining work starts in the sprint after
the last closed one (the current sprint). That sprint's capacity is reduced by the points already done in it;
stories in progress stay in it (pinned). A story's estimate follows its re-estimate in the tracker: the plan's
range scaled to the new points. Work added in the tracker is an exact estimate of its points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate, Plan, SprintOverride, Team
from sprintgen.capacity import Capacities
from sprintgen.model.progress import ItemProgress

ADDED_EPIC = "added"
ADDED_TITLE = "Added outside the plan's epics"


@dataclass
class Remaining:
    """What is left to do, ready for `make_plan` and `run_forecast`."""

    backlog: Backlog
    team: Team
    closed: int  # sprints of history: the remaining work starts in sprint closed + 1
    unestimated: list[str] = field(default_factory=list)  # added issues without points (not in the forecast)


def current_estimate(planned: Estimate, points: Optional[float]) -> Estimate:
    """The plan's estimate after a re-estimate to `points` (None: not re-estimated): the range scaled to it."""
    if points is None or abs(points - planned.likely) < 1e-9:
        return planned
    if planned.likely <= 0:
        return Estimate(low=points, likely=points, high=points)
    return planned.scaled(points / planned.likely)


def remaining_backlog(plan: Plan, items: dict[str, ItemProgress], added: list[ItemProgress], closed: int
                      ) -> tuple[Backlog, list[str]]:
    """The plan's stories that are neither done nor removed, plus the estimated added issues."""
    finished = {k for k, i in items.items() if i.status in ("done", "removed")}
    stories: list[BacklogStory] = []
    for story in plan.stories:
        if story.key in finished:
            continue
        item = items.get(story.key)
        pin = story.sprint if story.pinned else None
        if item is not None and item.status == "in_progress":
            pin = closed + 1  # the work has started: it stays in the current sprint
        elif pin is not None and pin <= closed:
            pin = None  # its sprint is history; it slipped (reported) and is planned like the rest
        stories.append(BacklogStory(
            key=story.key, epic=story.epic, title=story.title, description=story.description,
            acceptance=story.acceptance, estimate=current_estimate(story.estimate, item.points if item else None),
            skills=story.skills, depends_on=[d for d in story.depends_on if d not in finished],
            definition_of_done=story.definition_of_done, labels=story.labels, sprint=pin))
    epic_keys = {e.key for e in plan.epics}
    unestimated = []
    for item in added:
        if item.status in ("done", "removed"):
            continue
        if item.points is None:
            unestimated.append(item.key)
            continue
        stories.append(BacklogStory(
            key=item.key, epic=item.epic if item.epic in epic_keys else ADDED_EPIC, title=item.title or item.key,
            estimate=Estimate(low=item.points, likely=item.points, high=item.points),
            sprint=closed + 1 if item.status == "in_progress" else None))
    kept = {s.key for s in stories}
    epics = [BacklogEpic(key=e.key, title=e.title, goal=e.goal, definition_of_done=e.definition_of_done,
                         stories=[s.key for s in stories if s.epic == e.key]) for e in plan.epics]
    extra = [s.key for s in stories if s.epic == ADDED_EPIC]
    if extra:
        epics.append(BacklogEpic(key=ADDED_EPIC, title=ADDED_TITLE, stories=extra))
    backlog = Backlog(profile_id=str(plan.profile.get("id", "plan")), profile_name=str(plan.profile.get("name") or ""),
                      description=str(plan.profile.get("description") or ""),
                      parameters=dict(plan.profile.get("parameters") or {}),
                      definition_of_done=plan.definition_of_done, risks=plan.risks, assumptions=plan.assumptions,
                      epics=[e for e in epics if e.stories or e.key in epic_keys],
                      stories=[s for s in stories if s.key in kept])
    return backlog, unestimated


def remaining_team(team: Team, closed: int, done_in_current: float,
                   velocity_history: Optional[list[float]] = None) -> Team:
    """The team with sprints 1..closed at capacity 0 and the current sprint reduced by what is already done in it.

    `velocity_history` replaces the team file's when given (observed velocities; zeros are real observations, so
    the model's "above 0" rule for a hand-written history is not applied to them).
    """
    capacities = Capacities(team)
    overrides = {o.number: o for o in team.sprints}
    for number in range(1, closed + 1):
        overrides[number] = SprintOverride(number=number, capacity=0, note="closed")
    current = closed + 1
    if done_in_current > 0:
        left = max(capacities(current) - done_in_current, 0.0)
        overrides[current] = SprintOverride(number=current, capacity=round(left, 4),
                                            note="current sprint, less the points already done")
    update: dict = {"sprints": [overrides[n] for n in sorted(overrides)]}
    if velocity_history is not None:
        update["velocity_history"] = list(velocity_history)
    return team.model_copy(update=update)
