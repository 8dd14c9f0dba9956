"""Unit tests of the scheduler's parts on small random problems, against a brute-force optimum: the bounds never
exceed it, polishing never adds a sprint, the search's proofs hold, and pins are given up (or sprints overfilled)
only when no valid plan exists."""

from __future__ import annotations

import itertools
import random

import pytest

from sprintgen.scheduling import bounds
from sprintgen.scheduling.pins import analyse_pins
from sprintgen.scheduling.polish import pull_forward, swap_forward
from sprintgen.scheduling.problem import Problem, sprint_count
from sprintgen.scheduling.search import search
from sprintgen.scheduling.solver import solve_plan
from sprintgen.scheduling.validate import SchedulingBug, check_plan, violations

from ..support import random_problem


def optimum(problem: Problem, limit: int) -> int | None:
    """The fewest sprints of a plan keeping every pin, dependency and capacity (None: no such plan up to `limit`)."""
    for count in range(max(problem.pinned.values(), default=1), limit + 1):
        for plan in itertools.product(range(1, count + 1), repeat=problem.n):
            if all(plan[t] == s for t, s in problem.pinned.items()) and not violations(problem, list(plan)):
                return count
    return None


def random_pinned(rng: random.Random, n: int) -> Problem:
    """Pins, irregular first sprints and both modes; sizes up to a whole regular sprint."""
    steady = rng.choice([1, 2, 4])
    irregular = {s: rng.choice([4, 6, 8, 10]) for s in range(1, steady)}
    return Problem(sizes=[float(rng.randint(1, 9)) for _ in range(n)],
                   preds=[[p for p in range(t) if rng.random() < 0.35] for t in range(n)],
                   capacity=lambda s: float(irregular.get(s, 10)), sequential=rng.random() < 0.5,
                   pinned={t: rng.randint(1, 4) for t in range(n) if rng.random() < 0.3}, steady_from=steady)


@pytest.mark.parametrize("sequential", [True, False])
def test_bounds_never_exceed_the_brute_force_optimum(sequential):
    rng = random.Random(31 if sequential else 32)
    for _ in range(60):
        problem = random_problem(rng, rng.randint(2, 5), capacity=10, sequential=sequential, sizes=(1, 10))
        best = optimum(problem, problem.n)
        assert max(bounds.lower_bounds(problem).values()) <= best


def test_polish_never_adds_a_sprint_nor_breaks_a_rule():
    rng = random.Random(33)
    for _ in range(60):
        problem = random_pinned(rng, rng.randint(3, 12))
        solution = solve_plan(problem)
        plan = solution.assignment
        relaxed = solution.pins.relaxed
        # polish what the solver made, and a worse plan: every story in its own sprint, in a topological order
        spread = [None] * problem.n
        for sprint, task in enumerate(range(problem.n), start=1):
            spread[task] = sprint
        for start in (plan, spread):
            if violations(problem, start, relaxed, solution.overfilled):
                continue  # pins the spread plan does not keep
            polished = pull_forward(problem, swap_forward(problem, pull_forward(problem, start)))
            assert sprint_count(polished) <= sprint_count(start)
            assert not violations(problem, polished, relaxed, solution.overfilled)


def test_search_proves_optimality_only_where_it_holds():
    rng = random.Random(34)
    proofs = 0
    for _ in range(80):
        problem = random_pinned(rng, rng.randint(2, 5))
        if analyse_pins(problem).relaxed:
            continue  # pins no plan keeps: nothing to compare with
        best = optimum(problem, problem.n + 4)
        found, proven = search(problem, problem.n + 5, 50_000)
        if found is not None:
            assert not violations(problem, found, ())
            assert best is not None and sprint_count(found) >= best
        if proven:
            proofs += 1
            # a proof: what it found is the optimum, or (nothing found) no plan with fewer sprints than the upper
            assert (sprint_count(found) == best) if found is not None else best is None
    assert proofs > 30  # the exact search finishes on problems this small


def test_pins_are_given_up_only_when_no_valid_plan_exists():
    rng = random.Random(35)
    gave_up = 0
    for _ in range(150):
        problem = random_pinned(rng, rng.randint(2, 5))
        solution = solve_plan(problem)
        best = optimum(problem, problem.n + 3)
        assert not violations(problem, solution.assignment, solution.pins.relaxed, solution.overfilled)
        if solution.pins.relaxed or solution.overfilled:
            gave_up += 1
            assert best is None, (problem, solution)
        else:
            assert best is not None and sprint_count(solution.assignment) >= best
            if solution.proven_minimum:
                assert sprint_count(solution.assignment) == best
    assert gave_up > 5  # the generator does make impossible pins


def test_a_blocker_is_planned_before_its_pin_when_capacity_allows():
    # the bug of issue 12: c (pinned to 2) depends on b; a is more urgent by rank and fills sprint 1 alone
    problem = Problem(sizes=[8.0, 8.0, 2.0], preds=[[], [], [1]], capacity=lambda s: 10.0, rank=[0, 1, 2],
                      pinned={2: 2})
    solution = solve_plan(problem)
    assert solution.assignment[1] == 1 and solution.assignment[2] == 2
    assert not solution.pins.relaxed and not solution.overfilled


def test_a_chain_too_long_for_the_pin_is_relaxed_and_explained():
    problem = Problem(sizes=[1.0, 1.0, 1.0], preds=[[], [0], [1]], capacity=lambda s: 10.0, pinned={2: 2})
    solution = solve_plan(problem)
    assert solution.pins.relaxed == {2: [0, 1, 2]}
    assert solution.pins.describe(2, "abc".__getitem__) == "the chain a -> b -> c puts c in sprint 3 at the earliest"


def test_blockers_too_big_for_the_sprints_before_the_pin_overfill_with_a_proof():
    problem = Problem(sizes=[6.0, 6.0, 1.0], preds=[[], [], [0, 1]], capacity=lambda s: 10.0, pinned={2: 2})
    solution = solve_plan(problem)
    assert solution.assignment == [1, 1, 2] and solution.overfilled == [1]
    assert "need 12 points in sprint 1, which have room for 10" in solution.pins.capacity_proof


def test_the_validation_pass_refuses_a_plan_that_breaks_a_dependency():
    problem = Problem(sizes=[1.0, 1.0], preds=[[], [0]], capacity=lambda s: 10.0)
    check_plan(problem, [1, 2])
    with pytest.raises(SchedulingBug, match=r"invalid plan: e.b \(sprint 1\) depends on e.a \(sprint 1\)"):
        check_plan(problem, [1, 1], names=["e.a", "e.b"])
    with pytest.raises(SchedulingBug, match="over the room"):
        check_plan(Problem(sizes=[6.0, 6.0], preds=[[], []], capacity=lambda s: 10.0), [1, 1])
    with pytest.raises(SchedulingBug, match="pinned to sprint 2"):
        check_plan(Problem(sizes=[1.0], preds=[[]], capacity=lambda s: 10.0, pinned={0: 2}), [1])


def test_a_pin_past_the_sprint_limit_gets_no_deadline_and_stays_out():
    # found by the property test: b (pinned to 1) depends on a (pinned to 3, past --sprints 1); a must not be
    # pulled into sprint 1 as b's blocker: it is not planned, and b's pin is reported late
    problem = Problem(sizes=[5.0, 5.0], preds=[[], [0]], capacity=lambda s: 10.0, sequential=False,
                      pinned={0: 3, 1: 1}, max_sprints=1)
    solution = solve_plan(problem)
    assert solution.assignment == [None, 1] and solution.pins.deadlines == {}
    check_plan(problem, solution.assignment, solution.pins.relaxed, solution.overfilled)
