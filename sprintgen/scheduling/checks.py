"""Capacity checks on a plan: each finding has a code, a level and a message a team can act on.

Codes (stable; documented in README.md, "Scheduling and capacity checks"):
  not-planned          error    stories that did not fit in the sprints allowed (--sprints, or a pin past them)
  story-too-large      warning  a story larger than every sprint's capacity (split it)
  sprint-over-capacity warning  a sprint loaded above its capacity (pins, a sprint the team file lowers); an error
                                when the scheduler overfilled it to keep pins and dependencies (no plan within
                                capacity keeps them, or none was found)
  pinned-late          warning  a story pinned to a sprint before (sequential: or in) the sprint of a dependency,
                                only when no plan can keep the pin (the message names the chain of blockers)
  skill-missing        warning  a skill stories need that no member has, with the stories and points
  skill-overload       warning  a sprint whose points on one skill exceed what the members holding it can carry
                                (a story needing several skills puts an equal share of its points on each)
  critical-path        info     the chain of dependent stories that sets the earliest finish
  dependency-bound     info     the plan's length is set by dependencies rather than capacity
  above-lower-bound    info     the plan uses more sprints than the lower bound it was measured against
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sprintgen.capacity import Capacities
from sprintgen.model import EPS, Finding, Plan, PlannedStory, Team, format_points, round_points
from sprintgen.scheduling.skill_load import SkillLoads

LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class ScheduleNotes:
    """What the scheduler proved or had to do about the pins, for the findings to explain."""

    late_pins: dict[str, str] = field(default_factory=dict)  # pinned story -> why no plan keeps its blockers before
    overfilled: list[int] = field(default_factory=list)  # sprints overfilled to keep pins and dependencies
    overfill_reason: Optional[str] = None  # the capacity proof that no plan within capacity keeps them, if any


def run_checks(plan: Plan, team: Team, capacities: Capacities, notes: ScheduleNotes | None = None
               ) -> list[Finding]:
    """Every finding for a plan, errors first, in a stable order."""
    notes = notes or ScheduleNotes()
    findings: list[Finding] = []
    findings += _not_planned(plan)
    too_large = _too_large(plan, capacities)
    findings += too_large
    findings += _over_capacity(plan, {f.stories[0] for f in too_large}, notes)
    findings += _dependency_order(plan, team, notes)
    findings += _skills_missing(plan, team)
    findings += _skill_overload(plan, team)
    findings += _critical_path(plan)
    findings += _above_bound(plan)
    return sorted(findings, key=lambda f: LEVEL_ORDER[f.level])


def _points(value: float) -> str:
    return format_points(round_points(value))


def _too_large(plan: Plan, capacities: Capacities) -> list[Finding]:
    out = []
    largest = max([s.capacity for s in plan.sprints] + [capacities.regular()])
    for story in plan.stories:
        if story.estimate.likely > largest + EPS:
            out.append(Finding(
                level="warning", code="story-too-large", stories=[story.key], sprint=story.sprint,
                message=(f"{story.key} ({_points(story.estimate.likely)} points) is larger than any sprint's "
                         f"capacity ({_points(largest)}); it is planned alone in a sprint: split it into stories "
                         "that fit in one sprint"),
            ))
    return out


def _over_capacity(plan: Plan, too_large: set[str], notes: ScheduleNotes) -> list[Finding]:
    """Sprints above capacity, except one holding a single too-large story alone (reported as story-too-large).

    A sprint the scheduler overfilled to keep the pins and dependencies is an error: the plan cannot be committed
    to as it is."""
    out = []
    for s in plan.sprints:
        if s.load <= s.capacity + EPS or (len(s.stories) == 1 and s.stories[0] in too_large):
            continue
        message = (f"{s.name} is loaded with {_points(s.load)} points, over its capacity of "
                   f"{_points(s.capacity)} (+{_points(s.load - s.capacity)})")
        if s.number in notes.overfilled:
            why = (f"no plan within capacity exists: {notes.overfill_reason}" if notes.overfill_reason
                   else "no plan within capacity was found")
            out.append(Finding(level="error", code="sprint-over-capacity", sprint=s.number, stories=list(s.stories),
                               message=(f"{message}, to plan the blockers of pinned stories before them; {why}; "
                                        "pin them later, add capacity or cut scope")))
        else:
            out.append(Finding(level="warning", code="sprint-over-capacity", sprint=s.number,
                               stories=list(s.stories), message=message))
    return out


def _not_planned(plan: Plan) -> list[Finding]:
    missing = [s for s in plan.stories if s.sprint is None]
    if not missing:
        return []
    points = sum(s.estimate.likely for s in missing)
    return [Finding(
        level="error", code="not-planned", stories=[s.key for s in missing],
        message=(f"{len(missing)} stories ({_points(points)} points) do not fit in "
                 f"{len(plan.sprints)} sprints: {', '.join(s.key for s in missing[:5])}"
                 + (" ..." if len(missing) > 5 else "") + "; add sprints or cut scope"),
    )]


def _dependency_order(plan: Plan, team: Team, notes: ScheduleNotes) -> list[Finding]:
    """Dependencies a pin forces out of order. The scheduler plans the blockers of a pinned story before it
    whenever any plan can (the validation pass makes sure), so each case is a pin no plan can keep, with the chain
    that proves it, or a blocker `--sprints` left out."""
    by_key = {s.key: s for s in plan.stories}
    sequential = team.dependencies == "sequential"
    out = []
    for story in plan.stories:
        if story.sprint is None:
            continue
        for dep in story.depends_on:
            blocker = by_key.get(dep)
            if blocker is None:
                continue
            if blocker.sprint is None:  # only a pin plans a story whose blocker did not fit (--sprints)
                out.append(Finding(
                    level="warning", code="pinned-late", sprint=story.sprint, stories=[story.key, dep],
                    message=(f"{story.key} is pinned to sprint {story.sprint}, but {dep}, which it depends on, "
                             "is not planned; add sprints or drop the pin"),
                ))
                continue
            if blocker.sprint < story.sprint or (blocker.sprint == story.sprint and not sequential):
                continue
            relation = "the same sprint as" if blocker.sprint == story.sprint else "a sprint before"
            why = f"; no plan can keep the pin: {notes.late_pins[story.key]}" if story.key in notes.late_pins else ""
            out.append(Finding(
                level="warning", code="pinned-late", sprint=story.sprint, stories=[story.key, dep],
                message=(f"{story.key} is pinned to sprint {story.sprint}, {relation} {dep} (sprint "
                         f"{blocker.sprint}), which it depends on{why}; pin it later or drop the pin"),
            ))
    return out


def _skills_missing(plan: Plan, team: Team) -> list[Finding]:
    if not team.members:
        return []
    held = {skill for member in team.members for skill in member.skills}
    needed: dict[str, list[PlannedStory]] = {}
    for story in plan.stories:
        for skill in story.skills:
            if skill not in held:
                needed.setdefault(skill, []).append(story)
    out = []
    for skill, stories in sorted(needed.items()):
        points = sum(s.estimate.likely for s in stories)
        out.append(Finding(
            level="warning", code="skill-missing", stories=[s.key for s in stories],
            message=(f"no team member has the skill '{skill}', needed by {len(stories)} stories "
                     f"({_points(points)} points): {', '.join(s.key for s in stories[:5])}"
                     + (" ..." if len(stories) > 5 else "") + "; add it to a member, hire or train"),
        ))
    return out


def _skill_overload(plan: Plan, team: Team) -> list[Finding]:
    """Per sprint and skill: the points needing it against what the members holding it can carry that sprint
    (the rule of `skill_load`, the one the balancing pass relieves)."""
    if not team.members:
        return []
    loads = SkillLoads(team, {s.key: s for s in plan.stories})
    out = []
    for sprint in plan.sprints:
        load = loads.load(sprint.stories)
        for skill in sorted(load):
            if loads.overload(skill, load[skill], sprint.number) > EPS:
                needing = [k for k in sprint.stories if skill in loads.shares(k)]
                names = ", ".join(m.name for m in loads.holders[skill])
                out.append(Finding(
                    level="warning", code="skill-overload", sprint=sprint.number, stories=needing,
                    skill=skill, need=round(load[skill], 4), carry=round(loads.carry(skill, sprint.number), 4),
                    message=(f"{sprint.name} needs {_points(load[skill])} points of '{skill}' but its holders "
                             f"({names}) can carry {_points(loads.carry(skill, sprint.number))}; move some of these "
                             "stories to another sprint, pair up, or train another member"),
                ))
    return out


def _critical_path(plan: Plan) -> list[Finding]:
    if not plan.critical_path:
        return []
    out = [Finding(
        level="info", code="critical-path", stories=list(plan.critical_path),
        message=(f"critical path: {len(plan.critical_path)} stories, {_points(plan.critical_path_points)} "
                 f"points: {' -> '.join(plan.critical_path)}"),
    )]
    chain = plan.lower_bounds.get("dependency_chain", 0)
    others = max([v for k, v in plan.lower_bounds.items() if k != "dependency_chain"], default=0)
    used = max([s.sprint for s in plan.stories if s.sprint is not None], default=0)
    everything = all(s.sprint is not None for s in plan.stories)
    if chain and chain > others and used == chain and everything:
        out.append(Finding(
            level="info", code="dependency-bound",
            message=(f"the plan's length ({len(plan.sprints)} sprints) is set by dependencies: its chains of "
                     f"dependent stories need {chain} sprints, while capacity alone would need {others}; more "
                     "people will not finish it sooner, splitting chained stories or cutting dependencies will"),
        ))
    return out


def _above_bound(plan: Plan) -> list[Finding]:
    used = max([s.sprint for s in plan.stories if s.sprint is not None], default=0)
    if used <= plan.lower_bound_sprints or not plan.lower_bounds:
        return []
    kind = max(plan.lower_bounds, key=lambda k: plan.lower_bounds[k])
    return [Finding(
        level="info", code="above-lower-bound",
        message=(f"the plan uses {used} sprints; no plan can use fewer than {plan.lower_bound_sprints} "
                 f"({kind.replace('_', ' ')} bound); no plan reaching it was found, and it may not exist"),
    )]
