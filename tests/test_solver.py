"""The packing engine: validity in both dependency modes, optimality on small instances, bounds, determinism,
pins, fixed sprint counts, oversize stories, per-sprint capacities."""

import random

import pytest

from sprintgen.scheduling import bounds
from sprintgen.scheduling.listing import list_schedule
from sprintgen.scheduling.problem import Problem, sprint_count, tail_weights, topological_order
from sprintgen.scheduling.solver import solve, solve_plan

from .support import brute_force_optimum, random_problem, valid


def uniform(capacity):
    return lambda _sprint: capacity


def test_sequential_never_shares_a_sprint_with_a_blocker():
    problem = Problem(sizes=[1, 1, 1], preds=[[], [0], [1]], capacity=uniform(10), sequential=True)
    assert solve(problem) == [1, 2, 3]


def test_concurrent_may_share_a_sprint_with_a_blocker():
    problem = Problem(sizes=[1, 1, 1], preds=[[], [0], [1]], capacity=uniform(10), sequential=False)
    assert solve(problem) == [1, 1, 1]


@pytest.mark.parametrize("sequential", [True, False])
def test_random_plans_are_valid_and_never_over_capacity(sequential):
    rng = random.Random(7)
    for _ in range(40):
        problem = random_problem(rng, rng.randint(5, 40), capacity=rng.choice([8, 10, 13]), sequential=sequential)
        assignment = solve(problem)
        assert valid(problem, assignment)
        assert sprint_count(assignment) >= max(bounds.lower_bounds(problem).values())


@pytest.mark.parametrize("sequential", [True, False])
def test_small_instances_reach_the_true_optimum(sequential):
    rng = random.Random(11 if sequential else 12)
    for _ in range(25):
        problem = random_problem(rng, rng.randint(3, 6), capacity=10, sequential=sequential, sizes=(2, 7))
        assignment = solve(problem)
        assert valid(problem, assignment)
        assert sprint_count(assignment) == brute_force_optimum(problem)


def test_a_perfect_packing_reaches_the_capacity_bound():
    problem = Problem(sizes=[6, 4, 5, 5, 7, 3, 2, 8], preds=[[]] * 8, capacity=uniform(10))
    assert bounds.lower_bounds(problem)["capacity"] == 4
    solution = solve_plan(problem)
    assert sprint_count(solution.assignment) == 4 and solution.proven_minimum


def test_large_stories_bound_counts_what_cannot_share():
    assert bounds.large_stories_bound([6, 6, 6, 1], 10) == 3  # three stories above half a sprint
    assert bounds.large_stories_bound([4, 4, 4], 10) == 2  # thirds: at most two of them per sprint
    problem = Problem(sizes=[6, 6, 6], preds=[[], [], []], capacity=uniform(10), sequential=False)
    assert bounds.lower_bounds(problem)["large_stories"] == 3 and sprint_count(solve(problem)) == 3


def test_concurrent_chain_bound_counts_sprints_the_chain_needs():
    # a chain of 4 stories of 6 points: 24 points in chain order; with 10 per sprint no two share a sprint
    problem = Problem(sizes=[6, 6, 6, 6], preds=[[], [0], [1], [2]], capacity=uniform(10), sequential=False)
    assert bounds.chain_bound(problem) == 3  # earliest sprint ceil(12/10)=2 for the 2nd, + ceil(18/10)-1
    assert sprint_count(solve(problem)) == 4


def test_sequential_chain_bound_is_the_longest_chain():
    problem = Problem(sizes=[1, 1, 1, 1], preds=[[], [0], [1], []], capacity=uniform(100))
    assert bounds.lower_bounds(problem)["dependency_chain"] == 3
    assert sprint_count(solve(problem)) == 3


def test_proof_when_the_bound_is_not_reachable():
    # a=7 and b=7 cannot share; c after a, d after b (sequential): 3 sprints although every bound says 2
    problem = Problem(sizes=[7, 7, 3, 3], preds=[[], [], [0], [1]], capacity=uniform(10), sequential=True)
    assert max(bounds.lower_bounds(problem).values()) == 2
    solution = solve_plan(problem)
    assert sprint_count(solution.assignment) == 3 and solution.proven_minimum


