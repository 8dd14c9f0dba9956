"""The capacity model: members or velocity, availability, holidays, overrides, focus factor, per member."""

import datetime as dt

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
