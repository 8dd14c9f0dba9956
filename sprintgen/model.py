"""The pydantic models every stage passes along: profile, team, plan.

Profiles and teams are what users write (unknown fields are errors); Backlog and Plan are what sprintgen derives.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
#: The highest sprint number anything may name (a pin, an override, an absence, --sprints): 1000 two-week sprints
#: are 38 years, and the bound keeps a typo like `sprint: 100000000` from making the planner walk that far.
MAX_SPRINTS = 1000
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


class Strict(BaseModel):
    """Base of user-written models: unknown fields are errors."""

    # allow_inf_nan=False: '.inf' or '1e999' (or a scale expression overflowing) must not reach the scheduler.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Estimate(Strict):
    """A three-point estimate in story points. Written as `5`, `3-8` or `{low, likely, high}`."""

    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("an estimate is a number, a range 'LOW-HIGH' or {low, likely, high}")
        if isinstance(value, (int, float)):
            return {"low": value, "likely": value, "high": value}
        if isinstance(value, str):
            text = value.strip()
            match = _RANGE.match(text)
            if match:
                low, high = float(match.group(1)), float(match.group(2))
                return {"low": low, "likely": (low + high) / 2, "high": high}
            try:
                number = float(text)
            except ValueError:
                raise ValueError(
                    f"'{value}' is not an estimate; write a number (5), a range (3-8) or {{low, likely, high}}"
                ) from None
            return {"low": number, "likely": number, "high": number}
        if isinstance(value, dict):
            data = dict(value)
            if "likely" not in data and "low" in data and "high" in data:
                try:
                    data["likely"] = (float(data["low"]) + float(data["high"])) / 2
                except (TypeError, ValueError):
                    pass
            return data
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "Estimate":
        if not self.low <= self.likely <= self.high:
            raise ValueError(
                f"need low <= likely <= high, got low={_num(self.low)}, likely={_num(self.likely)}, "
                f"high={_num(self.high)}"
            )
        return self

    @property
    def pert_mean(self) -> float:
        """PERT (beta) mean: (low + 4 likely + high) / 6."""
        return (self.low + 4 * self.likely + self.high) / 6

    @property
    def pert_sd(self) -> float:
        """PERT standard deviation: (high - low) / 6."""
        return (self.high - self.low) / 6

    def scaled(self, factor: float) -> "Estimate":
        """This estimate multiplied by a non-negative factor."""
        return Estimate(low=self.low * factor, likely=self.likely * factor, high=self.high * factor)

    def __str__(self) -> str:
        if self.low == self.high:
            return _num(self.likely)
        if self.likely == (self.low + self.high) / 2:
            return f"{_num(self.low)}-{_num(self.high)}"
        return f"{_num(self.low)}-{_num(self.high)} (likely {_num(self.likely)})"


def _num(value: float) -> str:
    """A number as people write it: 5, 5.5, never 5.0."""
    return f"{value:g}" if value != int(value) else str(int(value))


format_points = _num


class Parameter(Strict):
    """A typed profile input, set with `--param NAME=VALUE`."""

    type: Literal["choice", "int", "number", "bool", "string", "list"] = "string"
    choices: Optional[list[Union[str, int, float, bool]]] = None
    default: Any = None
    help: str = ""
    min: Optional[float] = None
    max: Optional[float] = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> "Parameter":
        if self.type == "choice" and not self.choices:
            raise ValueError("a parameter of type 'choice' needs a non-empty 'choices' list")
        return self


class Risk(Strict):
    """A risk or assumption a profile carries into the roadmap."""

    title: str
    description: str = ""
    probability: float = Field(default=0.0, ge=0, le=1)
    impact: Optional[Estimate] = None  # extra story points if the risk happens (used by the forecast)
    mitigation: str = ""
    when: Optional[str] = None


class Story(Strict):
    """A story as written in a profile."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    description: Optional[str] = None
    acceptance: Optional[list[str]] = None
    estimate: Optional[Estimate] = None
    skills: Optional[list[str]] = None
    depends_on: Optional[list[str]] = None
    definition_of_done: Optional[list[str]] = None
    when: Optional[str] = None
    for_each: Optional[str] = None  # name of a list parameter: one story per item, '{item}' substituted
    scale: Optional[str] = None  # expression on parameters multiplying the estimate
    sprint: Optional[int] = Field(default=None, ge=1, le=MAX_SPRINTS)  # pin to a sprint
    labels: Optional[list[str]] = None
    remove: bool = False  # in a profile that extends another: drop the inherited story


