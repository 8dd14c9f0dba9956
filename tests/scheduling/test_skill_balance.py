"""The skill-balancing pass: moves and swaps that relieve skill overload without adding a sprint, overfilling
one, breaking a dependency or moving a pinned story."""

from pathlib import Path

from sprintgen.capacity import Capacities
from sprintgen.pipeline import PlanRequest, build_plan, load_inputs
from sprintgen.scheduling.skill_balance import SkillBalancer
from sprintgen.scheduling.skill_load import SkillLoads

from ..support import findings, plan_json, sprint_of

EXAMPLE_TEAM = Path(__file__).resolve().parents[2] / "examples" / "team.yaml"
MEMBERS = [{"name": "Ana", "skills": ["data"], "capacity": 5}, {"name": "Bo", "skills": ["ml"], "capacity": 5}]


def test_skill_heavy_stories_are_spread_over_the_sprints(files):
    # profile order would put both data stories in sprint 1: 8 points of data for Ana's 5
    stories = [{"key": "d1", "estimate": 4, "skills": ["data"]}, {"key": "d2", "estimate": 4, "skills": ["data"]},
               {"key": "m1", "estimate": 4, "skills": ["ml"]}, {"key": "m2", "estimate": 4, "skills": ["ml"]}]
    plan = plan_json(*files(stories, members=MEMBERS))
    assert len(plan["sprints"]) == 2
    assert findings(plan, "skill-overload") == []
    where = sprint_of(plan)
    assert where["e.d1"] != where["e.d2"]
    assert where["e.m1"] != where["e.m2"]
    for sprint in plan["sprints"]:
        assert sprint["load"] <= sprint["capacity"]


def test_balancing_never_breaks_a_dependency_or_moves_a_pin(files):
    stories = [{"key": "d1", "estimate": 4, "skills": ["data"], "sprint": 1},
               {"key": "d2", "estimate": 4, "skills": ["data"], "sprint": 1},
               {"key": "m1", "estimate": 4, "skills": ["ml"]},
               {"key": "m2", "estimate": 4, "skills": ["ml"], "depends_on": ["m1"]}]
    plan = plan_json(*files(stories, members=MEMBERS))
    where = sprint_of(plan)
    assert where["e.d1"] == where["e.d2"] == 1  # pinned: reported, not moved
    assert where["e.m1"] < where["e.m2"]
    assert [f["sprint"] for f in findings(plan, "skill-overload")] == [1]


def test_what_cannot_be_balanced_is_still_reported(files):
    stories = [{"key": "d1", "estimate": 4, "skills": ["data"]},
               {"key": "d2", "estimate": 4, "skills": ["data"]}]
    plan = plan_json(*files(stories, members=MEMBERS, dependencies="concurrent"))
    # one sprint holds both (capacity 10); splitting them would add a sprint, which balancing never does
    assert len(plan["sprints"]) == 1
    assert [f["sprint"] for f in findings(plan, "skill-overload")] == [1]


BUILTIN_CASES = [("rag",), ("fine-tuning",), ("hybrid",), ("rag", "--param", "traffic=high"),
                 ("hybrid", "--param", "existing_rag=true")]


def test_builtin_profiles_with_the_example_team_have_fewer_overloads_than_without_balancing(monkeypatch):
    from sprintgen.scheduling import schedule

    def overloads():
        return [len(findings(plan_json("--profile", *case, "--team", str(EXAMPLE_TEAM)), "skill-overload"))
                for case in BUILTIN_CASES]

    balanced = overloads()
    monkeypatch.setattr(schedule, "balance_skills", lambda sprint_of, *args: dict(sprint_of))
    unbalanced = overloads()
    assert all(b <= u for b, u in zip(balanced, unbalanced)) and sum(balanced) < sum(unbalanced)


def test_the_balancer_measures_the_overload_the_check_reports():
    # one rule (skill_load): the sprints the balancer counts as overloaded are exactly those the check reports
    request = PlanRequest(profile="hybrid", team_file=str(EXAMPLE_TEAM), forecast=None)
    backlog, team = load_inputs(request)
    plan = build_plan(request)
    stories = {s.key: s for s in backlog.stories}
    balancer = SkillBalancer({s.key: s.sprint for s in plan.stories}, stories, SkillLoads(team, stories),
                             {k: [] for k in stories}, {k: [] for k in stories}, Capacities(team), True,
                             {k: i for i, k in enumerate(stories)})
    overloaded = {n for n in range(1, len(plan.sprints) + 1) if balancer.over(n, {}) > 1e-9}
    reported = {f.sprint for f in plan.findings if f.code == "skill-overload"}
    assert overloaded == reported and reported
