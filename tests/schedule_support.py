"""Helpers for the scheduler, checks and team tests: small profiles and teams as files, plans through the CLI,
a validity check and a brute-force optimum for tiny packing problems."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Optional

import yaml

from sprintgen.scheduling.problem import EPS, Problem

from .helpers import run


def write_profile(path: Path, epics: dict[str, list[dict]], profile_id: str = "t") -> Path:
    """A profile file from {epic key: [story dicts]} (titles filled in)."""
    data = {"id": profile_id, "name": "Test", "epics": [
        {"key": key, "title": key.title(), "stories": [{"title": s["key"].upper(), **s} for s in stories]}
        for key, stories in epics.items()
    ]}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_team(path: Path, **fields) -> Path:
    """A team file; the sprint start is fixed so dates (and holidays) are reproducible."""
    data = {"sprint": {"length_days": 14, "start": "2027-01-04"}, **fields}
    path.write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=None), encoding="utf-8")
    return path


def plan_json(*args: str, exit_code: int = 0) -> dict:
    """`sprintgen plan --format json --no-forecast ARGS`, checked for its exit code."""
    result = run("plan", "--format", "json", "--no-forecast", *args)
    assert result.exit_code == exit_code, result.stderr
    return json.loads(result.stdout)


def findings(plan: dict, code: str) -> list[dict]:
    """The findings of a plan with this code."""
    return [f for f in plan["findings"] if f["code"] == code]


def sprint_of(plan: dict) -> dict[str, Optional[int]]:
    """Story key -> sprint number."""
    return {s["key"]: s["sprint"] for s in plan["stories"]}


def valid(problem: Problem, assignment: list) -> bool:
    """Every task planned, dependencies kept in the problem's mode, no sprint over its capacity."""
    if any(s is None for s in assignment):
        return False
    for task, preds in enumerate(problem.preds):
        for p in preds:
            if assignment[p] > assignment[task] or (problem.sequential and assignment[p] == assignment[task]):
                return False
    loads: dict[int, float] = {}
    for task, sprint in enumerate(assignment):
        loads[sprint] = loads.get(sprint, 0.0) + problem.sizes[task]
    return all(load <= problem.capacity(s) + EPS for s, load in loads.items())


def brute_force_optimum(problem: Problem) -> int:
    """The fewest sprints of any valid plan, by trying every assignment (tiny problems only)."""
    n = problem.n
    for count in range(1, n + 1):
        for assignment in itertools.product(range(1, count + 1), repeat=n):
            if valid(problem, list(assignment)):
                return count
    raise AssertionError("no plan found")


def random_problem(rng: random.Random, n: int, capacity: float, sequential: bool, density: float = 0.25,
                   sizes: tuple[int, int] = (1, 8)) -> Problem:
    """A random DAG (arcs from lower to higher index) with integer sizes."""
    preds = [[p for p in range(t) if rng.random() < density] for t in range(n)]
    return Problem(sizes=[float(rng.randint(*sizes)) for _ in range(n)], preds=preds,
                   capacity=lambda _s: capacity, sequential=sequential)