class Epic(Strict):
    """An epic as written in a profile."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    goal: Optional[str] = None
    definition_of_done: Optional[list[str]] = None
    stories: list[Story] = Field(default_factory=list)
    when: Optional[str] = None
    remove: bool = False


class Profile(Strict):
    """An architecture profile as written in YAML (before `extends` and parameters are resolved)."""

    id: str = Field(pattern=KEY_PATTERN)
    name: Optional[str] = None
    description: Optional[str] = None
    extends: list[str] = Field(default_factory=list)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    definition_of_done: Optional[list[str]] = None
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    epics: list[Epic] = Field(default_factory=list)

    @field_validator("extends", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


# --- Backlog: a profile resolved (extends, parameters, conditions applied) ---------------------------------------


class BacklogStory(BaseModel):
    """A story after resolution: full key `epic.story`, DoD merged, dependencies expanded to story keys."""

    key: str
    epic: str
    title: str
    description: str = ""
    acceptance: list[str] = Field(default_factory=list)
    estimate: Estimate
    skills: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    definition_of_done: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    sprint: Optional[int] = None  # pinned sprint


class BacklogEpic(BaseModel):
    """An epic after resolution."""

    key: str
    title: str
    goal: str = ""
    definition_of_done: list[str] = Field(default_factory=list)
    stories: list[str] = Field(default_factory=list)  # full story keys, in profile order


class Backlog(BaseModel):
    """The resolved backlog a plan is made from."""

    profile_id: str
    profile_name: str
    description: str = ""
    source: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)
    definition_of_done: list[str] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    epics: list[BacklogEpic] = Field(default_factory=list)
    stories: list[BacklogStory] = Field(default_factory=list)

    def story(self, key: str) -> BacklogStory:
        """The story with this full key."""
        for s in self.stories:
            if s.key == key:
                return s
        raise KeyError(key)


# --- Team -----------------------------------------------------------------------------------------------------------


def _next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


class SprintSettings(Strict):
    """Sprint cadence."""

    length_days: int = Field(default=14, ge=1, le=366)
    start: dt.date = Field(default_factory=_next_monday)


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


class Team(Strict):
    """The team that will do the work. Every field has a default, so no team file is needed."""

    name: str = "Team"
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

    @field_validator("velocity_history")
    @classmethod
    def _positive_history(cls, value: list[float]) -> list[float]:
        if any(v <= 0 for v in value):
            raise ValueError("every velocity in velocity_history must be above 0")
        return value


# --- Plan -----------------------------------------------------------------------------------------------------------


class Finding(BaseModel):
    """Something the team should know about the plan: a capacity problem, a skill gap, a risk."""

    level: Literal["error", "warning", "info"]
    code: str
    message: str
    sprint: Optional[int] = None
    stories: list[str] = Field(default_factory=list)


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


class TeamSummary(BaseModel):
    """What the plan assumed of the team."""

    name: str
    velocity: float
    focus_factor: float
    sprint_length_days: int
    start: dt.date
    dependencies: str
    members: list[Member] = Field(default_factory=list)


class Plan(BaseModel):
    """The plan: sprints with their stories, findings, bounds. Serialised as the plan JSON."""

    schema_version: int = 1
    generator: str = "sprintgen"
    profile: dict[str, Any]
    team: TeamSummary
    sprints: list[PlannedSprint]
    epics: list[PlannedEpic]
    stories: list[PlannedStory]
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
    forecast: Optional[dict[str, Any]] = None

    def story(self, key: str) -> PlannedStory:
        """The planned story with this key."""
        for s in self.stories:
            if s.key == key:
                return s
        raise KeyError(key)
