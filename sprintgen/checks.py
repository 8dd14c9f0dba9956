"""Capacity checks on a plan: each finding has a code, a level and a message a team can act on.

Codes (stable; documented in README.md):
  story-too-large      a story larger than every sprint's capacity (split it)
  sprint-over-capacity a sprint loaded above its capacity
  not-planned          a story that did not fit in the sprints allowed (--sprints)
  dependency-order     a story planned before (or, in sequential mode, with) a story it depends on
  pinned-late          a story pinned earlier than its dependencies allow
  skill-missing        a skill stories need that no member has
  critical-path        the chain of dependent stories that sets the earliest finish
  dependency-bound     the plan's length is set by dependencies rather than capacity
"""

from __future__ import annotations

from .graph import DependencyGraph
from .model import Finding, Plan, Team, format_points
from .team import Capacities

EPS = 1e-9


def run_checks(plan: Plan, team: Team, dag: DependencyGraph, capacities: Capacities) -> list[Finding]:
    """Every finding for a plan, errors first, in a stable order."""
    findings: list[Finding] = []
    findings += _too_large(plan, capacities)
    findings += _over_capacity(plan)
    findings += _not_planned(plan)
    findings += _dependency_order(plan, team)
    findings += _skills(plan, team)
    findings += _critical_path(plan)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.level])


def _too_large(plan: Plan, capacities: Capacities) -> list[Finding]:
    out = []
    largest = max([s.capacity for s in plan.sprints] + [capacities.regular()])
    for story in plan.stories:
        if story.estimate.likely > largest + EPS:
            out.append(Finding(
                level="warning", code="story-too-large", stories=[story.key], sprint=story.sprint,
                message=(f"{story.key} ({format_points(story.estimate.likely)} points) is larger than any sprint's "
                         f"capacity ({format_points(largest)}); split it into stories that fit in one sprint"),
            ))
    return out


def _over_capacity(plan: Plan) -> list[Finding]:
    return [
        Finding(level="warning", code="sprint-over-capacity", sprint=s.number, stories=list(s.stories),
                message=(f"{s.name} is loaded with {format_points(s.load)} points, over its capacity of "
                         f"{format_points(s.capacity)} (+{format_points(round(s.load - s.capacity, 4))})"))
        for s in plan.sprints if s.load > s.capacity + EPS
    ]


def _not_planned(plan: Plan) -> list[Finding]:
    missing = [s for s in plan.stories if s.sprint is None]
    if not missing:
        return []
    points = sum(s.estimate.likely for s in missing)
    return [Finding(
        level="error", code="not-planned", stories=[s.key for s in missing],
        message=(f"{len(missing)} stories ({format_points(round(points, 4))} points) do not fit in "
                 f"{len(plan.sprints)} sprints: {', '.join(s.key for s in missing[:5])}"
                 + (" ..." if len(missing) > 5 else "") + "; add sprints or cut scope"),
    )]


def _dependency_order(plan: Plan, team: Team) -> list[Finding]:
    sprint_of = {s.key: s.sprint for s in plan.stories}
    out = []
    for story in plan.stories:
        if story.sprint is None:
            continue
        for dep in story.depends_on:
            dep_sprint = sprint_of.get(dep)
            if dep_sprint is None:
                continue
            late = dep_sprint > story.sprint or (team.dependencies == "sequential" and dep_sprint == story.sprint)
            if late:
                out.append(Finding(
                    level="warning", code="dependency-order", sprint=story.sprint, stories=[story.key, dep],
                    message=(f"{story.key} (sprint {story.sprint}) depends on {dep} (sprint {dep_sprint}); "
                             "move the pin or the dependency"),
                ))
    return out


def _skills(plan: Plan, team: Team) -> list[Finding]:
    if not team.members:
        return []
    held = {skill for member in team.members for skill in member.skills}
    needed: dict[str, list] = {}
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
                     f"({format_points(round(points, 4))} points); add it to a member, hire or train"),
        ))
    return out


def _critical_path(plan: Plan) -> list[Finding]:
    if not plan.critical_path:
        return []
    out = [Finding(
        level="info", code="critical-path", stories=list(plan.critical_path),
        message=(f"critical path: {len(plan.critical_path)} stories, {format_points(plan.critical_path_points)} "
                 f"points: {' -> '.join(plan.critical_path)}"),
    )]
    chain = plan.lower_bounds.get("dependency_chain", 0)
    if chain and chain > plan.lower_bounds.get("capacity", 0) and len(plan.sprints) <= chain:
        out.append(Finding(
            level="info", code="dependency-bound",
            message=(f"the plan's length ({len(plan.sprints)} sprints) is set by dependencies: the longest chain "
                     f"has {chain} stories, while capacity alone would need {plan.lower_bounds['capacity']}; "
                     "more people will not finish it sooner, splitting chained stories or working them "
                     "concurrently will"),
        ))
    return out
