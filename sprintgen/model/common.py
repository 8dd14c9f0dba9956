"""What every stage shares: strict user models, estimates, point formatting, key and sprint limits."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
#: The highest sprint number anything may name (a pin, an override, an absence, --sprints): 1000 two-week sprints
#: are 38 years, and the bound keeps a typo like `sprint: 100000000` from making the planner walk that far.
MAX_SPRINTS = 1000
#: The largest number of points anything may hold (an estimate, a velocity, a capacity): far beyond any real backlog,
#: and small enough that sums over 100,000 stories and a forecast's products stay exact floats, never infinite.
MAX_POINTS = 1_000_000
#: Items in one list of text a profile writes (a definition of done, acceptance criteria): each story repeats the
#: merged lists in every output, so 5,000 items on 1,000 stories would be five million lines of roadmap.
MAX_LIST_ITEMS = 200
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


class Strict(BaseModel):
    """Base of user-written models: unknown fields are errors."""

    # allow_inf_nan=False: '.inf' or '1e999' (or a scale expression overflowing) must not reach the scheduler.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Estimate(Strict):
    """A three-point estimate in story points. Written as `5`, `3-8` or `{low, likely, high}`."""

    low: float = Field(ge=0, le=MAX_POINTS)
    likely: float = Field(ge=0, le=MAX_POINTS)
    high: float = Field(ge=0, le=MAX_POINTS)

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

#: Tolerance when comparing points (loads against capacities): sums of decimal estimates are not exact in binary.
EPS = 1e-9


def round_points(value: float) -> float:
    """Points as every output shows them: rounded to 4 decimals, so sums of decimal estimates print cleanly."""
    return round(value, 4)


#: How a team writes story points: any number (decimal), whole numbers, or the Fibonacci numbers of planning poker.
_FIBONACCI = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987)


def on_scale(value: float, scale: str = "decimal") -> float:
    """Story points as the team writes them: 'integer' rounds half up, 'fibonacci' takes the nearest Fibonacci number
    (the larger one on a tie, as a team would when unsure), 'decimal' leaves the value alone."""
    if scale == "integer":
        return float(int(value + 0.5))
    if scale == "fibonacci":
        if value >= _FIBONACCI[-1]:
            return float(round(value))
        return float(min(_FIBONACCI, key=lambda f: (abs(f - value), -f)))
    return value
