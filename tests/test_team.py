"""The capacity model: members or velocity, availability, holidays, overrides, focus factor, per member."""

import datetime as dt

import pytest

from sprintgen.model import Team
from sprintgen.capacity import Capacities, member_capacity, sprint_capacity


def team(**fields):
    return Team.model_validate({"sprint": {"length_days": 14, "start": "2027-01-04"}, **fields})


def test_velocity_when_no_member_gives_a_capacity():
    assert sprint_capacity(team(velocity=25), 1) == 25


def test_members_capacities_replace_the_velocity():
    t = team(velocity=99, members=[{"name": "a", "capacity": 8}, {"name": "b", "capacity": 5}])
    assert sprint_capacity(t, 1) == 13


def test_member_availability_lowers_one_sprint():
    t = team(members=[{"name": "a", "capacity": 10, "availability": {3: 0.5}}, {"name": "b", "capacity": 10}])
    assert [sprint_capacity(t, n) for n in (2, 3, 4)] == [20, 15, 20]


def test_availability_shares_the_velocity_when_members_give_no_capacity():
    t = team(velocity=30, members=[{"name": "a", "availability": {2: 0}}, {"name": "b"}, {"name": "c"}])
    assert sprint_capacity(t, 2) == 20


def test_public_holiday_removes_its_working_day():
    # sprint 1 is 2027-01-04..17: ten working days; one holiday takes a tenth
    t = team(velocity=30, holidays=["2027-01-06", "2027-01-09"])  # the 9th is a Saturday: no effect
    assert sprint_capacity(t, 1) == 27
    assert sprint_capacity(t, 2) == 30


def test_focus_factor_scales_every_sprint():
    assert sprint_capacity(team(velocity=30, focus_factor=0.8), 5) == 24


def test_overrides_set_or_scale_a_sprint():
    t = team(velocity=30, sprints=[{"number": 2, "capacity": 12}, {"number": 3, "factor": 0.5}])
    assert [sprint_capacity(t, n) for n in (1, 2, 3)] == [30, 12, 15]


def test_steady_state_starts_after_the_last_irregular_sprint():
    t = team(velocity=30, holidays=[dt.date(2027, 3, 3)],  # in sprint 5 (2027-03-01..14)
             members=[{"name": "a", "availability": {2: 0.5}}])
    capacities = Capacities(t)
    assert capacities.steady_from == 6
    assert capacities(5) < capacities(6) == capacities.regular() == 30


def test_member_capacity_follows_the_sprints_adjustments():
    t = team(members=[{"name": "a", "capacity": 10, "availability": {2: 0.5}}, {"name": "b", "capacity": 20}],
             focus_factor=0.5)
    a, b = t.members
    assert member_capacity(t, a, 1) == 5 and member_capacity(t, b, 1) == 10
    assert member_capacity(t, a, 2) == 2.5
    t2 = team(members=[{"name": "a", "capacity": 10}, {"name": "b", "capacity": 30}],
              sprints=[{"number": 1, "capacity": 20}])
    assert member_capacity(t2, t2.members[0], 1) == 5  # an override is shared in proportion


def test_a_far_future_holiday_does_not_make_every_sprint_irregular():
    import datetime as dt

    from sprintgen.model import MAX_SPRINTS, Team
    from sprintgen.capacity import Capacities

    team = Team.model_validate({"sprint": {"length_days": 1, "start": "2027-01-04"},
                                "holidays": ["9999-01-01", "2027-01-05"]})
    capacities = Capacities(team)
    assert capacities.steady_from == 3  # sprint 2 (5 January) is the last irregular one that matters
    assert capacities(2) == 0 and capacities(3) == team.velocity
    assert dt.date(9999, 1, 1) > team.sprint.start + dt.timedelta(days=MAX_SPRINTS)


MEMBERS_TEAM = """
    name: Platform
    velocity: 24
    focus_factor: 0.75
    sprint: {length_days: 14, start: 2027-01-04}
    holidays: [2027-01-06]
    members:
      - {name: Ana, capacity: 20, skills: [data-engineering]}
      - {name: Bo, capacity: 25, availability: {2: 0.5}}
"""


def _plan_json(*args: str) -> dict:
    import json

    from .support import run

    result = run("plan", "--format", "json", "--no-forecast", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_velocity_option_overrides_member_capacities_with_the_same_adjustments(tmp_path):
    from .support import write

    write(tmp_path / "team.yaml", MEMBERS_TEAM)
    by_velocity = {v: _plan_json("--team", str(tmp_path / "team.yaml"), "--velocity", str(v)) for v in (10, 24, 100)}
    for velocity, plan in by_velocity.items():
        regular = velocity * 0.75
        # sprint 1 loses one working day in ten to the holiday; sprint 2 has Bo (25 of 45) at half
        expected = [regular * 0.9, regular * (20 + 12.5) / 45, regular]
        assert [s["capacity"] for s in plan["sprints"][:3]] == pytest.approx(expected, abs=1e-3)
        assert (plan["team"]["velocity"], plan["team"]["capacity_per_sprint"]) == (velocity, regular)
    counts = [len(by_velocity[v]["sprints"]) for v in (10, 24, 100)]
    assert counts[0] > counts[1] > counts[2]


def test_without_the_option_the_plan_reports_the_member_capacity_it_used(tmp_path):
    from .support import write

    write(tmp_path / "team.yaml", MEMBERS_TEAM)
    plan = _plan_json("--team", str(tmp_path / "team.yaml"))
    assert (plan["team"]["velocity"], plan["team"]["capacity_per_sprint"]) == (45, 33.75)
    assert plan["sprints"][2]["capacity"] == 33.75


def test_velocity_option_shares_equally_when_every_member_capacity_is_zero(tmp_path):
    from .support import write

    write(tmp_path / "team.yaml", "members: [{name: a, capacity: 0}, {name: b, capacity: 0}]\n")
    plan = _plan_json("--team", str(tmp_path / "team.yaml"), "--velocity", "16", "--start", "2027-01-04")
    assert plan["sprints"][0]["capacity"] == 16
