"""From a backlog and a team to a Plan: sprint allocation, bounds and capacity checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import checks, solver
from .graph import DependencyGraph, build_graph, critical_path, longest_chain
from .model import Backlog, Estimate, Plan, PlannedEpic, PlannedSprint, PlannedStory, Team, TeamSummary
from .team import Capacities, sprint_dates


@dataclass
class PlanOptions:
    """Options that change how the plan is made (not what is planned)."""

    sprints: Optional[int] = None  # plan into exactly this many sprints; report what does not fit


def capacity_bound(total: float, capacities: Capacities, limit: int) -> int:
    """The fewest sprints whose summed capacity holds `total` points."""
    if total <= solver.EPS:
        return 0
    running = 0.0
    for number in range(1, limit + 1):
        running += capacities(number)
        if running >= total - solver.EPS:
            return number
    return limit


def make_plan(backlog: Backlog, team: Team, options: PlanOptions | None = None) -> Plan:
    """Allocate the backlog's stories to sprints under the team's capacity and check the result."""
    options = options or PlanOptions()
    dag = build_graph(backlog)
    capacities = Capacities(team)
    keys = dag.order
    index = {k: i for i, k in enumerate(keys)}
    stories = {s.key: s for s in backlog.stories}
    profile_rank = {s.key: i for i, s in enumerate(backlog.stories)}
    problem = solver.Problem(
        sizes=[stories[k].estimate.likely for k in keys],
        preds=[[index[d] for d in stories[k].depends_on] for k in keys],
        capacity=capacities,
        sequential=team.dependencies == "sequential",
        rank=[profile_rank[k] for k in keys],
        pinned={index[k]: stories[k].sprint for k in keys if stories[k].sprint is not None},
        max_sprints=options.sprints,
        steady_from=capacities.steady_from,
    )
    assignment = solver.solve(problem)
    sprint_of = {k: assignment[index[k]] for k in keys}

    weights = {k: stories[k].estimate.likely for k in keys}
    path, path_points = critical_path(dag, weights)
    on_path = set(path)
    total = _sum_estimates([s.estimate for s in backlog.stories])
    used = max([s for s in sprint_of.values() if s is not None], default=0)
    count = options.sprints if options.sprints is not None else used
    sprints = []
    for number in range(1, count + 1):
        members = [k for k in backlog_order(backlog) if sprint_of[k] == number]
        start, end = sprint_dates(team, number)
        sprints.append(PlannedSprint(
            number=number, name=f"Sprint {number}", start=start, end=end, capacity=capacities(number),
            load=round(sum(weights[k] for k in members), 4), stories=members,
        ))
    planned_stories = [
        PlannedStory(**s.model_dump(exclude={"sprint"}), sprint=sprint_of[s.key], critical=s.key in on_path)
        for s in backlog.stories
    ]
    epics = []
    for epic in backlog.epics:
        epic_sprints = [sprint_of[k] for k in epic.stories if sprint_of[k] is not None]
        epics.append(PlannedEpic(
            key=epic.key, title=epic.title, goal=epic.goal, definition_of_done=epic.definition_of_done,
            stories=epic.stories, estimate=_sum_estimates([stories[k].estimate for k in epic.stories]),
            first_sprint=min(epic_sprints, default=None), last_sprint=max(epic_sprints, default=None),
        ))
    bounds = lower_bounds(backlog, dag, capacities, problem)
    plan = Plan(
        profile={"id": backlog.profile_id, "name": backlog.profile_name, "description": backlog.description,
                 "source": display_source(backlog.source), "parameters": backlog.parameters},
        team=TeamSummary(name=team.name, velocity=team.velocity, focus_factor=team.focus_factor,
                         sprint_length_days=team.sprint.length_days, start=team.sprint.start,
                         dependencies=team.dependencies, members=team.members),
        sprints=sprints,
        epics=epics,
        stories=planned_stories,
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
    plan.findings = checks.run_checks(plan, team, dag, capacities)
    return plan


def display_source(path: str) -> str:
    """Where a profile came from, without machine-specific paths: 'built-in', or the path as relative as possible."""
    from pathlib import Path

    from .sources import builtin_profiles_dir

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


def lower_bounds(backlog: Backlog, dag: DependencyGraph, capacities: Capacities, problem: solver.Problem
                 ) -> dict[str, int]:
    """Bounds no plan can beat: total work over capacity, and (sequential) the longest chain of stories."""
    total = sum(problem.sizes)
    limit = solver.max_sprint_count(problem)
    bounds = {"capacity": capacity_bound(total, capacities, limit)}
    if problem.sequential:
        bounds["dependency_chain"] = longest_chain(dag)
    if problem.pinned:
        bounds["pinned"] = max(problem.pinned.values())
    return bounds


def _sum_estimates(estimates: list[Estimate]) -> Estimate:
    return Estimate(
        low=round(sum(e.low for e in estimates), 4),
        likely=round(sum(e.likely for e in estimates), 4),
        high=round(sum(e.high for e in estimates), 4),
    )
