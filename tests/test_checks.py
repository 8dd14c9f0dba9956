"""Every finding code, through the real CLI with profile and team files in tmp_path, and --strict."""

import pytest

from .support import findings, plan_json, run, sprint_of, write_profile, write_team


@pytest.fixture
def files(tmp_path):
    def make(epics, **team):
        profile = write_profile(tmp_path / "p.yaml", epics)
        args = ["--profile", str(profile)]
        if team:
            args += ["--team", str(write_team(tmp_path / "team.yaml", **team))]
        return args
    return make


def test_not_planned_with_a_fixed_sprint_count(files):
    args = files({"e": [{"key": "a", "estimate": 5}, {"key": "b", "estimate": 5, "depends_on": ["a"]}]},
                 velocity=10)
    plan = plan_json(*args, "--sprints", "1")
    assert len(plan["sprints"]) == 1
    [finding] = findings(plan, "not-planned")
    assert finding["level"] == "error" and finding["stories"] == ["e.b"]
    assert "1 stories (5 points) do not fit in 1 sprints" in finding["message"]


def test_story_too_large_is_planned_alone_and_reported(files):
    plan = plan_json(*files({"e": [{"key": "big", "estimate": 15}, {"key": "s", "estimate": 2}]}, velocity=10))
    [finding] = findings(plan, "story-too-large")
    assert finding["level"] == "warning" and finding["stories"] == ["e.big"]
    assert "split it" in finding["message"]
    where = sprint_of(plan)
    assert where["e.big"] != where["e.s"] and where["e.big"] is not None


def test_sprint_over_capacity_from_pins(files):
    plan = plan_json(*files({"e": [{"key": "a", "estimate": 8, "sprint": 1}, {"key": "b", "estimate": 8, "sprint": 1}]},
                            velocity=10))
    [finding] = findings(plan, "sprint-over-capacity")
    assert finding["sprint"] == 1 and sorted(finding["stories"]) == ["e.a", "e.b"]
    assert "16 points, over its capacity of 10 (+6)" in finding["message"]


def test_sprint_over_capacity_when_the_team_lowers_a_sprint_with_a_pin(files):
    plan = plan_json(*files({"e": [{"key": "a", "estimate": 8, "sprint": 2}]},
                            velocity=10, sprints=[{"number": 2, "capacity": 4}]))
    assert findings(plan, "sprint-over-capacity")[0]["sprint"] == 2


def test_pinned_late(files):
    plan = plan_json(*files({"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "depends_on": ["a"],
                                                                   "sprint": 1}]}, velocity=10))
    [finding] = findings(plan, "pinned-late")
    assert finding["stories"] == ["e.b", "e.a"] and finding["level"] == "warning"
    assert "e.b is pinned to sprint 1, the same sprint as e.a" in finding["message"]


def test_pinned_story_whose_blocker_did_not_fit(files):
    args = files({"e": [{"key": "b", "estimate": 10},
                        {"key": "c", "estimate": 1, "depends_on": ["b"], "sprint": 1}]}, velocity=10)
    plan = plan_json(*args, "--sprints", "1")
    assert findings(plan, "not-planned")[0]["stories"] == ["e.b"]
    [finding] = findings(plan, "pinned-late")
    assert finding["stories"] == ["e.c", "e.b"]
    assert "e.c is pinned to sprint 1, but e.b, which it depends on, is not planned" in finding["message"]


