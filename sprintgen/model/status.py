"""The status report: what `sprintgen status --format json` writes (README.md, "Tracking progress")."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field

from sprintgen.model import Forecast


class GroupProgress(BaseModel):
    """Stories and points of an epic (or the whole plan): done, in progress, remaining (= not done, in progress
    included). Removed work is not counted."""

    key: str
    title: str
    stories: int = 0
    points: float = 0
    done_stories: int = 0
    done_points: float = 0
    in_progress_stories: int = 0
    in_progress_points: float = 0
    remaining_stories: int = 0
    remaining_points: float = 0
    planned_last_sprint: Optional[int] = None  # the sprint the plan finished it in
    replanned_last_sprint: Optional[int] = None  # the sprint the re-plan finishes it in

    @staticmethod
    def counted() -> tuple[str, ...]:
        """The additive fields."""
        return ("stories", "points", "done_stories", "done_points", "in_progress_stories", "in_progress_points",
                "remaining_stories", "remaining_points")


class SprintVelocity(BaseModel):
    """A closed sprint: points completed in it, against the plan's capacity and load for that sprint."""

    number: int
    name: str
    capacity: float
    planned_points: float
    completed_points: float


class Reestimate(BaseModel):
    """A plan story whose points changed in the tracker."""

    key: str
    planned: float
    now: float


class ScopeChange(BaseModel):
    """Scope since the plan, in points: current = planned + added - removed + re-estimated (a net change)."""

    planned_points: float = 0
    added_points: float = 0
    added: list[str] = Field(default_factory=list)
    removed_points: float = 0
    removed: list[str] = Field(default_factory=list)
    reestimated_points: float = 0
    reestimated: list[Reestimate] = Field(default_factory=list)
    current_points: float = 0
    unestimated: list[str] = Field(default_factory=list)  # added issues without points (counted as 0)


class Slip(BaseModel):
    """A story planned in a sprint that is closed now, and not done."""

    key: str
    title: str
    epic: str
    planned_sprint: int
    status: str
    sprint: Optional[str] = None  # where it is now
    found: bool = True  # False: not in the tracker at all (not pushed)


class Commitment(BaseModel):
    """A finish sprint and its last day."""

    sprint: Optional[int] = None
    date: Optional[str] = None


class Reforecast(BaseModel):
    """The Monte Carlo forecast of the remaining work, in the plan's sprint numbers and dates."""

    velocity_basis: Literal["observed", "team"]
    velocity_note: str
    observed_velocities: list[float] = Field(default_factory=list)
    sprints: dict[str, int] = Field(default_factory=dict)  # p50 / p85 / p95: the plan's sprint number
    dates: dict[str, Optional[str]] = Field(default_factory=dict)
    confidence: int = 85
    previous: Commitment = Field(default_factory=Commitment)  # what the plan committed to at the same confidence
    previous_source: str = "plan"  # "plan" (the plan's own forecast) or "--commitment"
    change_sprints: Optional[int] = None
    change_days: Optional[int] = None
    replan_sprints: int = 0  # the last sprint of the deterministic re-plan
    forecast: Optional[Forecast] = None  # the forecast of the remaining work, as in the plan JSON


class BurnUpPoint(BaseModel):
    """The burn-up at the end of one sprint (0: the start). `done` is None after the last closed sprint."""

    sprint: int
    done: Optional[float] = None
    scope: float
    p50: float
    p85: float
    p95: float


class StatusReport(BaseModel):
    """Where the plan stands: the figures, the re-forecast, the burn-up."""

    schema_version: int = 1
    generator: str = "sprintgen"
    profile: dict[str, Any]
    source: str
    tracker: str
    closed_sprints: int
    current_sprint: int
    done_in_current_sprint: float = 0
    total: GroupProgress
    epics: list[GroupProgress]
    milestones: list[GroupProgress] = Field(default_factory=list)  # the plan's milestones, by the stories in each
    velocity: list[SprintVelocity]
    scope: ScopeChange
    slipped: list[Slip]
    not_found: list[str] = Field(default_factory=list)  # plan stories the tracker does not have
    added: list[dict[str, Any]] = Field(default_factory=list)  # the added items as the tracker reports them
    notes: list[str] = Field(default_factory=list)
    reforecast: Reforecast
    burnup: list[BurnUpPoint] = Field(default_factory=list)
