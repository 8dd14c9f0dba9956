"""What the plan wants in Jira: one DesiredIssue per epic, story and (optionally) Definition-of-Done sub-task.

Every issue sprintgen creates carries a stable identity: the plan label `sprintgen-<profile>` (searchable by JQL) and
the issue property `sprintgen` holding {identity, profile, digests}. `digests` records what was last pushed for each
field, so a later push changes a field only when the plan's value for it changed, and leaves alone edits people made
in Jira to fields the plan did not change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Optional

from sprintgen.model import Plan, format_points, on_scale
from sprintgen.tracker.markup import Description, Section
from sprintgen.tracker.sprints import board_sprint_name

PROPERTY_KEY = "sprintgen"
SUMMARY_LIMIT = 255  # Jira refuses longer summaries

#: Fields whose last-pushed value is tracked (digest) and updated when the plan's value changes.
TRACKED_FIELDS = ("summary", "description", "labels", "points")


@dataclass(frozen=True)
class DesiredIssue:
    """One issue as the plan wants it."""

    identity: str  # "epic:<key>", "story:<key>" or "task:<story key>#<n>"
    kind: str  # "epic" | "story" | "subtask"
    summary: str
    description: Description
    labels: tuple[str, ...]
    points: Optional[float] = None
    epic: Optional[str] = None  # identity of the story's epic
    parent: Optional[str] = None  # identity of the sub-task's story
    sprint: Optional[str] = None  # sprint name on the board
    blockers: tuple[str, ...] = ()  # identities of the stories this one waits for
    plan_key: str = ""  # the key people read in the preview (story or epic key)

    def values(self) -> dict[str, Any]:
        """The tracked fields' plan values, markup-independent."""
        return {
            "summary": self.summary,
            "description": [self.description.paragraphs, [(s.title, s.items) for s in self.description.checklists],
                            self.description.footer],
            "labels": sorted(self.labels),
            "points": self.points,
        }

    def digests(self) -> dict[str, str]:
        """A short digest per tracked field (stored in the issue property, compared on the next push)."""
        return {name: digest(value) for name, value in self.values().items()}

    def property_value(self, profile: str) -> dict[str, Any]:
        """The `sprintgen` issue property: identity plus the digests of what is being pushed."""
        return {"identity": self.identity, "profile": profile, "digests": self.digests()}


def digest(value: Any) -> str:
    """A stable short digest of a JSON-able value."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_label(profile_id: str) -> str:
    """The label every issue of this plan carries (and the JQL search key)."""
    return "sprintgen-" + clean_label(profile_id)


def clean_label(text: str) -> str:
    """A Jira label: no whitespace (Jira splits labels on it)."""
    return re.sub(r"\s+", "-", text.strip())


def desired_issues(plan: Plan, *, sprint_prefix: str = "", dod_as_subtasks: bool = False,
                   with_sprints: bool = True, schedule: Optional[Plan] = None,
                   staying: frozenset[str] = frozenset()) -> list[DesiredIssue]:
    """Epics first, then stories (profile order), then DoD sub-tasks: the order they must be created in.

    `schedule` (default: the plan itself) says which sprint each story goes to: mid-project it is the re-plan of the
    remaining work (replan.replan_remaining). Stories in `staying` get no sprint: the push leaves theirs alone."""
    profile_id = str(plan.profile.get("id", "plan"))
    label = plan_label(profile_id)
    schedule = schedule or plan
    sprint_names = {s.number: board_sprint_name(sprint_prefix, s.number) for s in schedule.sprints}
    sprint_of = {s.key: s.sprint for s in schedule.stories}
    footer = (f"Managed by sprintgen (profile {profile_id}). Change the profile and push again: sprintgen updates the "
              "fields it manages when the plan changes.")
    issues: list[DesiredIssue] = []
    for epic in plan.epics:
        identity = f"epic:{epic.key}"
        issues.append(DesiredIssue(
            identity=identity, kind="epic", summary=_summary(epic.title), plan_key=epic.key,
            description=Description(
                paragraphs=tuple(p for p in (epic.goal,) if p),
                checklists=(Section("Definition of Done (every story of this epic)", tuple(epic.definition_of_done)),),
                footer=footer, anchor=identity),
            labels=(label,),
        ))
    for story in plan.stories:
        identity = f"story:{story.key}"
        checklists = [Section("Acceptance criteria", tuple(story.acceptance))]
        if not dod_as_subtasks:
            checklists.append(Section("Definition of Done", tuple(story.definition_of_done)))
        number = sprint_of.get(story.key)
        sprint = (sprint_names.get(number) if with_sprints and number is not None and story.key not in staying
                  else None)
        issues.append(DesiredIssue(
            identity=identity, kind="story", summary=_summary(story.title), plan_key=story.key,
            description=Description(
                paragraphs=tuple(p for p in (story.description, _estimate_note(story, plan.team.points_scale)) if p),
                checklists=tuple(checklists), footer=footer, anchor=identity),
            labels=tuple(dict.fromkeys([label, *(clean_label(x) for x in story.labels if x.strip())])),
            points=on_scale(story.estimate.likely, plan.team.points_scale), epic=f"epic:{story.epic}", sprint=sprint,
            blockers=tuple(f"story:{key}" for key in story.depends_on),
        ))
    if dod_as_subtasks:
        for story in plan.stories:
            for number, item in enumerate(story.definition_of_done, start=1):
                identity = f"task:{story.key}#{number}"
                issues.append(DesiredIssue(
                    identity=identity, kind="subtask", summary=_summary(item), plan_key=f"{story.key} DoD {number}",
                    description=Description(paragraphs=(f"Definition of Done of {story.key}.",), footer=footer,
                                            anchor=identity),
                    labels=(label,), parent=f"story:{story.key}",
                ))
    return issues


def _estimate_note(story: Any, scale: str = "decimal") -> str:
    points = on_scale(story.estimate.likely, scale)
    if story.estimate.low == story.estimate.high and points == story.estimate.likely:
        return ""
    where = "the likely value" if points == story.estimate.likely else f"the likely value on the team's {scale} scale"
    low, high = story.estimate.low, story.estimate.high
    written = format_points(low) if low == high else f"{format_points(low)}-{format_points(high)}"
    return f"Estimate: {written} points (story points set to {where}, {format_points(points)})."


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"
