"""What sprintgen derives: sprints with their stories, findings, bounds. Serialised as the plan JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field
from sprintgen.model.backlog import BacklogStory
from sprintgen.model.common import Estimate
from sprintgen.model.forecast import Commitment, Forecast, MilestoneForecast
from sprintgen.model.profile import Risk
from sprintgen.model.team import Member


class Finding(BaseModel):
    """Something the team should know about the plan: a capacity problem, a skill gap, a risk."""

    level: Literal["error", "warning", "info"]
    code: str
    message: str
    sprint: Optional[int] = None
    stories: list[str] = Field(default_factory=list)
    skill: Optional[str] = None  # skill-overload: the skill, the points needing it and what its holders carry
    need: Optional[float] = None
    carry: Optional[float] = None


class PlannedSprint(BaseModel):
    """One sprint of the plan."""

    number: int
    name: str
    start: dt.date
    end: dt.date
    capacity: float
    load: float
    stories: list[str] = Field(default_factory=list)


class PlannedStory(BacklogStory):
    """A story with the sprint it was planned into: `sprint` is None when it did not fit."""

    critical: bool = False
    pinned: bool = False  # the profile pins it to its sprint (`sprint: N`)


class PlannedEpic(BaseModel):
    """An epic with its estimate roll-up and the sprints it spans."""

    key: str
    title: str
    goal: str = ""
    definition_of_done: list[str] = Field(default_factory=list)
    stories: list[str] = Field(default_factory=list)
    estimate: Estimate
    first_sprint: Optional[int] = None
    last_sprint: Optional[int] = None


class PlannedMilestone(BaseModel):
    """A milestone in the plan: reached in the sprint its last story is planned in (None if one did not fit)."""

    key: str
    title: str
    stories: list[str] = Field(default_factory=list)
    sprint: Optional[int] = None
    date: Optional[dt.date] = None  # the end date of that sprint
    forecast: Optional[MilestoneForecast] = None


class TeamSummary(BaseModel):
    """What the plan assumed of the team."""

    name: str
    velocity: float  # points per sprint the plan used: `--velocity`, else the members' capacities, else `velocity`
    capacity_per_sprint: float = 0  # an ordinary sprint's capacity: velocity x focus factor
    focus_factor: float
    sprint_length_days: int
    start: dt.date
    dependencies: str
    members: list[Member] = Field(default_factory=list)
    points_scale: str = "decimal"


class Plan(BaseModel):
    """The plan: sprints with their stories, findings, bounds. Serialised as the plan JSON."""

    schema_version: int = 1
    generator: str = "sprintgen"
    profile: dict[str, Any]
    team: TeamSummary
    sprints: list[PlannedSprint]
    epics: list[PlannedEpic]
    stories: list[PlannedStory]
    milestones: list[PlannedMilestone] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    definition_of_done: list[str] = Field(default_factory=list)
    critical_path: list[str] = Field(default_factory=list)
    critical_path_points: float = 0
    lower_bound_sprints: int = 0
    lower_bounds: dict[str, int] = Field(default_factory=dict)
    total_estimate: Estimate
    end_date: Optional[dt.date] = None
    forecast: Optional[Forecast] = None
    #: What a team can commit to, from the forecast (None without a forecast).
    commitment: Optional[Commitment] = None
    #: The chance that the plan's own sprints (the fastest packing at likely sizes) are enough.
    plan_probability: Optional[float] = None

    def story(self, key: str) -> PlannedStory:
        """The planned story with this key."""
        for s in self.stories:
            if s.key == key:
                return s
        raise KeyError(key)
