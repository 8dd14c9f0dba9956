"""The Monte Carlo forecast of a plan, typed, so `sprintgen schema plan` describes it and readers get attributes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Union

from pydantic import BaseModel, Field

#: ints stay ints and floats stay floats in JSON (pydantic's smart union keeps the exact type).
Number = Union[int, float]


class Percentiles(BaseModel):
    """P50/P85/P95 by the nearest-rank method."""

    p50: Number
    p85: Number
    p95: Number


class SprintPercentiles(BaseModel):
    """Finish sprint percentiles of the whole plan, with the spread of all trials."""

    p50: int
    p85: int
    p95: int
    mean: float
    min: int
    max: int


class DatePercentiles(BaseModel):
    """The last day of the P50/P85/P95 sprint (None when no sprint is needed)."""

    p50: Optional[dt.date] = None
    p85: Optional[dt.date] = None
    p95: Optional[dt.date] = None


class RollUp(BaseModel):
    """An estimate roll-up: sums of low/likely/high, the PERT mean and spread, and the simulated 90% range."""

    low: float
    likely: float
    high: float
    pert_mean: float
    pert_sd: float
    p5: float
    p95: float
    text: str


class EpicForecast(BaseModel):
    """When an epic's last story is done, across the trials."""

    key: str
    title: str
    sprints: Percentiles
    dates: DatePercentiles
    estimate: RollUp
    probability_by_target: Optional[float] = None


class MilestoneFinish(BaseModel):
    """When a milestone's last story is done, across the trials."""

    key: str
    title: str
    sprints: Percentiles
    dates: DatePercentiles
    probability_by_target: Optional[float] = None


class MilestoneForecast(BaseModel):
    """When a milestone is reached in the Monte Carlo forecast: sprint numbers and those sprints' end dates."""

    p50: int
    p85: int
    p95: int
    p50_date: Optional[dt.date] = None
    p85_date: Optional[dt.date] = None
    p95_date: Optional[dt.date] = None


class StoryForecast(BaseModel):
    """The PERT mean and standard deviation the forecast drew a story's size from."""

    key: str
    pert_mean: float
    pert_sd: float


class Commitment(BaseModel):
    """What a team can commit to: the finish sprint at a confidence (percent) and the last day of that sprint."""

    confidence: int
    sprints: int
    date: Optional[dt.date] = None


class HistogramBar(BaseModel):
    """The share of the trials that finish in a given sprint (the forecast chart)."""

    sprints: int
    share: float


class Forecast(BaseModel):
    """What the forecast assumed and what it found (serialised as the plan JSON's `forecast`)."""

    method: str = "monte-carlo"
    trials: int
    seed: Optional[int] = None
    distribution: str = "pert-beta"
    velocity_model: str
    velocity: dict[str, Any]
    scope_growth: Optional[dict[str, float]] = None
    risks_included: int
    dependencies: str
    packing: str
    percentile_method: str = "nearest-rank"
    sprints: SprintPercentiles
    dates: DatePercentiles
    points: Percentiles
    estimate: RollUp
    deterministic_sprints: int
    plan_sprints: Optional[int] = None
    #: The share of trials that finish within the plan's own sprints (the fastest packing at likely sizes).
    plan_probability: Optional[float] = None
    commitment: Optional[Commitment] = None
    histogram: list[HistogramBar] = Field(default_factory=list)
    epics: list[EpicForecast] = Field(default_factory=list)
    milestones: list[MilestoneFinish] = Field(default_factory=list)
    target_date: Optional[dt.date] = None
    target_sprints: Optional[int] = None
    probability_by_target: Optional[float] = None
    cost: Optional[dict[str, float]] = None
    stories: list[StoryForecast] = Field(default_factory=list)