def test_concurrent_mode_allows_a_pin_in_the_blockers_sprint(files):
    args = files({"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "depends_on": ["a"], "sprint": 1}]},
                 velocity=10, dependencies="concurrent")
    assert findings(plan_json(*args), "pinned-late") == []


def test_skill_missing_names_stories_and_points(files):
    args = files({"e": [{"key": "a", "estimate": 3, "skills": ["ml"]}, {"key": "b", "estimate": 4, "skills": ["ml"]}]},
                 members=[{"name": "Ana", "skills": ["data"], "capacity": 10}])
    [finding] = findings(plan_json(*args), "skill-missing")
    assert finding["stories"] == ["e.a", "e.b"]
    assert "no team member has the skill 'ml', needed by 2 stories (7 points)" in finding["message"]


def test_skill_overload_in_a_sprint(files):
    args = files({"e": [{"key": "a", "estimate": 4, "skills": ["data"]},
                        {"key": "b", "estimate": 4, "skills": ["data"]}]},
                 members=[{"name": "Ana", "skills": ["data"], "capacity": 5},
                          {"name": "Bo", "skills": ["ml"], "capacity": 10}])
    plan = plan_json(*args)
    [finding] = findings(plan, "skill-overload")
    assert finding["sprint"] == 1 and finding["level"] == "warning"
    assert "needs 8 points of 'data' but its holders (Ana) can carry 5" in finding["message"]


def test_skill_overload_follows_availability(files):
    args = files({"e": [{"key": "a", "estimate": 4, "skills": ["data"]}]},
                 members=[{"name": "Ana", "skills": ["data"], "capacity": 5, "availability": {1: 0.5}},
                          {"name": "Bo", "capacity": 10}])
    assert findings(plan_json(*args), "skill-overload")[0]["sprint"] == 1


def test_critical_path_and_dependency_bound(files):
    args = files({"e": [{"key": "a", "estimate": 1}, {"key": "b", "estimate": 1, "depends_on": ["a"]},
                        {"key": "c", "estimate": 1, "depends_on": ["b"]}]}, velocity=30)
    plan = plan_json(*args)
    [path] = findings(plan, "critical-path")
    assert path["level"] == "info" and path["stories"] == ["e.a", "e.b", "e.c"]
    [bound] = findings(plan, "dependency-bound")
    assert "set by dependencies" in bound["message"] and "need 3 sprints" in bound["message"]
    assert plan["lower_bounds"]["dependency_chain"] == 3 and len(plan["sprints"]) == 3


def test_no_dependency_bound_when_capacity_sets_the_length(files):
    args = files({"e": [{"key": "a", "estimate": 10}, {"key": "b", "estimate": 10, "depends_on": ["a"]},
                        {"key": "c", "estimate": 10}]}, velocity=10)
    assert findings(plan_json(*args), "dependency-bound") == []


def test_search_proves_the_minimum_when_pins_keep_the_plan_above_the_bounds(files):
    # a and b (7 points each) cannot share a sprint; c follows a, d follows b: three sprints, every other bound says
    # two. The exact search runs with pins too, so it proves three is the fewest and nothing is left to report
    args = files({"e": [{"key": "a", "estimate": 7, "sprint": 1}, {"key": "b", "estimate": 7},
                        {"key": "c", "estimate": 3, "depends_on": ["a"]},
                        {"key": "d", "estimate": 3, "depends_on": ["b"]}]},
                 velocity=10)
    plan = plan_json(*args)
    assert len(plan["sprints"]) == 3 and plan["lower_bounds"]["search"] == 3
    assert plan["lower_bounds"]["capacity"] == 2 and plan["lower_bound_sprints"] == 3
    assert findings(plan, "above-lower-bound") == []


def test_search_proof_raises_the_bound_instead(files):
    args = files({"e": [{"key": "a", "estimate": 7}, {"key": "b", "estimate": 7},
                        {"key": "c", "estimate": 3, "depends_on": ["a"]},
                        {"key": "d", "estimate": 3, "depends_on": ["b"]}]},
                 velocity=10)
    plan = plan_json(*args)
    assert plan["lower_bounds"]["search"] == 3 == plan["lower_bound_sprints"]
    assert findings(plan, "above-lower-bound") == []


def test_strict_exits_1_after_writing_the_output(files, tmp_path):
    args = files({"e": [{"key": "big", "estimate": 15}]}, velocity=10)
    out = tmp_path / "plan.md"
    result = run("plan", "--no-forecast", *args, "--strict", "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text().startswith("# ")
    assert result.stderr.strip() == ("sprintgen: error: --strict: the plan has 1 warning(s) or error(s): "
                                     "story-too-large; fix them, or drop --strict")


def test_strict_passes_with_info_findings_only(files):
    args = files({"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "depends_on": ["a"]}]}, velocity=10)
    result = run("plan", "--no-forecast", "--format", "json", *args, "--strict")
    assert result.exit_code == 0, result.stderr


def test_skill_overload_shares_a_multi_skill_story_between_its_skills(files):
    team = {"members": [{"name": "Ana", "skills": ["data"], "capacity": 5},
                        {"name": "Bo", "skills": ["ml"], "capacity": 5}]}
    fits = files({"e": [{"key": "a", "estimate": 8, "skills": ["data", "ml"]}]}, **team)
    assert findings(plan_json(*fits), "skill-overload") == []  # 4 points on each skill
    over = files({"e": [{"key": "a", "estimate": 7, "skills": ["data", "ml"]},
                        {"key": "b", "estimate": 3, "skills": ["ml"]}]}, **team)
    found = findings(plan_json(*over), "skill-overload")
    assert [f["message"].split(" but")[0] for f in found] == ["Sprint 1 needs 6.5 points of 'ml'"]


def test_no_dependency_bound_when_the_user_fixes_the_sprint_count(files):
    args = files({"e": [{"key": "a", "estimate": 1}, {"key": "b", "estimate": 1, "depends_on": ["a"]},
                        {"key": "c", "estimate": 1, "depends_on": ["b"]}]}, velocity=30)
    plan = plan_json(*args, "--sprints", "2")
    assert findings(plan, "not-planned")[0]["stories"] == ["e.c"]
    assert findings(plan, "dependency-bound") == []


def test_above_lower_bound_when_a_story_too_large_needs_a_sprint_no_bound_counts(files):
    # the chain a -> b -> c takes three sprints; the 12-point story (velocity 10) goes alone into a fourth, which
    # neither the bounds count nor the exact search (it skips stories larger than a sprint) can prove
    args = files({"e": [{"key": "a", "estimate": 1}, {"key": "b", "estimate": 1, "depends_on": ["a"]},
                        {"key": "c", "estimate": 1, "depends_on": ["b"]}, {"key": "big", "estimate": 12}]},
                 velocity=10)
    plan = plan_json(*args)
    assert len(plan["sprints"]) == 4 and plan["lower_bound_sprints"] == 3 and "search" not in plan["lower_bounds"]
    [finding] = findings(plan, "above-lower-bound")
    assert finding["level"] == "info" and "uses 4 sprints" in finding["message"]
