"""Estimate forms: a number, a range LOW-HIGH, a three-point mapping; any non-negative numbers."""

import pytest
from pydantic import ValidationError

from sprintgen.model import Estimate


@pytest.mark.parametrize(
    "written, expected",
    [
        (5, (5, 5, 5)),
        (0, (0, 0, 0)),
        (2.5, (2.5, 2.5, 2.5)),
        ("8", (8, 8, 8)),
        ("3-8", (3, 5.5, 8)),
        (" 1.5 - 4 ", (1.5, 2.75, 4)),
        ({"low": 3, "likely": 5, "high": 13}, (3, 5, 13)),
        ({"low": 2, "high": 6}, (2, 4, 6)),
        ("7-7", (7, 7, 7)),
    ],
)
def test_estimate_forms(written, expected):
    estimate = Estimate.model_validate(written)
    assert (estimate.low, estimate.likely, estimate.high) == expected


@pytest.mark.parametrize(
    "written, message",
    [
        ("8-3", "need low <= likely <= high, got low=8, likely=5.5, high=3"),
        ({"low": 3, "likely": 9, "high": 8}, "need low <= likely <= high"),
        (-1, "greater than or equal to 0"),
        ("lots", "'lots' is not an estimate"),
        (True, "an estimate is a number"),
        ({"low": 1, "likely": 2, "high": 3, "p90": 4}, "Extra inputs are not permitted"),
    ],
)
def test_bad_estimates(written, message):
    with pytest.raises(ValidationError) as info:
        Estimate.model_validate(written)
    assert message in str(info.value)


def test_pert_mean_and_spread():
    estimate = Estimate.model_validate({"low": 2, "likely": 5, "high": 14})
    assert estimate.pert_mean == pytest.approx((2 + 20 + 14) / 6)
    assert estimate.pert_sd == pytest.approx(2)


def test_display():
    assert str(Estimate.model_validate(5)) == "5"
    assert str(Estimate.model_validate("3-8")) == "3-8"
    assert str(Estimate.model_validate({"low": 3, "likely": 4, "high": 8})) == "3-8 (likely 4)"
