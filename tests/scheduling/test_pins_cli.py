"""Pins through the real CLI: blockers planned before their pin, pinned-late only with the chain that proves it,
overfilled sprints reported as errors, and an invalid plan never written (exit 70)."""

from __future__ import annotations

from sprintgen.scheduling import solver

from ..support import findings, plan_json, run, sprint_of


def test_the_blocker_of_a_pinned_story_comes_before_it_when_any_plan_allows(files):
    # a heads the critical path (a -> d) and filled sprint 1; before issue 12 b went to sprint 2, the sprint of its
    # pinned dependent c, and the plan told the user to move the pin
    stories = [{"key": "a", "estimate": 8}, {"key": "b", "estimate": 8},
               {"key": "c", "estimate": 2, "depends_on": ["b"], "sprint": 2},
               {"key": "d", "estimate": 5, "depends_on": ["a"]}]
    plan = plan_json(*files(stories, velocity=10))
    where = sprint_of(plan)
    assert where == {"e.a": 2, "e.b": 1, "e.c": 2, "e.d": 3}
    assert findings(plan, "pinned-late") == [] and findings(plan, "sprint-over-capacity") == []


def test_pinned_late_names_the_chain_that_makes_the_pin_impossible(files):
    stories = [{"key": "a", "estimate": 1}, {"key": "b", "estimate": 1, "depends_on": ["a"]},
               {"key": "c", "estimate": 1, "depends_on": ["b"], "sprint": 2}]
    plan = plan_json(*files(stories, velocity=10))
    [finding] = findings(plan, "pinned-late")
    assert finding["stories"] == ["e.c", "e.b"]
    assert ("no plan can keep the pin: the chain e.a -> e.b -> e.c puts e.c in sprint 3 at the earliest"
            in finding["message"])


def test_blockers_too_big_for_the_sprints_before_the_pin_are_an_overfill_error(files):
    stories = [{"key": "a", "estimate": 6}, {"key": "b", "estimate": 6},
               {"key": "c", "estimate": 1, "depends_on": ["a", "b"], "sprint": 2}]
    plan = plan_json(*files(stories, velocity=10))
    assert sprint_of(plan) == {"e.a": 1, "e.b": 1, "e.c": 2}
    [finding] = findings(plan, "sprint-over-capacity")
    assert finding["level"] == "error" and finding["sprint"] == 1
    assert "no plan within capacity exists: the stories that must come before the pins need 12 points in sprint 1, " \
           "which have room for 10 besides their pinned stories (e.c)" in finding["message"]
    assert findings(plan, "pinned-late") == []


def test_an_invalid_plan_is_a_bug_never_written(files, tmp_path, monkeypatch):
    real = solver.solve_plan

    def broken(problem, *args):
        solution = real(problem, *args)
        solution.assignment = [1] * problem.n  # every story in sprint 1: b in the same sprint as its blocker
        return solution

    monkeypatch.setattr(solver, "solve_plan", broken)
    out = tmp_path / "plan.json"
    args = files([{"key": "a", "estimate": 1}, {"key": "b", "estimate": 1, "depends_on": ["a"]}], velocity=10)
    result = run("plan", "--format", "json", "--no-forecast", "-o", str(out), *args)
    assert result.exit_code == 70
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "the scheduler made an invalid plan: e.b (sprint 1) depends on e.a (sprint 1)" in lines[0]
    assert "please report it" in lines[0]
    assert not out.exists()
