"""From a backlog and a team to a Plan: sprint allocation, bounds and capacity checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sprintgen.scheduling import checks
from sprintgen.scheduling import solver
from sprintgen.scheduling.bounds import lower_bounds as _problem_bounds
from sprintgen.graph import DependencyGraph, build_graph, critical_path
from sprintgen.model import (Backlog, BacklogStory, Estimate, Plan, PlannedEpic, PlannedSprint, PlannedStory, Team,
                    TeamSummary)
from sprintgen.scheduling.skill_balance import balance_skills
from sprintgen.capacity import Capacities, sprint_dates


@dataclass
class PlanOptions:
    """Options that change how the plan is made (not what is planned)."""

    sprints: Optional[int] = None  # plan into exactly this many sprints; report what does not fit


def build_problem(backlog: Backlog, dag: DependencyGraph, team: Team, capacities: Capacities,
                  sprints: Optional[int] = None) -> tuple[solver.Problem, list[str]]:
    """The numeric packing problem of a backlog (tasks in the graph's order) and the story key of each task.

    The rank that breaks ties (and orders the final pass) is the priority the issue asks for: epic order in the
    profile, then the heaviest chain of dependents (critical path first), then profile order.
    """
    keys = dag.order
    index = {k: i for i, k in enumerate(keys)}
    stories = {s.key: s for s in backlog.stories}
    problem = solver.Problem(
        sizes=[stories[k].estimate.likely for k in keys],
        preds=[[index[d] for d in stories[k].depends_on] for k in keys],
        capacity=capacities,
        sequential=team.dependencies == "sequential",
        pinned={index[k]: stories[k].sprint for k in keys if stories[k].sprint is not None},
        max_sprints=sprints,
        steady_from=capacities.steady_from,
    )
    epic_rank = {e.key: i for i, e in enumerate(backlog.epics)}
    profile_rank = {s.key: i for i, s in enumerate(backlog.stories)}
    tail = solver.tail_weights(problem)
    by_priority = sorted(range(len(keys)), key=lambda i: (epic_rank.get(stories[keys[i]].epic, len(epic_rank)),
                                                          -tail[i], profile_rank[keys[i]]))
    rank = [0] * len(keys)
    for position, task in enumerate(by_priority):
        rank[task] = position
    problem.rank = rank
    return problem, keys


def make_plan(backlog: Backlog, team: Team, options: PlanOptions | None = None) -> Plan:
    """Allocate the backlog's stories to sprints under the team's capacity and check the result."""
    options = options or PlanOptions()
    dag = build_graph(backlog)
    capacities = Capacities(team)
    problem, keys = build_problem(backlog, dag, team, capacities, options.sprints)
    solution = solver.solve_plan(problem)
    assignment = solution.assignment
    sprint_of = {k: assignment[i] for i, k in enumerate(keys)}
    stories = {s.key: s for s in backlog.stories}
    if team.members and any(s.skills for s in backlog.stories):
        sprint_of = balance_skills(
            sprint_of, stories, {k: list(dag.graph.predecessors(k)) for k in keys},
            {k: list(dag.graph.successors(k)) for k in keys}, team, capacities,
            team.dependencies == "sequential", {s.key: i for i, s in enumerate(backlog.stories)})

    weights = {k: stories[k].estimate.likely for k in keys}
    path, path_points = critical_path(dag, weights)
    on_path = set(path)
    total = _sum_estimates([s.estimate for s in backlog.stories])
    used = max([s for s in sprint_of.values() if s is not None], default=0)
    count = options.sprints if options.sprints is not None else used
    by_sprint: dict[int, list[str]] = {}
    for key in backlog_order(backlog):  # profile order within a sprint
        if sprint_of[key] is not None:
            by_sprint.setdefault(sprint_of[key], []).append(key)
    sprints = []
    for number in range(1, count + 1):
        members = by_sprint.get(number, [])
        start, end = sprint_dates(team, number)
        sprints.append(PlannedSprint.model_construct(
            number=number, name=f"Sprint {number}", start=start, end=end, capacity=capacities(number),
            load=round(sum(weights[k] for k in members), 4), stories=members,
        ))
    planned_stories = [_planned(s, sprint_of[s.key], s.key in on_path) for s in backlog.stories]
    epics = []
    for epic in backlog.epics:
        epic_sprints = [sprint_of[k] for k in epic.stories if sprint_of[k] is not None]
        epics.append(PlannedEpic(
            key=epic.key, title=epic.title, goal=epic.goal, definition_of_done=epic.definition_of_done,
            stories=epic.stories, estimate=_sum_estimates([stories[k].estimate for k in epic.stories]),
            first_sprint=min(epic_sprints, default=None), last_sprint=max(epic_sprints, default=None),
        ))
    bounds = dict(solution.bounds) or _problem_bounds(problem)
    unlimited_count = max((s for s in assignment if s is not None), default=0)
    if solution.proven_minimum and options.sprints is None and unlimited_count > max(bounds.values(), default=0):
        bounds["search"] = unlimited_count  # the exhaustive search showed that no plan uses fewer sprints
    plan = Plan(
        profile={"id": backlog.profile_id, "name": backlog.profile_name, "description": backlog.description,
                 "source": display_source(backlog.source), "parameters": backlog.parameters},
        team=TeamSummary(name=team.name, velocity=team.velocity, focus_factor=team.focus_factor,
                         sprint_length_days=team.sprint.length_days, start=team.sprint.start,
                         dependencies=team.dependencies, members=team.members, points_scale=team.points_scale),
        sprints=[],
        epics=epics,
        stories=[],
        risks=backlog.risks,
        assumptions=backlog.assumptions,
        definition_of_done=backlog.definition_of_done,
        critical_path=path,
        critical_path_points=round(path_points, 4),
        lower_bound_sprints=max(bounds.values(), default=0),
        lower_bounds=bounds,
        total_estimate=total,
        end_date=sprints[-1].end if sprints else None,
    )
    # built without re-validating thousands of already-valid stories (the scale benchmark's hot spot)
    plan.sprints = sprints
    plan.stories = planned_stories
    plan.findings = checks.run_checks(plan, team, capacities)
    return plan


_STORY_FIELDS = [name for name in BacklogStory.model_fields if name != "sprint"]


def _planned(story: BacklogStory, sprint: Optional[int], critical: bool) -> PlannedStory:
    """A planned story from a (validated) backlog story, without validating it again."""
    values = {name: getattr(story, name) for name in _STORY_FIELDS}
    return PlannedStory.model_construct(**values, sprint=sprint, critical=critical, pinned=story.sprint is not None)


def display_source(path: str) -> str:
    """Where a profile came from, without machine-specific paths: 'built-in', or the path as relative as possible."""
    from pathlib import Path

    from sprintgen.profiles.discovery import builtin_profiles_dir

    resolved = Path(path).resolve()
    if resolved.parent == builtin_profiles_dir().resolve():
        return "built-in"
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def backlog_order(backlog: Backlog) -> list[str]:
    """Story keys in profile order (epic order, then story order)."""
    return [s.key for s in backlog.stories]


def _sum_estimates(estimates: list[Estimate]) -> Estimate:
    return Estimate(
        low=round(sum(e.low for e in estimates), 4),
        likely=round(sum(e.likely for e in estimates), 4),
        high=round(sum(e.high for e in estimates), 4),
    )