def test_same_plan_twice_and_with_shuffled_indices():
    rng = random.Random(3)
    problem = random_problem(rng, 30, capacity=10, sequential=True, sizes=(1, 5))
    problem.rank = list(range(problem.n))
    first = solve(problem)
    assert solve(problem) == first
    # the same problem with tasks renumbered: ranks travel with the tasks, so the plan must not change
    perm = list(range(problem.n))
    random.Random(5).shuffle(perm)  # perm[new] = old
    new_of = {old: new for new, old in enumerate(perm)}
    shuffled = Problem(sizes=[problem.sizes[o] for o in perm],
                       preds=[sorted(new_of[p] for p in problem.preds[o]) for o in perm],
                       capacity=problem.capacity, sequential=True, rank=[problem.rank[o] for o in perm])
    again = solve(shuffled)
    assert [again[new_of[o]] for o in range(problem.n)] == first


def test_rank_decides_who_goes_first_within_the_minimum():
    # two independent 6-point stories, one per sprint: the lower rank goes first
    problem = Problem(sizes=[6, 6], preds=[[], []], capacity=uniform(10), rank=[1, 0])
    assert solve(problem) == [2, 1]
    problem.rank = [0, 1]
    assert solve(problem) == [1, 2]


def test_pinned_story_stays_in_its_sprint_even_over_capacity():
    problem = Problem(sizes=[8, 8, 2], preds=[[], [], []], capacity=uniform(10), pinned={0: 2, 1: 2})
    assignment = solve(problem)
    assert assignment[0] == 2 and assignment[1] == 2
    assert assignment[2] == 1  # the free story is not pushed behind the pins


def test_fixed_sprint_count_leaves_out_what_does_not_fit_and_its_dependents():
    problem = Problem(sizes=[5, 5, 5, 5], preds=[[], [], [], [2]], capacity=uniform(10), max_sprints=1,
                      rank=[0, 1, 2, 3])
    assignment = solve(problem)
    assert assignment[:2] == [1, 1]
    assert assignment[2] is None and assignment[3] is None


def test_fixed_sprint_count_fills_gaps_with_later_work():
    # cut after 2 sprints; a small later story still fits into the room left
    problem = Problem(sizes=[9, 9, 9, 1], preds=[[], [0], [1], []], capacity=uniform(10), max_sprints=2)
    assignment = solve(problem)
    assert assignment[2] is None
    assert assignment[3] in (1, 2)


def test_oversize_story_goes_alone_and_is_never_dropped():
    problem = Problem(sizes=[25, 3, 3], preds=[[], [], []], capacity=uniform(10))
    assignment = solve(problem)
    assert None not in assignment
    assert [s for s in assignment if s == assignment[0]] == [assignment[0]]  # alone in its sprint


def test_per_sprint_capacity_is_respected():
    capacities = {1: 10, 2: 0, 3: 4}
    problem = Problem(sizes=[5, 5, 4, 5], preds=[[], [], [], []],
                      capacity=lambda s: capacities.get(s, 10), steady_from=4)
    assignment = solve(problem)
    assert 2 not in assignment  # a sprint with no capacity stays empty
    assert valid(problem, assignment)
    assert sprint_count(assignment) == 4  # 10 + 0 + 4 + 10 holds the 19 points
    assert bounds.capacity_bound(19, problem) == 4


def test_list_schedule_keeps_its_public_shape():
    # the forecast calls list_schedule and tail_weights per Monte Carlo trial
    problem = Problem(sizes=[3, 3, 3], preds=[[], [0], [0]], capacity=uniform(6))
    assert tail_weights(problem) == [6.0, 3.0, 3.0]
    assert list_schedule(problem, tail_weights(problem)) == [1, 2, 2]
    assert topological_order(problem) == [0, 1, 2]


def test_empty_problem():
    assert solve(Problem(sizes=[], preds=[], capacity=uniform(10))) == []


def test_higher_priority_work_is_swapped_ahead_of_a_critical_chain():
    # A (rank 0) has no dependents; B (rank 1) blocks C. The critical-path packing puts B first; the final pass
    # swaps A ahead, keeping three sprints and B before C
    problem = Problem(sizes=[5, 5, 5], preds=[[], [], [1]], capacity=uniform(5), rank=[0, 1, 2])
    assert solve(problem) == [1, 2, 3]


def test_swap_never_breaks_a_dependency_or_capacity():
    rng = random.Random(21)
    for _ in range(30):
        problem = random_problem(rng, rng.randint(8, 30), capacity=10, sequential=rng.random() < 0.5)
        problem.rank = list(range(problem.n))
        rng.shuffle(problem.rank)
        assert valid(problem, solve(problem))
