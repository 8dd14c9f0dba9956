"""The lower bound never claims more sprints than a plan uses, even with stories too large for a sprint.

The capacity bound used to count every story's points against the sprints' capacities, while a story larger than
a sprint goes alone into an over-full sprint: the roadmap said "3 sprints; no plan can use fewer than 4".
"""

import random

import pytest

from sprintgen.scheduling import bounds
from sprintgen.scheduling.solver import Problem, solve, sprint_count


def irregular_capacity(rng: random.Random, steady: float, irregular: int):
    capacities = {s: rng.choice([0.0, steady / 2, steady, steady * 2]) for s in range(1, irregular + 1)}
    return (lambda s: capacities.get(s, steady)), irregular + 1


@pytest.mark.parametrize("sequential", [True, False])
def test_the_bound_stays_at_or_below_the_plan_with_oversized_stories_and_irregular_sprints(sequential):
    rng = random.Random(41 if sequential else 42)
    checked = 0
    for _ in range(300):
        n = rng.randint(2, 14)
        steady = float(rng.choice([5, 8, 10]))
        capacity, steady_from = irregular_capacity(rng, steady, rng.choice([0, 0, 1, 3]))
        sizes = [float(rng.choice([1, 2, 3, 5, 8, 13, 21, 40])) for _ in range(n)]
        preds = [[p for p in range(t) if rng.random() < 0.2] for t in range(n)]
        # pins on stories without dependencies (a pin's own ordering problems are another test's business)
        loose = [t for t in range(n) if not preds[t] and all(t not in p for p in preds)]
        pinned = {t: rng.randint(1, 4) for t in loose if rng.random() < 0.3}
        problem = Problem(sizes=sizes, preds=preds, capacity=capacity, sequential=sequential,
                          steady_from=steady_from, pinned=pinned)
        used = sprint_count(solve(problem))
        found = bounds.lower_bounds(problem)
        assert max(found.values()) <= used, (sizes, steady, [capacity(s) for s in range(1, steady_from + 1)], found)
        checked += any(size > steady for size in sizes)
    assert checked > 50  # most problems hold a story larger than a steady sprint


def test_the_issues_example_stories_larger_than_any_sprint_each_take_one_sprint():
    problem = Problem(sizes=[50, 45, 8, 8], preds=[[], [], [], []], capacity=lambda _s: 10.0)
    # 50 and 45 take a sprint each, alone; 8 + 8 need two 10-point sprints more (the old bound said 11)
    assert bounds.lower_bounds(problem)["capacity"] == 4 == sprint_count(solve(problem))


def test_pinned_work_forced_into_a_sprint_does_not_raise_the_bound():
    problem = Problem(sizes=[8, 8, 8, 8], preds=[[], [], [], []], capacity=lambda _s: 10.0,
                      pinned={0: 1, 1: 1, 2: 1, 3: 1})
    used = sprint_count(solve(problem))
    assert max(bounds.lower_bounds(problem).values()) <= used == 1


def test_the_roadmap_never_says_fewer_sprints_than_its_bound(tmp_path):
    import json

    from .support import run, write

    profile = write(tmp_path / "big.yaml", """
        id: big
        name: Big stories
        epics:
          - key: e
            title: E
            stories:
              - {key: a, title: A, estimate: 50}
              - {key: b, title: B, estimate: 45}
              - {key: c, title: C, estimate: 4}
              - {key: d, title: D, estimate: 4}
    """)
    args = ["plan", "--profile", str(profile), "--velocity", "10", "--no-forecast", "--start", "2027-01-04"]
    plan = json.loads(run(*args, "--format", "json").stdout)
    used = max(s["sprint"] for s in plan["stories"])
    assert plan["lower_bound_sprints"] == used == 3
    assert "**3**, 2027-01-04 to 2027-02-14; no plan can use fewer than 3" in run(*args).stdout
