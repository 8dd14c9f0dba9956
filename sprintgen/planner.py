"""The one entry point from inputs to a Plan: profile + parameters + team + options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .backlog import build_backlog
from .model import Backlog, Plan, Team
from .parameters import parse_assignments
from .schedule import PlanOptions, make_plan
from .team import find_team_file, load_team


@dataclass
class PlanRequest:
    """Everything a user can say about a plan, as given on the command line."""

    profile: str = "rag"
    params: tuple[str, ...] = ()
    team_file: Optional[str] = None
    team_overrides: dict[str, Any] = field(default_factory=dict)
    sprints: Optional[int] = None


def load_inputs(request: PlanRequest) -> tuple[Backlog, Team]:
    """The resolved backlog and the team for a request."""
    backlog = build_backlog(request.profile, parse_assignments(request.params))
    team = load_team(find_team_file(request.team_file), request.team_overrides)
    return backlog, team


def build_plan(request: PlanRequest) -> Plan:
    """Load, resolve, schedule and check: the plan for a request."""
    backlog, team = load_inputs(request)
    return make_plan(backlog, team, PlanOptions(sprints=request.sprints))
