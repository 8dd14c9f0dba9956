"""Random draws for the Monte Carlo forecast, vectorised across trials with numpy.

Every function takes the caller's `numpy.random.Generator` (never global state), so one seed gives one forecast.
numpy is imported by the caller (`sprintgen.forecast`) only when a forecast runs, so `sprintgen --help` stays fast.

Distributions (documented in README.md, "Forecast"):
- story sizes and risk impacts: PERT-beta on [low, high] with mode `likely`
  (alpha = 1 + 4 (likely - low) / (high - low), beta = 1 + 4 (high - likely) / (high - low)), whose mean is the
  PERT mean (low + 4 likely + high) / 6; an estimate with low == high is exactly that number;
- velocity: a bootstrap from `velocity_history`, or a normal factor around 1 with sd `velocity_uncertainty`;
- scope growth: a PERT-beta fraction of extra work per trial.
"""

from __future__ import annotations

from typing import Any, Sequence

from sprintgen.model import Estimate

#: A velocity factor never drops below this (a normal draw can go negative; no team delivers nothing forever).
MIN_VELOCITY_FACTOR = 0.1


def pert_shape(estimate: Estimate) -> tuple[float, float]:
    """The (alpha, beta) shape of the PERT-beta distribution of a spread estimate (low < high)."""
    span = estimate.high - estimate.low
    return 1 + 4 * (estimate.likely - estimate.low) / span, 1 + 4 * (estimate.high - estimate.likely) / span


def draw_pert(rng: Any, estimates: Sequence[Estimate], trials: int) -> Any:
    """A [trials x len(estimates)] matrix of PERT-beta draws; zero-spread estimates give exactly their value."""
    import numpy as np

    count = len(estimates)
    low = np.array([e.low for e in estimates], dtype=float)
    high = np.array([e.high for e in estimates], dtype=float)
    out = np.repeat(low[None, :], trials, axis=0) if count else np.zeros((trials, 0))
    spread = [i for i, e in enumerate(estimates) if e.high > e.low]
    if spread:
        shapes = np.array([pert_shape(estimates[i]) for i in spread])
        unit = rng.beta(shapes[:, 0], shapes[:, 1], size=(trials, len(spread)))
        out[:, spread] = low[spread] + unit * (high[spread] - low[spread])
    return out


def draw_growth(rng: Any, growth: Estimate | None, trials: int) -> Any:
    """Per trial, the multiplier 1 + g for scope growth g (all ones when there is no growth)."""
    import numpy as np

    if growth is None:
        return np.ones(trials)
    return 1.0 + draw_pert(rng, [growth], trials)[:, 0]


def draw_risk_work(rng: Any, risks: Sequence[tuple[float, Estimate]], trials: int) -> Any:
    """Per trial, the extra points of the risks that fire; each risk is (probability, impact estimate)."""
    import numpy as np

    extra = np.zeros(trials)
    for probability, impact in risks:
        fires = rng.random(trials) < probability
        extra += fires * draw_pert(rng, [impact], trials)[:, 0]
    return extra


class VelocityModel:
    """Draws per-sprint capacity factors: the velocity of a trial's sprint relative to the planned capacity.

    With a velocity history, a sprint's factor is a past velocity (drawn with replacement) over the capacity of an
    ordinary sprint, so a team that planned 30 but delivered 25 on average is forecast at its real pace. Without
    one, it is a normal draw with mean 1 and sd `uncertainty`, kept within [1 - 3 sd, 1 + 3 sd] and above
    MIN_VELOCITY_FACTOR. Each sprint of each trial is drawn independently.
    """

    def __init__(self, history: Sequence[float], uncertainty: float, regular_capacity: float) -> None:
        self.history = [float(v) for v in history]
        self.uncertainty = float(uncertainty)
        self.regular_capacity = float(regular_capacity)

    @property
    def name(self) -> str:
        """'bootstrap' (from history), 'normal' (around the velocity) or 'fixed' (no uncertainty)."""
        if self.history:
            return "bootstrap"
        return "normal" if self.uncertainty > 0 else "fixed"

    def describe(self) -> dict[str, Any]:
        """The parameters, for the forecast JSON."""
        if self.history:
            return {"model": "bootstrap", "history": self.history, "regular_capacity": self.regular_capacity}
        return {"model": self.name, "uncertainty": self.uncertainty, "regular_capacity": self.regular_capacity}

    def draw(self, rng: Any, trials: int, sprints: int) -> Any:
        """A [trials x sprints] matrix of capacity factors."""
        import numpy as np

        if self.history:
            if self.regular_capacity <= 0:
                return np.ones((trials, sprints))
            return rng.choice(np.array(self.history), size=(trials, sprints)) / self.regular_capacity
        if self.uncertainty <= 0:
            return np.ones((trials, sprints))
        factors = rng.normal(1.0, self.uncertainty, size=(trials, sprints))
        low = max(MIN_VELOCITY_FACTOR, 1 - 3 * self.uncertainty)
        return np.clip(factors, low, 1 + 3 * self.uncertainty)
