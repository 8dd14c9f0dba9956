"""What users write in a team file: sprint settings, members, overrides."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import Field, field_validator
from sprintgen.model.common import MAX_SPRINTS, Estimate, Strict


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


class SprintSettings(Strict):
    """Sprint cadence."""

    length_days: int = Field(default=14, ge=1, le=366)
    start: dt.date = Field(default_factory=next_monday)


class Member(Strict):
    """A team member: skills and points per sprint."""

    name: str
    skills: list[str] = Field(default_factory=list)
    capacity: Optional[float] = Field(default=None, ge=0)
    availability: dict[int, float] = Field(default_factory=dict)  # sprint number -> fraction available (0..1)

    @field_validator("availability")
    @classmethod
    def _fractions(cls, value: dict[int, float]) -> dict[int, float]:
        for sprint, fraction in value.items():
            if not 1 <= sprint <= MAX_SPRINTS:
                raise ValueError(f"sprint numbers go from 1 to {MAX_SPRINTS}, got {sprint}")
            if not 0 <= fraction <= 1:
                raise ValueError(f"availability in sprint {sprint} must be between 0 and 1, got {fraction}")
        return value


class SprintOverride(Strict):
    """A sprint whose capacity differs from the usual (a release freeze, an offsite)."""

    number: int = Field(ge=1, le=MAX_SPRINTS)
    capacity: Optional[float] = Field(default=None, ge=0)
    factor: Optional[float] = Field(default=None, ge=0, le=1)
    note: str = ""


#: The name of the team when the team file gives none: it reads naturally in "Team: your team, 14-day sprints".
DEFAULT_TEAM_NAME = "your team"


class Team(Strict):
    """The team that will do the work. Every field has a default, so no team file is needed."""

    name: str = DEFAULT_TEAM_NAME
    sprint: SprintSettings = Field(default_factory=SprintSettings)
    velocity: float = Field(default=30, gt=0)
    velocity_history: list[float] = Field(default_factory=list)
    velocity_uncertainty: float = Field(default=0.15, ge=0, le=1)  # relative spread when no history is given
    focus_factor: float = Field(default=1.0, gt=0, le=1)
    dependencies: Literal["sequential", "concurrent"] = "sequential"
    members: list[Member] = Field(default_factory=list)
    holidays: list[dt.date] = Field(default_factory=list)
    sprints: list[SprintOverride] = Field(default_factory=list)
    cost_per_sprint: Optional[float] = Field(default=None, ge=0)
    scope_growth: Optional[Estimate] = None  # forecast: extra work discovered, as a fraction (0-0.2 = up to 20%)
    points_scale: Literal["fibonacci", "integer", "decimal"] = "decimal"  # story points shown and pushed on it

    @field_validator("velocity_history")
    @classmethod
    def _positive_history(cls, value: list[float]) -> list[float]:
        if any(v <= 0 for v in value):
            raise ValueError("every velocity in velocity_history must be above 0")
        return value
