"""The one entry point from inputs to a Plan: profile + parameters + team + options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from sprintgen.capacity import find_team_file, load_team
from sprintgen.errors import InputError
from sprintgen.forecast.montecarlo import ForecastSettings, milestone_forecasts, run_forecast
from sprintgen.graph import build_graph
from sprintgen.inputs.yamlio import load_yaml
from sprintgen.model import MAX_SPRINTS, Backlog, Plan, Team
from sprintgen.profiles.parameters import parse_assignments
from sprintgen.profiles.resolve import build_backlog
from sprintgen.scheduling.schedule import PlanOptions, make_plan


@dataclass
class PlanRequest:
    """Everything a user can say about a plan, as given on the command line."""

    profile: str = "rag"
    params: tuple[str, ...] = ()
    team_file: Optional[str] = None
    team_overrides: dict[str, Any] = field(default_factory=dict)
    sprints: Optional[int] = None
    forecast: Optional[ForecastSettings] = field(default_factory=ForecastSettings)  # None: no forecast


def load_inputs(request: PlanRequest) -> tuple[Backlog, Team]:
    """The resolved backlog and the team for a request."""
    backlog = build_backlog(request.profile, parse_assignments(request.params))
    team = load_team(find_team_file(request.team_file), request.team_overrides)
    return backlog, team


def build_plan(request: PlanRequest) -> Plan:
    """Load, resolve, schedule and check: the plan for a request, with its forecast unless it is turned off."""
    return plan_and_team(request)[0]


def plan_and_team(request: PlanRequest) -> tuple[Plan, Team]:
    """The plan for a request and the team it was made for (`status` measures progress against both)."""
    if request.sprints is not None and request.sprints > MAX_SPRINTS:  # the planner's work grows with it
        raise InputError(f"{request.sprints} sprints is more than {MAX_SPRINTS}", where="--sprints",
                         hint=f"plan into at most {MAX_SPRINTS} sprints")
    backlog, team = load_inputs(request)
    plan = make_plan(backlog, team, PlanOptions(sprints=request.sprints))
    if request.forecast is not None:
        plan.forecast = run_forecast(backlog, team, request.forecast, plan=plan)
        forecasts = milestone_forecasts(plan.forecast)
        for milestone in plan.milestones:
            milestone.forecast = forecasts.get(milestone.key)
        plan.commitment = plan.forecast.commitment
        plan.plan_probability = plan.forecast.plan_probability
    return plan, team


def validate_file(path: str) -> str:
    """Validate a profile or team file fully (a profile is resolved and its graph checked); return its kind."""
    raw = load_yaml(path, "file")
    if raw is None:  # as a team file it would mean "all defaults": not what someone validating a file means
        raise InputError("the file is empty: neither a profile nor a team file", file=path,
                             hint="write a profile or a team file as a YAML mapping")
    if isinstance(raw, dict) and ("epics" in raw or "id" in raw or "extends" in raw or "include" in raw):
        backlog = build_backlog(path)
        build_graph(backlog)
        return "profile"
    load_team(path)  # the schema and the checks a plan relies on (some capacity, dates before 9999)
    return "team file"
