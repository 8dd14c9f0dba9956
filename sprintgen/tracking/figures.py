"""The figures of a status report, from the plan and the progress: no forecast, no scheduling, just counting.

Rules (README.md, "Tracking progress"):
- an item whose key is a plan story is that story; any other item is work added to the plan (scope added);
- a plan story the progress does not mention is "not pushed" (Jira) or "not in the progress file", and still to do;
- closed sprints are taken in plan order (a sprint named like a plan sprint sorts as that sprint), then board order;
  the k-th closed sprint is compared with sprint k of the plan (its capacity and its planned load);
- a done item counts for the velocity of the closed sprint it is (last) in; done in any other sprint, or in none,
  it counts as done but for no closed sprint;
- points are the tracker's current points; a plan story without points in the tracker keeps the plan's likely value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from sprintgen.model import Plan
from sprintgen.capacity import Capacities
from sprintgen.model.status import GroupProgress, Reestimate, ScopeChange, Slip, SprintVelocity
from sprintgen.model.progress import ItemProgress, Progress


@dataclass
class Matched:
    """The progress sorted against the plan."""

    stories: dict[str, ItemProgress]  # plan story key -> its item
    added: list[ItemProgress]  # items that are not plan stories
    missing: list[str]  # plan stories the progress does not mention
    closed: list[str] = field(default_factory=list)  # names of the closed sprints, in order


def match(plan: Plan, progress: Progress, sprint_prefix: str = "") -> Matched:
    """Sort the progress's items into plan stories, added work and plan stories not found."""
    keys = {s.key for s in plan.stories}
    stories = {i.key: i for i in progress.items if i.key in keys}
    added = [i for i in progress.items if i.key not in keys]
    missing = [s.key for s in plan.stories if s.key not in stories]
    return Matched(stories, added, missing, closed_sprints(plan, progress, sprint_prefix))


def closed_sprints(plan: Plan, progress: Progress, sprint_prefix: str = "") -> list[str]:
    """Names of the closed sprints: those named like a plan sprint in its order, then the others in board order."""
    number = {sprint_prefix + s.name: s.number for s in plan.sprints}
    closed = [(number.get(s.name, len(number) + 1), position, s.name)
              for position, s in enumerate(progress.sprints) if s.state == "closed"]
    return [name for _, _, name in sorted(closed)]


def points_of(item: ItemProgress, plan: Plan) -> float:
    """An item's points: the tracker's, else the plan's likely value (0 for an unestimated added issue)."""
    if item.points is not None:
        return item.points
    try:
        return plan.story(item.key).estimate.likely
    except KeyError:
        return 0.0


def group(key: str, title: str, entries: Iterable[tuple[str, float]], planned_last: Optional[int] = None
          ) -> GroupProgress:
    """Tally (status, points) pairs; removed work is left out."""
    result = GroupProgress(key=key, title=title, planned_last_sprint=planned_last)
    for status, points in entries:
        if status == "removed":
            continue
        result.stories += 1
        result.points += points
        if status == "done":
            result.done_stories += 1
            result.done_points += points
        else:
            result.remaining_stories += 1
            result.remaining_points += points
            if status == "in_progress":
                result.in_progress_stories += 1
                result.in_progress_points += points
    for name in ("points", "done_points", "remaining_points", "in_progress_points"):
        setattr(result, name, round(getattr(result, name), 4))
    return result


def _entries(plan: Plan, matched: Matched, keys: list[str]) -> list[tuple[str, float]]:
    """(status, current points) of plan stories; one the tracker does not have counts as to do at its estimate."""
    out = []
    for key in keys:
        item = matched.stories.get(key)
        out.append((item.status, points_of(item, plan)) if item else ("todo", plan.story(key).estimate.likely))
    return out


def milestone_groups(plan: Plan, matched: Matched) -> list[GroupProgress]:
    """Progress per milestone of the plan: the stories that complete it."""
    return [group(m.key, m.title, _entries(plan, matched, m.stories), m.sprint) for m in plan.milestones]


