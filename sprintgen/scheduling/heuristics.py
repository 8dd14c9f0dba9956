"""The portfolio of priority rules, forward and backward, and when to call the search.

Each rule is a station-oriented list schedule (`listing.list_schedule`) with a different priority: critical path
(tail), positional weight, story size, number of (transitive) dependents, profile rank. Backward passes plan the
reversed graph from the last sprint back, which suits graphs that fan in. The first plan that reaches the lower
bound ends the portfolio; otherwise the branch, bound and remember search (`search`) tries to beat the best.

With pins, a plan counts only if every blocker of a pinned story is planned by its deadline (`pins`): the rules run
as they are, then again earliest deadline first; backward passes plan into a fixed number of sprints, so the pins
and the per-sprint capacities stay where they are. When nothing meets the deadlines, `best_plan` returns no plan.
"""

from __future__ import annotations

from typing import Optional

from sprintgen.graph import bits
from sprintgen.scheduling.bounds import lower_bounds
from sprintgen.scheduling.listing import list_schedule
from sprintgen.scheduling.pins import analyse_pins, deadline_key, meets_deadlines
from sprintgen.scheduling.problem import (Problem, chain_depths_of, descendants, max_sprint_count, sprint_count,
                                          successors, tail_weights, topological_order)
from sprintgen.scheduling.search import reversed_problem, search
from sprintgen.scheduling.validate import violations

#: Exact transitive closures (positional weight, number of all dependents) are computed up to this many stories.
CLOSURE_MAX_TASKS = 600
#: Above this many stories only the priority rules run (the search would not pay for itself).
SEARCH_MAX_TASKS = 1000
#: Backward passes into a fixed number of sprints (pins or irregular sprints) try at most this many counts.
HORIZONS = 3


def priority_rules(problem: Problem, succ: list[list[int]]) -> list[list[float]]:
    """Priorities to try, most useful first (higher goes first; ties by rank)."""
    n = problem.n
    order = topological_order(problem)
    tail = tail_weights(problem, order)
    sizes = problem.sizes
    rules = [tail, list(sizes), [0.0] * n]
    if problem.sequential:
        # in sequential mode every story of a chain takes a sprint of its own: the longest chain in stories first
        depth = chain_depths_of(problem)
        scale = 1 + max(tail, default=0)
        rules.insert(0, [depth[t] * scale + tail[t] for t in range(n)])
    if problem.milestone is not None and len(set(problem.milestone)) > 1:
        # the work of an earlier milestone first (a thin slice), the best rule above among equals; tried first so
        # that it is kept whenever it needs no more sprints than the other rules
        base = rules[0]
        scale = 1 + max(base, default=0)
        last = max(problem.milestone)
        rules.insert(0, [(last - problem.milestone[t]) * scale + base[t] for t in range(n)])
    immediate = [float(len(s)) for s in succ]
    if n <= CLOSURE_MAX_TASKS:
        below = descendants(problem)
        weight = [sizes[t] + sum(sizes[j] for j in bits(below[t])) for t in range(n)]
        count = [float(below[t].bit_count()) for t in range(n)]
        rules[1:1] = [weight]
        rules += [count, immediate]
        # a mix: critical path first, the largest stories among equals (scaled so the path dominates)
        scale = 1 + max(sizes, default=0)
        rules.append([tail[t] * scale + sizes[t] for t in range(n)])
    else:
        rules.append(immediate)
    return rules


class _Best:
    """The plan with the fewest sprints seen so far, among those that keep every deadline."""

    def __init__(self, problem: Problem, target: int) -> None:
        self.problem = problem
        self.target = target
        self.deadlines = analyse_pins(problem).deadlines
        self.plan: list[Optional[int]] = []

    def consider(self, candidate: Optional[list], checked: bool = False) -> bool:
        """Keep the candidate if it is better; True once the best reaches the target (nothing can beat it)."""
        if candidate is not None and (not self.plan or sprint_count(candidate) < sprint_count(self.plan)) \
                and (checked or meets_deadlines(candidate, self.deadlines)):
            self.plan = candidate
        return self.reached()

    def reached(self) -> bool:
        return bool(self.plan) and sprint_count(self.plan) <= self.target


