"""The packing problem as numbers, and the data every part of the scheduler derives from it (computed once).

The problem is bin packing with precedence constraints: in `sequential` mode a story goes in a strictly later sprint
than every story it depends on (BPP-P); in `concurrent` mode the same sprint is allowed (SALBP-1). Pinned stories
sit in their sprint whatever its capacity. Everything here is data and primitives: the parts of the scheduler
(list schedule, bounds, search, heuristics, polish, pins, validation) import this module, never each other upwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from sprintgen.graph import chain_depths, descendant_masks, kahn_order, successor_lists
from sprintgen.graph import tail_weights as graph_tail_weights
from sprintgen.model import EPS

__all__ = ["EPS", "Problem", "successors", "topological_order", "tail_weights", "chain_depths_of",
           "descendants", "max_sprint_count", "sprint_count", "gap"]


@dataclass
class Problem:
    """A packing problem. Tasks are 0..n-1; `preds[i]` lists the tasks i depends on."""

    sizes: list[float]
    preds: list[list[int]]
    capacity: Callable[[int], float]  # sprint number (1-based) -> capacity
    sequential: bool = True
    rank: Optional[list[int]] = None  # tie-break: lower rank first (profile order); default: index
    milestone: Optional[list[int]] = None  # per task: the first milestone needing it (lower first); None: none
    pinned: dict[int, int] = field(default_factory=dict)  # task -> sprint number
    max_sprints: Optional[int] = None  # plan into at most this many sprints; the rest is left unplanned
    steady_from: int = 1  # from this sprint on, every sprint has the same capacity
    # derived data (successor lists, orders) computed once per problem; the graph must not change afterwards
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.sizes)

    def ranks(self) -> list[int]:
        """The tie-break rank of every task (the index when no rank is given)."""
        return self.rank if self.rank is not None else list(range(self.n))


def gap(problem: Problem) -> int:
    """Sprints between a blocker and its dependent at the least: 1 in sequential mode, 0 in concurrent mode."""
    return 1 if problem.sequential else 0


def successors(problem: Problem) -> list[list[int]]:
    """The successor lists of the precedence graph (computed once per problem; do not modify them)."""
    cached = problem._cache.get("succ")
    if cached is None:
        cached = problem._cache["succ"] = successor_lists(problem.preds)
    return cached


def topological_order(problem: Problem) -> list[int]:
    """Tasks in an order where every task follows its predecessors (Kahn, lowest rank first)."""
    key = ("order", id(problem.rank))
    cached = problem._cache.get(key)
    if cached is not None and cached[0] is problem.rank:
        return list(cached[1])
    rank = problem.ranks()
    order = kahn_order(problem.preds, successors(problem), rank.__getitem__)
    problem._cache[key] = (problem.rank, order)
    return list(order)


def tail_weights(problem: Problem, order: list[int] | None = None) -> list[float]:
    """For each task, its size plus the heaviest chain of successors after it (critical-path priority)."""
    return graph_tail_weights(problem.sizes, successors(problem), order or topological_order(problem))


def chain_depths_of(problem: Problem) -> list[int]:
    """For each task, the number of tasks on the longest chain of dependents that starts with it."""
    return chain_depths(successors(problem), topological_order(problem))


def descendants(problem: Problem) -> list[int]:
    """For each task, every task depending on it (directly or not) as a bit mask (computed once per problem)."""
    cached = problem._cache.get("below")
    if cached is None:
        cached = problem._cache["below"] = descendant_masks(successors(problem), topological_order(problem))
    return cached


def max_sprint_count(problem: Problem) -> int:
    """A safe upper limit on sprints to open: every task alone, plus the irregular sprints and the pins."""
    return problem.n + problem.steady_from + max(problem.pinned.values(), default=0) + 1


def sprint_count(assignment: list[Optional[int]]) -> int:
    """The number of sprints a plan uses (its last sprint)."""
    return max((s for s in assignment if s is not None), default=0)


def room_after_pins(problem: Problem, sprint: int) -> float:
    """What a sprint can still take once its pinned stories are in (never below zero: pins may overfill it)."""
    pinned_load = problem._cache.get("pinned_load")
    if pinned_load is None:
        pinned_load = {}
        for task, number in problem.pinned.items():
            pinned_load[number] = pinned_load.get(number, 0.0) + problem.sizes[task]
        problem._cache["pinned_load"] = pinned_load
    return max(0.0, problem.capacity(sprint) - pinned_load.get(sprint, 0.0))


def largest_capacity(problem: Problem) -> float:
    """The largest capacity of any sprint (the irregular ones before `steady_from`, and the steady one)."""
    return max(problem.capacity(s) for s in range(1, max(problem.steady_from, 1) + 1))