def epic_groups(plan: Plan, matched: Matched) -> list[GroupProgress]:
    """Progress per epic of the plan (added issues in the epic they were added to), then added work elsewhere."""
    def entries(keys: list[str]) -> list[tuple[str, float]]:
        return _entries(plan, matched, keys)

    epic_keys = {e.key for e in plan.epics}
    groups = []
    for epic in plan.epics:
        extra = [(i.status, points_of(i, plan)) for i in matched.added if i.epic == epic.key]
        groups.append(group(epic.key, epic.title, entries(epic.stories) + extra, epic.last_sprint))
    outside = [(i.status, points_of(i, plan)) for i in matched.added if i.epic not in epic_keys]
    if outside:
        from sprintgen.tracking.remaining import ADDED_EPIC, ADDED_TITLE

        groups.append(group(ADDED_EPIC, ADDED_TITLE, outside))
    return groups


def total(groups: list[GroupProgress]) -> GroupProgress:
    """The whole plan: the sum of the groups."""
    result = GroupProgress(key="total", title="Whole plan")
    for name in GroupProgress.counted():
        setattr(result, name, round(sum(getattr(g, name) for g in groups), 4))
    return result


def velocities(plan: Plan, matched: Matched, capacities: Capacities) -> list[SprintVelocity]:
    """Completed points per closed sprint against the capacity and the planned load of the same plan sprint."""
    done_in: dict[str, float] = {}
    items = list(matched.stories.values()) + matched.added
    for item in items:
        if item.status == "done" and item.sprint is not None:
            done_in[item.sprint] = done_in.get(item.sprint, 0.0) + points_of(item, plan)
    planned = {s.number: s.load for s in plan.sprints}
    return [SprintVelocity(number=k, name=name, capacity=capacities(k), planned_points=planned.get(k, 0.0),
                           completed_points=round(done_in.get(name, 0.0), 4))
            for k, name in enumerate(matched.closed, start=1)]


def done_outside_closed(plan: Plan, matched: Matched) -> float:
    """Points done in a sprint that is not closed (the current one): they use part of the current sprint."""
    closed = set(matched.closed)
    return round(sum(points_of(i, plan) for i in list(matched.stories.values()) + matched.added
                     if i.status == "done" and i.sprint is not None and i.sprint not in closed), 4)


def scope_change(plan: Plan, matched: Matched) -> ScopeChange:
    """Planned points, then what was added, removed and re-estimated since, in points."""
    change = ScopeChange(planned_points=round(sum(s.estimate.likely for s in plan.stories), 4))
    for key, item in matched.stories.items():
        planned = plan.story(key).estimate.likely
        if item.status == "removed":
            change.removed.append(key)
            change.removed_points += planned
        elif item.points is not None and abs(item.points - planned) > 1e-9:
            change.reestimated.append(Reestimate(key=key, planned=planned, now=item.points))
            change.reestimated_points += item.points - planned
    for item in matched.added:
        if item.status == "removed":
            continue
        change.added.append(item.key)
        change.added_points += item.points or 0.0
        if item.points is None:
            change.unestimated.append(item.key)
    change.added_points = round(change.added_points, 4)
    change.removed_points = round(change.removed_points, 4)
    change.reestimated_points = round(change.reestimated_points, 4)
    change.current_points = round(change.planned_points + change.added_points - change.removed_points
                                  + change.reestimated_points, 4)
    return change


def slipped(plan: Plan, matched: Matched) -> list[Slip]:
    """Plan stories planned in a sprint that is now closed and not done (nor removed)."""
    out = []
    for story in plan.stories:
        if story.sprint is None or story.sprint > len(matched.closed):
            continue
        item = matched.stories.get(story.key)
        status = item.status if item else "todo"
        if status in ("done", "removed"):
            continue
        out.append(Slip(key=story.key, title=story.title, epic=story.epic, planned_sprint=story.sprint,
                        status=status, sprint=item.sprint if item else None, found=item is not None))
    return out
