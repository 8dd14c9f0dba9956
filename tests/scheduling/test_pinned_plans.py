"""Pinned stories never break a dependency (issue 12): random backlogs with pins, holidays and per-sprint
capacities in both dependency modes, planned by `make_plan` (the code the CLI runs).

Every plan keeps every pin; every dependency is kept unless a `pinned-late` finding names it and the chain that
makes it impossible (checked here independently from the pins and the chains); every sprint is within capacity
unless a `sprint-over-capacity` finding reports it; nothing is left unplanned. The validation pass inside
`make_plan` raises on anything else, which fails the test too.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate, SprintOverride, Team
from sprintgen.scheduling.schedule import PlanOptions, make_plan

EPS = 1e-6
START = dt.date(2027, 1, 4)


@st.composite
def backlogs_and_teams(draw):
    n = draw(st.integers(2, 40))
    sequential = draw(st.booleans())
    velocity = draw(st.integers(20, 60))
    sizes = [draw(st.sampled_from([1, 2, 3, 5, 8, 13, 20, 0.5, 2.5])) for _ in range(n)]
    density = draw(st.sampled_from([0.02, 0.08, 0.2]))
    stories = []
    for i in range(n):
        deps = [f"e.s{j}" for j in range(i) if draw(st.floats(0, 1)) < density]
        pin = draw(st.integers(1, 8)) if draw(st.integers(0, 5)) == 0 else None
        estimate = Estimate(low=sizes[i], likely=sizes[i], high=sizes[i])
        stories.append(BacklogStory(key=f"e.s{i}", epic="e", title=f"S{i}", estimate=estimate, depends_on=deps,
                                    sprint=pin))
    holidays = [START + dt.timedelta(days=d) for d in draw(st.lists(st.integers(0, 120), max_size=6))]
    overrides = [SprintOverride(number=number, capacity=capacity) for number, capacity in
                 draw(st.dictionaries(st.integers(1, 8), st.integers(0, 70), max_size=3)).items()]
    team = Team(velocity=velocity, sprint={"length_days": 14, "start": START}, holidays=holidays, sprints=overrides,
                dependencies="sequential" if sequential else "concurrent")
    backlog = Backlog(profile_id="t", profile_name="T", source="t.yaml", source_label="t.yaml",
                      epics=[BacklogEpic(key="e", title="E", stories=[s.key for s in stories])], stories=stories)
    fixed = draw(st.one_of(st.none(), st.none(), st.integers(1, 8)))  # --sprints N, sometimes
    return backlog, team, fixed


def earliest_possible(backlog: Backlog, sequential: bool) -> dict[str, int]:
    """The first sprint each story can take given only the pins and the chains (no capacity): a pin whose
    blockers need later sprints than this cannot be kept by any plan."""
    gap = 1 if sequential else 0
    earliest: dict[str, int] = {}
    at: dict[str, int] = {}
    for story in backlog.stories:  # stories are in dependency order (blockers have lower numbers)
        earliest[story.key] = max([at[d] + gap for d in story.depends_on] + [1])
        at[story.key] = story.sprint or earliest[story.key]
    return earliest


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(backlogs_and_teams())
def test_pinned_plans_keep_every_dependency_pin_and_capacity(case):
    backlog, team, fixed = case
    plan = make_plan(backlog, team, PlanOptions(sprints=fixed))
    sequential = team.dependencies == "sequential"
    gap = 1 if sequential else 0
    where = {s.key: s.sprint for s in plan.stories}
    codes = {(f.code, tuple(f.stories)): f for f in plan.findings}
    not_planned = {key for f in plan.findings if f.code == "not-planned" for key in f.stories}
    for story in backlog.stories:  # every pin kept; only --sprints leaves stories out (reported)
        if story.sprint is not None:
            assert where[story.key] == (story.sprint if fixed is None or story.sprint <= fixed else None)
        if where[story.key] is None:
            assert fixed is not None and story.key in not_planned
    earliest = earliest_possible(backlog, sequential)
    for story in backlog.stories:
        for dep in story.depends_on:
            if where[story.key] is None or (where[dep] is not None and where[dep] + gap <= where[story.key]):
                continue
            finding = codes.get(("pinned-late", (story.key, dep)))
            assert finding is not None and story.sprint is not None, (story.key, dep, where)
            if where[dep] is None:  # left out by --sprints behind a pinned story
                assert fixed is not None and "is not planned" in finding.message
                continue
            assert "no plan can keep the pin" in finding.message
            assert earliest[story.key] > story.sprint  # really impossible
    over = {f.sprint: f for f in plan.findings if f.code in ("sprint-over-capacity", "story-too-large")}
    for sprint in plan.sprints:
        if sprint.load > sprint.capacity + EPS:
            assert sprint.number in over, (sprint.number, sprint.load, sprint.capacity)
            if over[sprint.number].level == "error":  # overfilled by the scheduler: only ever to keep pins
                assert any(s.sprint is not None for s in backlog.stories)
