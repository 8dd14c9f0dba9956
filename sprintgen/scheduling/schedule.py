"""From a backlog and a team to a Plan, in phases: the numeric problem, the solver, skill balancing, the
validation pass (a plan breaking a rule it must keep is a bug, never output), the Plan model, bounds and checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sprintgen.capacity import Capacities, base_capacity, sprint_dates
from sprintgen.graph import DependencyGraph, build_graph, critical_path, milestone_ranks
from sprintgen.model import (Backlog, BacklogStory, Estimate, Plan, PlannedEpic, PlannedMilestone, PlannedSprint,
                             PlannedStory, Team, TeamSummary, round_points)
from sprintgen.scheduling import checks, solver
from sprintgen.scheduling.bounds import lower_bounds
from sprintgen.scheduling.problem import Problem, tail_weights
from sprintgen.scheduling.skill_balance import balance_skills
from sprintgen.scheduling.validate import check_plan


@dataclass
class PlanOptions:
    """Options that change how the plan is made (not what is planned)."""

    sprints: Optional[int] = None  # plan into exactly this many sprints; report what does not fit


def build_problem(backlog: Backlog, dag: DependencyGraph, team: Team, capacities: Capacities,
                  sprints: Optional[int] = None) -> tuple[Problem, list[str]]:
    """The numeric packing problem of a backlog (tasks in the graph's order) and the story key of each task.

    The rank that breaks ties (and orders the final pass) is the priority the issue asks for: the first milestone a
    story is needed for (a thin slice comes before the rest), then epic order in the profile, then the heaviest
    chain of dependents (critical path first), then profile order.
    """
    keys = dag.order
    index = {k: i for i, k in enumerate(keys)}
    stories = {s.key: s for s in backlog.stories}
    problem = Problem(
        sizes=[stories[k].estimate.likely for k in keys],
        preds=[[index[d] for d in stories[k].depends_on] for k in keys],
        capacity=capacities,
        sequential=team.dependencies == "sequential",
        pinned={index[k]: stories[k].sprint for k in keys if stories[k].sprint is not None},
        max_sprints=sprints,
        steady_from=capacities.steady_from,
    )
    milestone_rank = milestone_ranks(backlog, dag)
    epic_rank = {e.key: i for i, e in enumerate(backlog.epics)}
    profile_rank = {s.key: i for i, s in enumerate(backlog.stories)}
    tail = tail_weights(problem)
    by_priority = sorted(range(len(keys)), key=lambda i: (milestone_rank.get(keys[i], len(backlog.milestones)),
                                                          epic_rank.get(stories[keys[i]].epic, len(epic_rank)),
                                                          -tail[i], profile_rank[keys[i]]))
    rank = [0] * len(keys)
    for position, task in enumerate(by_priority):
        rank[task] = position
    problem.rank = rank
    if backlog.milestones:
        problem.milestone = [milestone_rank.get(k, len(backlog.milestones)) for k in keys]
    return problem, keys


def planned_milestones(backlog: Backlog, sprint_of: dict[str, Optional[int]],
                       sprints: list[PlannedSprint]) -> list[PlannedMilestone]:
    """Each milestone reached in the sprint its last story is planned in, and that sprint's end date."""
    end_of = {s.number: s.end for s in sprints}
    out = []
    for milestone in backlog.milestones:
        planned = [sprint_of.get(k) for k in milestone.stories]
        sprint = None if None in planned else max(planned)
        out.append(PlannedMilestone(key=milestone.key, title=milestone.title, stories=milestone.stories,
                                    sprint=sprint, date=end_of.get(sprint)))
    return out


def make_plan(backlog: Backlog, team: Team, options: PlanOptions | None = None) -> Plan:
    """Allocate the backlog's stories to sprints under the team's capacity and check the result."""
    options = options or PlanOptions()
    dag = build_graph(backlog)
    capacities = Capacities(team)
    problem, keys = build_problem(backlog, dag, team, capacities, options.sprints)
    solution = solver.solve_plan(problem)
    sprint_of = _balanced(backlog, dag, team, capacities, keys, solution.assignment)
    check_plan(problem, [sprint_of[k] for k in keys], solution.pins.relaxed, solution.overfilled, keys)
    plan = _assemble(backlog, team, dag, capacities, sprint_of, options.sprints)
    plan.lower_bounds = _bounds(problem, solution, options.sprints)
    plan.lower_bound_sprints = max(plan.lower_bounds.values(), default=0)
    plan.findings = checks.run_checks(plan, team, capacities, _schedule_notes(solution, keys))
    return plan


def _balanced(backlog: Backlog, dag: DependencyGraph, team: Team, capacities: Capacities, keys: list[str],
              assignment: list[Optional[int]]) -> dict[str, Optional[int]]:
    """The solver's sprints by story key, with skill-heavy work spread when the team lists members' skills."""
    sprint_of = {k: assignment[i] for i, k in enumerate(keys)}
    if not (team.members and any(s.skills for s in backlog.stories)):
        return sprint_of
    return balance_skills(sprint_of, {s.key: s for s in backlog.stories},
                          {k: list(dag.graph.predecessors(k)) for k in keys},
                          {k: list(dag.graph.successors(k)) for k in keys}, team, capacities,
                          team.dependencies == "sequential", {s.key: i for i, s in enumerate(backlog.stories)})


def _bounds(problem: Problem, solution: solver.Solution, sprints: Optional[int]) -> dict[str, int]:
    """The lower bounds, with `search` when the exhaustive search proved more than the others."""
    bounds = dict(solution.bounds) or lower_bounds(problem)
    unlimited_count = max((s for s in solution.assignment if s is not None), default=0)
    if solution.proven_minimum and sprints is None and unlimited_count > max(bounds.values(), default=0):
        bounds["search"] = unlimited_count  # the exhaustive search showed that no plan uses fewer sprints
    return bounds


def _schedule_notes(solution: solver.Solution, keys: list[str]) -> checks.ScheduleNotes:
    """What the solver proved about the pins, by story key, for the checks to explain."""
    name = keys.__getitem__
    analysis = solution.pins
    return checks.ScheduleNotes(
        late_pins={keys[t]: analysis.describe(t, name) for t in analysis.relaxed},
        overfilled=list(solution.overfilled),
        overfill_reason=(analysis.capacity_proof + " (" + ", ".join(keys[t] for t in analysis.capacity_stories) + ")"
                         if analysis.capacity_proof else None),
    )


def _assemble(backlog: Backlog, team: Team, dag: DependencyGraph, capacities: Capacities,
              sprint_of: dict[str, Optional[int]], fixed: Optional[int]) -> Plan:
    """The Plan model: sprints with their dates, capacity and load, epics, stories, the critical path."""
    stories = {s.key: s for s in backlog.stories}
    weights = {k: stories[k].estimate.likely for k in dag.order}
    path, path_points = critical_path(dag, weights)
    on_path = set(path)
    used = max([s for s in sprint_of.values() if s is not None], default=0)
    count = fixed if fixed is not None else used
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
            load=round_points(sum(weights[k] for k in members)), stories=members,
        ))
    epics = []
    for epic in backlog.epics:
        epic_sprints = [sprint_of[k] for k in epic.stories if sprint_of[k] is not None]
        epics.append(PlannedEpic(
            key=epic.key, title=epic.title, goal=epic.goal, definition_of_done=epic.definition_of_done,
            stories=epic.stories, estimate=_sum_estimates([stories[k].estimate for k in epic.stories]),
            first_sprint=min(epic_sprints, default=None), last_sprint=max(epic_sprints, default=None),
        ))
    plan = Plan(
        profile={"id": backlog.profile_id, "name": backlog.profile_name, "description": backlog.description,
                 "source": backlog.source_label or backlog.source, "parameters": backlog.parameters},
        team=TeamSummary(name=team.name, velocity=base_capacity(team), capacity_per_sprint=capacities.regular(),
                         focus_factor=team.focus_factor,
                         sprint_length_days=team.sprint.length_days, start=team.sprint.start,
                         dependencies=team.dependencies, members=team.members, points_scale=team.points_scale),
        sprints=[],
        epics=epics,
        stories=[],
        risks=backlog.risks,
        assumptions=backlog.assumptions,
        definition_of_done=backlog.definition_of_done,
        critical_path=path,
        critical_path_points=round_points(path_points),
        total_estimate=_sum_estimates([s.estimate for s in backlog.stories]),
        end_date=sprints[-1].end if sprints else None,
    )
    # built without re-validating thousands of already-valid stories (the scale benchmark's hot spot)
    plan.sprints = sprints
    plan.stories = [_planned(s, sprint_of[s.key], s.key in on_path) for s in backlog.stories]
    plan.milestones = planned_milestones(backlog, sprint_of, sprints)
    return plan


_STORY_FIELDS = [name for name in BacklogStory.model_fields if name != "sprint"]


def _planned(story: BacklogStory, sprint: Optional[int], critical: bool) -> PlannedStory:
    """A planned story from a (validated) backlog story, without validating it again."""
    values = {name: getattr(story, name) for name in _STORY_FIELDS}
    return PlannedStory.model_construct(**values, sprint=sprint, critical=critical, pinned=story.sprint is not None)


def backlog_order(backlog: Backlog) -> list[str]:
    """Story keys in profile order (epic order, then story order)."""
    return [s.key for s in backlog.stories]


def _sum_estimates(estimates: list[Estimate]) -> Estimate:
    return Estimate(
        low=round_points(sum(e.low for e in estimates)),
        likely=round_points(sum(e.likely for e in estimates)),
        high=round_points(sum(e.high for e in estimates)),
    )
