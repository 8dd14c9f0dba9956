"""What users write in a team file: sprint settings, members, overrides."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import Field, field_validator
from sprintgen.model.common import MAX_POINTS, MAX_SPRINTS, Estimate, Strict

#: Public holidays a team file may list: every weekday of the 38 years that MAX_SPRINTS sprints span is 10,000.
MAX_HOLIDAYS = 10_000
#: Scope growth is a fraction of the work (0.2 = 20% more): 10 (eleven times the backlog) is far past any real one.
MAX_SCOPE_GROWTH = 10
#: The highest cost per sprint (in any currency) that stays an exact float when summed over the forecast.
MAX_COST = 10**12


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
    capacity: Optional[float] = Field(default=None, ge=0, le=MAX_POINTS)
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
    capacity: Optional[float] = Field(default=None, ge=0, le=MAX_POINTS)
    factor: Optional[float] = Field(default=None, ge=0, le=1)
    note: str = ""


#: The name of the team when the team file gives none: it reads naturally in "Team: your team, 14-day sprints".
DEFAULT_TEAM_NAME = "your team"


class Team(Strict):
    """The team that will do the work. Every field has a default, so no team file is needed."""

    name: str = DEFAULT_TEAM_NAME
    sprint: SprintSettings = Field(default_factory=SprintSettings)
    velocity: float = Field(default=30, gt=0, le=MAX_POINTS)
    velocity_history: list[float] = Field(default_factory=list)
    velocity_uncertainty: float = Field(default=0.15, ge=0, le=1)  # relative spread when no history is given
    focus_factor: float = Field(default=1.0, gt=0, le=1)
    dependencies: Literal["sequential", "concurrent"] = "sequential"
    members: list[Member] = Field(default_factory=list)
    holidays: list[dt.date] = Field(default_factory=list, max_length=MAX_HOLIDAYS)
    sprints: list[SprintOverride] = Field(default_factory=list)
    cost_per_sprint: Optional[float] = Field(default=None, ge=0, le=MAX_COST)
    scope_growth: Optional[Estimate] = None  # forecast: extra work discovered, as a fraction (0-0.2 = up to 20%)
    points_scale: Literal["fibonacci", "integer", "decimal"] = "decimal"  # story points shown and pushed on it
    timezone: Optional[str] = None  # IANA name (Europe/Berlin); sprint times pushed to Jira; None: the machine's

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown time zone '{value}': use an IANA name such as Europe/Berlin or "
                             "Australia/Sydney") from None
        return value

    @field_validator("velocity_history")
    @classmethod
    def _positive_history(cls, value: list[float]) -> list[float]:
        if any(v <= 0 for v in value):
            raise ValueError("every velocity in velocity_history must be above 0")
        if any(v > MAX_POINTS for v in value):
            raise ValueError(f"every velocity in velocity_history must be at most {MAX_POINTS:,}")
        return value

    @field_validator("scope_growth")
    @classmethod
    def _growth_is_a_fraction(cls, value: Optional[Estimate]) -> Optional[Estimate]:
        return check_scope_growth(value)


def check_scope_growth(value: Optional[Estimate]) -> Optional[Estimate]:
    """Scope growth is a fraction of the work: refuse one above MAX_SCOPE_GROWTH (ValueError)."""
    if value is not None and value.high > MAX_SCOPE_GROWTH:
        raise ValueError(f"scope growth is a fraction of the work (0.2 = 20%); {value.high:g} is more than "
                         f"{MAX_SCOPE_GROWTH}")
    return value