def best_plan(problem: Problem, budget: int) -> tuple[list[Optional[int]], bool, dict[str, int]]:
    """The plan with the fewest sprints the rules and (for small backlogs) the search find, ignoring max_sprints,
    whether no plan can use fewer sprints (it reaches the lower bound, or the search exhausted every option), and
    the lower bounds. The plan is [] when none keeps every deadline of the pins.
    """
    unlimited = Problem(sizes=problem.sizes, preds=problem.preds, capacity=problem.capacity,
                        sequential=problem.sequential, rank=problem.rank, milestone=problem.milestone,
                        pinned=problem.pinned,
                        steady_from=problem.steady_from, _cache=problem._cache)
    bounds = lower_bounds(unlimited)
    best = _Best(unlimited, max(bounds.values(), default=0))
    succ = successors(unlimited)
    rules = priority_rules(unlimited, succ)
    for rule in rules:
        if best.consider(list_schedule(unlimited, rule, succ)):
            return best.plan, True, bounds
    if best.deadlines:
        for rule in rules:
            key = deadline_key(unlimited, best.deadlines, rule)
            if best.consider(list_schedule(unlimited, rule, succ, key=key)):
                return best.plan, True, bounds
    uniform = not problem.pinned and problem.steady_from <= 1
    if uniform:
        reverse = reversed_problem(unlimited)
        reverse_succ = successors(reverse)
        for rule in priority_rules(reverse, reverse_succ):
            if best.consider(_turned(list_schedule(reverse, rule, reverse_succ))):
                return best.plan, True, bounds
    elif _backward_within(unlimited, best):
        return best.plan, True, bounds
    if problem.n > SEARCH_MAX_TASKS or any(s is None for s in best.plan):
        return best.plan, False, bounds
    upper = sprint_count(best.plan) if best.plan else max_sprint_count(unlimited)
    share = budget // 2 if uniform else budget
    found, proven = search(unlimited, upper, share)
    if best.consider(found) or proven:
        return best.plan, True, bounds
    if uniform:
        found, proven = search(reversed_problem(unlimited), sprint_count(best.plan), budget - share)
        if best.consider(_turned(found)) or proven:
            return best.plan, True, bounds
    return best.plan, False, bounds


def _backward_within(problem: Problem, best: _Best) -> bool:
    """Backward passes planning into `count` sprints exactly (the fewest first), for pins and irregular sprints,
    where the sprint numbers of a backward plan cannot be chosen after the fact. True once the target is reached."""
    last = sprint_count(best.plan) if best.plan else max_sprint_count(problem)
    first = max(best.target, max(problem.pinned.values(), default=0), 1)
    for count in range(first, min(last, first + HORIZONS)):
        reverse = _reversed_within(problem, count)
        reverse_succ = successors(reverse)
        reverse_deadlines = analyse_pins(reverse).deadlines
        for rule in priority_rules(reverse, reverse_succ):
            plans = [list_schedule(reverse, rule, reverse_succ)]
            if reverse_deadlines:
                plans.append(list_schedule(reverse, rule, reverse_succ,
                                           key=deadline_key(reverse, reverse_deadlines, rule)))
            for plan in plans:
                turned = _turned(plan, count)
                if turned is not None and not violations(problem, turned, analyse_pins(problem).relaxed) \
                        and best.consider(turned, checked=True):
                    return True
        if best.plan and sprint_count(best.plan) <= count:
            return False
    return False


def _reversed_within(problem: Problem, count: int) -> Problem:
    """The problem turned round within `count` sprints: sprint k backward is sprint count + 1 - k forward."""
    ranks = problem.ranks()
    return Problem(sizes=list(problem.sizes), preds=successors(problem),
                   capacity=lambda k: problem.capacity(count + 1 - k), sequential=problem.sequential,
                   rank=[-r for r in ranks], pinned={t: count + 1 - s for t, s in problem.pinned.items()},
                   max_sprints=count, steady_from=count + 1)


def _turned(assignment: Optional[list], last: Optional[int] = None) -> Optional[list]:
    """A backward plan read forward: the last sprint (`last`, or the plan's own) becomes the first."""
    if assignment is None or any(s is None for s in assignment):
        return None
    last = last if last is not None else sprint_count(assignment)
    return [last + 1 - s for s in assignment]
