"""The Monte Carlo forecast: how many sprints, which dates, at P50 / P85 / P95, respecting dependencies and capacity.

Each trial draws every story's size from its estimate range (PERT-beta), a velocity for every sprint (bootstrap
from `velocity_history`, or around the velocity with `velocity_uncertainty`), optional scope growth and the
profile's risks, then packs the stories into sprints with `forecast_packing`'s rule (dependencies and each
sprint's capacity respected). Given the optimised plan (always, from the CLI), each trial follows the plan: stories
in the plan's order, none earlier than its planned sprint, slipping to a later sprint when its sprint has no room
left in that trial. So the whole plan, every epic and every milestone are forecast from the same simulated runs of
the plan the roadmap shows, and with no uncertainty every story lands exactly in its planned sprint. The
percentiles of the trials are the forecast; the commitment is the percentile at the chosen confidence (P85 by
default) and `plan_probability` the share of trials that finish within the plan's own sprints. The result is a
typed `Forecast`: the `forecast` object of the plan JSON (README.md, "Forecast").

numpy is imported only when a forecast runs: the trials are vectorised across trials, which is what makes 10,000
trials take a fraction of a second (see benchmarks/forecast.py).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from sprintgen.errors import InputError
from sprintgen.forecast.packing import CapacityGrid, pack_one, pack_trials, priority_order, sprint_limit
from sprintgen.graph import build_graph, milestone_ranks
from sprintgen.model import Backlog, Estimate, Forecast, MilestoneForecast, Plan, Team, format_points
from sprintgen.forecast.sampling import VelocityModel, draw_growth, draw_pert, draw_risk_work
from sprintgen.capacity import Capacities, sprint_dates

DEFAULT_TRIALS = 2000
#: With no --trials, a large backlog gets fewer trials so memory and time stay bounded (stories x trials is what
#: the vectorised packing holds in memory): 2,000 trials up to 1,000 stories, 200 for 10,000.
AUTO_TRIAL_BUDGET = 2_000_000
MIN_AUTO_TRIALS = 200
DEFAULT_SEED = 20270104  # fixed, so the same input always gives the same roadmap
MAX_TRIALS = 1_000_000
PERCENTILES = (50, 85, 95)
#: The confidence of the commitment: the forecast percentile a team commits to (`--confidence`).
DEFAULT_CONFIDENCE = 85
CONFIDENCE_RANGE = (50, 95)
#: The estimate roll-ups ("84-131 points, most likely 102") show the 90% range of the summed story sizes.
RANGE_PERCENTILES = (5, 95)


@dataclass
class ForecastSettings:
    """How to run the forecast (the command-line options)."""

    trials: Optional[int] = None  # None: DEFAULT_TRIALS, fewer for very large backlogs (see default_trials)
    seed: int = DEFAULT_SEED
    target_date: Optional[dt.date] = None
    scope_growth: Optional[Estimate] = None  # overrides the team's scope_growth
    confidence: int = DEFAULT_CONFIDENCE  # percent: the commitment is this percentile of the finish sprint


@dataclass
class _Inputs:
    """The backlog as numbers, in backlog (profile) order."""

    keys: list[str]
    estimates: list[Estimate]
    preds: list[list[int]]
    pins: dict[int, int]  # earliest sprint: the plan's sprint, or the story's own pin
    order: list[int]
    limit: int
    fixed: set[int]  # pinned by the profile: kept in its sprint full or not (planned sprints may slip later)


def _inputs(backlog: Backlog, capacities: Capacities, plan: Plan | None) -> _Inputs:
    dag = build_graph(backlog)  # validates: unknown references and cycles are errors before any trial runs
    keys = [s.key for s in backlog.stories]
    index = {k: i for i, k in enumerate(keys)}
    estimates = [s.estimate for s in backlog.stories]
    preds = [[index[d] for d in s.depends_on] for s in backlog.stories]
    pins = {i: s.sprint for i, s in enumerate(backlog.stories) if s.sprint is not None}
    planned = None
    if plan is not None:
        sprint_of = {s.key: s.sprint for s in plan.stories}
        planned = [sprint_of.get(k) for k in keys]
        # Follow the plan: a story starts no earlier than its planned sprint (a pin is a planned sprint too).
        pins.update({i: max(sprint, pins.get(i, 1)) for i, sprint in enumerate(planned) if sprint is not None})
    milestone_rank = milestone_ranks(backlog, dag)
    first = [milestone_rank.get(k, len(backlog.milestones)) for k in keys]
    order = priority_order([e.likely for e in estimates], preds, planned=planned, milestone=first)
    fixed = {i for i, s in enumerate(backlog.stories) if s.sprint is not None}
    return _Inputs(keys, estimates, preds, pins, order, sprint_limit(len(keys), pins, capacities.steady_from), fixed)


def default_trials(stories: int) -> int:
    """Trials when none are asked for: DEFAULT_TRIALS, fewer (at least MIN_AUTO_TRIALS) for huge backlogs."""
    return max(MIN_AUTO_TRIALS, min(DEFAULT_TRIALS, AUTO_TRIAL_BUDGET // max(stories, 1)))


def _check(settings: ForecastSettings) -> None:
    if settings.trials is not None and not 1 <= settings.trials <= MAX_TRIALS:
        raise InputError(f"the number of trials must be between 1 and {MAX_TRIALS:,}, got {settings.trials}",
                         where="--trials")
    low, high = CONFIDENCE_RANGE
    if not low <= settings.confidence <= high:
        raise InputError(f"the confidence must be between {low} and {high} percent, got {settings.confidence}",
                         where="--confidence", hint="85 is the usual commitment")
    if settings.seed < 0:
        raise InputError(f"the seed must be 0 or more, got {settings.seed}", where="--seed")


def run_forecast(backlog: Backlog, team: Team, settings: ForecastSettings | None = None,
                 plan: Plan | None = None) -> Forecast:
    """The forecast of a backlog for a team (the plan JSON's `forecast`).

    With the optimised deterministic `plan` of the same backlog and team, every trial follows the plan (its order,
    no story before its planned sprint); its sprint count is reported as `plan_sprints` with the chance of finishing
    within it (`plan_probability`). Without a plan, stories are packed in critical-path priority order.
    """
    import numpy as np

    settings = settings or ForecastSettings()
    _check(settings)
    capacities = Capacities(team)
    data = _inputs(backlog, capacities, plan)
    trials = settings.trials if settings.trials is not None else default_trials(len(data.keys))
    rng = np.random.default_rng(settings.seed)
    velocity = VelocityModel(team.velocity_history, team.velocity_uncertainty, capacities.regular())
    growth = settings.scope_growth if settings.scope_growth is not None else team.scope_growth
    risks = [(r.probability, r.impact) for r in backlog.risks if r.impact is not None and r.probability > 0]

    # The order of the draws is fixed (sizes, growth, risks, then velocities as sprints open): same seed, same result.
    story_sizes = draw_pert(rng, data.estimates, trials)
    work = story_sizes * draw_growth(rng, growth, trials)[:, None]
    risk_points = draw_risk_work(rng, risks, trials)
    totals = work.sum(axis=1)
    # A risk is not tied to a story: the work it adds is spread over the stories in proportion to their size.
    spread = np.divide(risk_points, totals, out=np.zeros(trials), where=totals > 0)
    work *= (1.0 + spread)[:, None]

    grid = CapacityGrid(capacities, lambda count_trials, count: velocity.draw(rng, count_trials, count), trials)
    sequential = team.dependencies == "sequential"
    sprint = pack_trials(work, data.preds, data.order, grid, sequential, data.pins, data.limit, data.keys,
                         fixed=data.fixed)
    finish = sprint.max(axis=1) if data.keys else np.zeros(trials, dtype=np.int64)
    deterministic = pack_one([e.likely for e in data.estimates], data.preds, data.order, capacities, sequential,
                             data.pins, data.limit, data.keys, fixed=data.fixed)

    target_sprints = _sprints_by(team, settings.target_date)
    percentiles = _percentiles(finish, integer=True)
    result: dict[str, Any] = {
        "method": "monte-carlo",
        "trials": trials,
        "seed": settings.seed,
        "distribution": "pert-beta",
        "velocity_model": velocity.name,
        "velocity": velocity.describe(),
        "scope_growth": _estimate_dict(growth),
        "risks_included": len(risks),
        "dependencies": team.dependencies,
        "packing": "the plan's order and sprints, slipping when a sprint is full" if plan is not None
                   else "serial first-fit in critical-path priority order",
        "percentile_method": "nearest-rank",
        "sprints": {**percentiles, "mean": round(float(finish.mean()), 2),
                    "min": int(finish.min()), "max": int(finish.max())},
        "dates": _dates(team, percentiles),
        "points": _percentiles(work.sum(axis=1)),
        "estimate": _rollup([e for e in data.estimates], story_sizes.sum(axis=1)),
        "deterministic_sprints": max(deterministic, default=0),
        "plan_sprints": _plan_sprints(plan),
        "plan_probability": _probability(finish, _plan_sprints(plan)),
        "commitment": _commitment(team, finish, settings.confidence),
        "histogram": _histogram(finish),
        "epics": [],
        "target_date": settings.target_date.isoformat() if settings.target_date else None,
        "target_sprints": target_sprints,
        "probability_by_target": _probability(finish, target_sprints),
        "cost": _cost(team.cost_per_sprint, finish, percentiles),
    }
    index = {k: i for i, k in enumerate(data.keys)}

    def finish_of(group: Any) -> tuple[dict[str, Any], list[int]]:
        """When the last story of an epic or a milestone is done (percentiles, dates, chance by the target), and
        the columns of its stories."""
        columns = [index[k] for k in group.stories]
        last = sprint[:, columns].max(axis=1) if columns else np.zeros(trials, dtype=np.int64)
        percentiles = _percentiles(last, integer=True)
        return {"key": group.key, "title": group.title, "sprints": percentiles, "dates": _dates(team, percentiles),
                "probability_by_target": _probability(last, target_sprints)}, columns

    for epic in backlog.epics:
        entry, columns = finish_of(epic)
        entry["estimate"] = _rollup([data.estimates[c] for c in columns], story_sizes[:, columns].sum(axis=1))
        result["epics"].append(entry)
    result["milestones"] = [finish_of(m)[0] for m in backlog.milestones]
    result["stories"] = [{"key": k, "pert_mean": round(e.pert_mean, 4), "pert_sd": round(e.pert_sd, 4)}
                         for k, e in zip(data.keys, data.estimates)]
    return Forecast.model_validate(result)


def milestone_forecasts(forecast: Forecast) -> dict[str, MilestoneForecast]:
    """Milestone key -> when it is reached, read from the forecast's `milestones`."""
    return {m.key: MilestoneForecast(p50=m.sprints.p50, p85=m.sprints.p85, p95=m.sprints.p95, p50_date=m.dates.p50,
                                     p85_date=m.dates.p85, p95_date=m.dates.p95)
            for m in forecast.milestones}


def _commitment(team: Team, finish: Any, confidence: int) -> dict[str, Any]:
    """The sprint count and date a team can commit to: the forecast's percentile at `confidence`."""
    import numpy as np

    sprints = int(nearest_rank(np.sort(finish), confidence))
    return {"confidence": confidence, "sprints": sprints, "date": _end_date(team, sprints)}


def _histogram(finish: Any) -> list[dict[str, Any]]:
    """How many trials finish in each sprint (the forecast chart), from the earliest to the latest finish."""
    import numpy as np

    counts = np.bincount(finish)
    first = int(finish.min())
    total = len(finish)
    return [{"sprints": n, "share": round(float(counts[n]) / total, 4)} for n in range(first, len(counts))]


def _plan_sprints(plan: Plan | None) -> int | None:
    if plan is None:
        return None
    return max([s.sprint for s in plan.stories if s.sprint is not None], default=0)


def nearest_rank(ordered: Sequence[Any], percent: int) -> Any:
    """The smallest value that at least `percent`% of the sorted values do not exceed (integer arithmetic, so
    85% of 2,000 trials is exactly the 1,700th value)."""
    return ordered[max((percent * len(ordered) + 99) // 100 - 1, 0)]


def _percentiles(values: Any, integer: bool = False) -> dict[str, Any]:
    """P50/P85/P95 by the nearest-rank method."""
    import numpy as np

    ordered = np.sort(values)
    out = {}
    for p in PERCENTILES:
        value = nearest_rank(ordered, p)
        out[f"p{p}"] = int(value) if integer else round(float(value), 1)
    return out


def _end_date(team: Team, sprints: int) -> str | None:
    return sprint_dates(team, sprints)[1].isoformat() if sprints > 0 else None


def _dates(team: Team, sprints: dict[str, int]) -> dict[str, str | None]:
    """The last day of the P50/P85/P95 sprint (None when no sprint is needed)."""
    return {key: _end_date(team, value) for key, value in sprints.items()}


def _sprints_by(team: Team, target: dt.date | None) -> int | None:
    """How many whole sprints end on or before the target date."""
    if target is None:
        return None
    days = (target - team.sprint.start).days + 1
    return max(days, 0) // team.sprint.length_days


def _probability(finish: Any, target_sprints: int | None) -> float | None:
    if target_sprints is None:
        return None
    return round(float((finish <= target_sprints).mean()), 4)


def _cost(per_sprint: float | None, finish: Any, sprints: dict[str, int]) -> dict[str, float] | None:
    if per_sprint is None:
        return None
    out = {key: round(value * per_sprint, 2) for key, value in sprints.items()}
    out["mean"] = round(float(finish.mean()) * per_sprint, 2)
    out["per_sprint"] = per_sprint
    return out


def _estimate_dict(estimate: Estimate | None) -> dict[str, float] | None:
    return None if estimate is None else {"low": estimate.low, "likely": estimate.likely, "high": estimate.high}


def _rollup(estimates: Sequence[Estimate], sums: Any) -> dict[str, Any]:
    """An estimate roll-up: the sums of low/likely/high, the PERT mean and spread, and the simulated 90% range."""
    import numpy as np

    low = sum(e.low for e in estimates)
    likely = sum(e.likely for e in estimates)
    high = sum(e.high for e in estimates)
    mean = sum(e.pert_mean for e in estimates)
    sd = math.sqrt(sum(e.pert_sd ** 2 for e in estimates))  # independent stories: variances add
    ordered = np.sort(sums)
    range_low, range_high = (float(nearest_rank(ordered, p)) for p in RANGE_PERCENTILES)
    return {
        "low": round(low, 4), "likely": round(likely, 4), "high": round(high, 4),
        "pert_mean": round(mean, 2), "pert_sd": round(sd, 2),
        "p5": round(range_low, 1), "p95": round(range_high, 1),
        "text": range_text(range_low, range_high, likely),
    }


def range_text(low: float, high: float, likely: float) -> str:
    """A roll-up as people say it: '84-131 points, most likely 102'."""
    low_text, high_text = format_points(round(low)), format_points(round(high))
    likely_text = format_points(round(likely, 1))
    if low_text == high_text:
        return f"{likely_text} points"
    return f"{low_text}-{high_text} points, most likely {likely_text}"
