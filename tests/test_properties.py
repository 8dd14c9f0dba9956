"""Property-based tests: random profiles and teams either plan into a valid plan or fail with a SprintgenError.

A valid plan: every story appears exactly once, in one sprint or reported as not planned; each sprint lists exactly
its stories and its load is their sum; dependencies are respected in the team's mode (or the violation is reported);
capacity is respected (or the overload is reported). Nothing else may escape: no KeyError, no ValidationError, no
OverflowError, no hang. Random YAML text and random expressions get the same treatment at their own level.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sprintgen.profiles import conditions
from sprintgen.inputs import yamlio
from sprintgen.errors import InputError, SprintgenError
from sprintgen.model import Plan
from sprintgen.pipeline import PlanRequest, build_plan

EPS = 1e-6
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EPIC_KEYS = ["ingest", "retrieval", "eval", "ops"]
STORY_KEYS = ["a", "b", "c", "d", "e", "f"]
CONDITIONS = [None, None, None, None, "true", "false", "level > 2", "level == 1 or flag", "not flag",
              "sources and len(sources) > 1", "'docs' in sources"]

numbers = st.one_of(st.integers(0, 21), st.floats(0, 21, allow_nan=False).map(lambda x: round(x, 2)))
valid_estimates = st.one_of(
    numbers,
    st.tuples(st.integers(0, 8), st.integers(0, 8)).map(lambda p: f"{p[0]}-{p[0] + p[1]}"),
    st.tuples(numbers, numbers, numbers).map(sorted).map(lambda t: {"low": t[0], "likely": t[1], "high": t[2]}),
)


def sometimes(draw, one_in: int) -> bool:
    """True about once in `one_in` draws (a middle value: Hypothesis favours the ends of a range)."""
    return draw(st.integers(0, one_in - 1)) == one_in // 2


def _stories(profile: dict[str, Any]) -> list[dict[str, Any]]:
    return [story for epic in profile["epics"] for story in epic["stories"]]


#: One mistake a person could make, applied to an otherwise valid profile: (name, how to apply it).
MISTAKES = {
    "inverted range": lambda p, s: s.update(estimate="8-3"),
    "negative estimate": lambda p, s: s.update(estimate=-2),
    "unordered three-point": lambda p, s: s.update(estimate={"low": 5, "likely": 1, "high": 8}),
    "estimate in words": lambda p, s: s.update(estimate="big"),
    "no estimate": lambda p, s: s.pop("estimate"),
    "no title": lambda p, s: s.pop("title"),
    "unknown field": lambda p, s: s.update(titel="x"),
    "self-dependency": lambda p, s: s.update(depends_on=[s["key"]]),
    "unknown dependency": lambda p, s: s.update(depends_on=["nowhere.story"]),
    "cycle": lambda p, s: _stories(p)[0].setdefault("depends_on", []).append(
        next(f"{e['key']}.{t['key']}" for e in p["epics"] for t in e["stories"] if t is _stories(p)[-1])),
    "duplicate story key": lambda p, s: next(e for e in p["epics"] if s in e["stories"])["stories"].append(dict(s)),
    "duplicate epic key": lambda p, s: p["epics"].append({"key": p["epics"][0]["key"], "stories": []}),
    "condition syntax": lambda p, s: s.update(when="level >"),
    "condition unknown name": lambda p, s: s.update(when="nope > 1"),
    "condition reaching python": lambda p, s: s.update(when="().__class__"),
    "negative scale": lambda p, s: s.update(scale="0 - 1"),
    "huge scale": lambda p, s: s.update(scale="level * 1000000000000000"),
    "for_each over an int": lambda p, s: s.update(for_each="level"),
    "pin to sprint 0": lambda p, s: s.update(sprint=0),
}


@st.composite
def profiles(draw) -> dict[str, Any]:
    """A valid profile, or (one time in four) a valid profile with one mistake in it."""
    epic_keys = draw(st.lists(st.sampled_from(EPIC_KEYS), min_size=1, max_size=4, unique=True))
    written: list[str] = []
    epics = []
    for position, key in enumerate(epic_keys):
        stories = []
        for story_key in draw(st.lists(st.sampled_from(STORY_KEYS), max_size=6, unique=True)):
            story: dict[str, Any] = {"key": story_key, "title": f"Story {story_key}",
                                     "estimate": draw(valid_estimates)}
            earlier = written + epic_keys[:position]  # no cycles unless a mistake adds one
            if earlier and draw(st.booleans()):
                story["depends_on"] = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            when = draw(st.sampled_from(CONDITIONS))
            if when:
                story["when"] = when
            if sometimes(draw, 10):
                story["sprint"] = draw(st.integers(1, 6))
            if sometimes(draw, 10):
                story["scale"] = draw(st.sampled_from(["level / 2", "2", "max(1, level)"]))
            if sometimes(draw, 15):
                story["for_each"] = "sources"
            written.append(f"{key}.{story_key}")
            stories.append(story)
        epic: dict[str, Any] = {"key": key, "title": key.title(), "stories": stories}
        when = draw(st.sampled_from(CONDITIONS))
        if when:
            epic["when"] = when
        epics.append(epic)
    profile = {
        "id": "random",
        "parameters": {
            "level": {"type": "int", "default": draw(st.integers(0, 5))},
            "flag": {"type": "bool", "default": draw(st.booleans())},
            "sources": {"type": "list", "default": draw(st.lists(st.sampled_from(["docs", "wiki", "crm"]),
                                                                  max_size=3))},
        },
        "epics": epics,
    }
    stories = _stories(profile)
    if stories and sometimes(draw, 4):
        mistake = draw(st.sampled_from(sorted(MISTAKES)))
        MISTAKES[mistake](profile, draw(st.sampled_from(stories)))
    return profile


@st.composite
def teams(draw) -> dict[str, Any]:
    """A team file: capacity from velocity or members, absences, overrides, holidays; sometimes impossible."""
    team: dict[str, Any] = {
        "sprint": {"length_days": draw(st.integers(1, 21)), "start": "2027-01-04"},
        "velocity": draw(st.one_of(st.integers(1, 40), st.floats(0.5, 40).map(lambda x: round(x, 1)))),
        "dependencies": draw(st.sampled_from(["sequential", "concurrent"])),
        "focus_factor": draw(st.sampled_from([1.0, 0.8, 0.5, 0.1])),
    }
    members = []
    for index in range(draw(st.integers(0, 3))):
        member: dict[str, Any] = {"name": f"M{index}", "skills": []}
        capacity = draw(st.one_of(st.none(), st.integers(0, 15)))
        if capacity is not None:
            member["capacity"] = capacity
        if draw(st.booleans()):
            member["availability"] = draw(st.dictionaries(st.integers(1, 6), st.sampled_from([0, 0.5, 1]),
                                                          max_size=3))
        members.append(member)
    if members:
        team["members"] = members
    if draw(st.booleans()):
        team["sprints"] = [{"number": n, "factor": f} for n, f in draw(
            st.dictionaries(st.integers(1, 6), st.sampled_from([0, 0.5]), max_size=2)).items()]
    if sometimes(draw, 5):
        team["holidays"] = ["2027-01-05", "2027-01-06"]
    if sometimes(draw, 10):
        team.update(draw(st.sampled_from([{"velocity": 0}, {"velocity": -5}, {"focus_factor": 0},
                                          {"sprint": {"start": "2027-02-30"}}, {"dependencies": "parallel"}])))
    return team


def check_plan(plan: Plan, team: dict[str, Any], sprints_option: int | None) -> None:
    """The invariants every plan keeps (or reports through a finding)."""
    keys = [s.key for s in plan.stories]
    assert len(keys) == len(set(keys)), "a story appears twice"
    sprint_of = {s.key: s.sprint for s in plan.stories}
    numbers = [s.number for s in plan.sprints]
    assert numbers == list(range(1, len(plan.sprints) + 1))
    if sprints_option is not None:
        assert len(plan.sprints) == sprints_option

    listed = [key for sprint in plan.sprints for key in sprint.stories]
    assert len(listed) == len(set(listed)), "a story is listed in two sprints"
    assert set(listed) == {k for k, s in sprint_of.items() if s is not None}
    for sprint in plan.sprints:
        assert all(sprint_of[k] == sprint.number for k in sprint.stories)
        load = sum(plan.story(k).estimate.likely for k in sprint.stories)
        assert abs(sprint.load - load) <= EPS * max(1, load)

    codes = {f.code for f in plan.findings}
    reported = {key for f in plan.findings for key in f.stories}
    unplanned = {k for k, s in sprint_of.items() if s is None}
    unplanned_reported = {k for f in plan.findings if f.code == "not-planned" for k in f.stories}
    assert unplanned <= unplanned_reported, "a story left out without a not-planned finding"

    sequential = plan.team.dependencies == "sequential"
    for story in plan.stories:
        if story.sprint is None:
            continue
        for dep in story.depends_on:
            dep_sprint = sprint_of[dep]
            if dep_sprint is None:
                # Only a pin can put a story in a sprint while its blocker is left out (--sprints); the blocker is
                # then reported as not planned, and the pinned dependent as pinned-late.
                assert getattr(story, "pinned", True), (story.key, dep)
                assert dep in unplanned_reported, (story.key, dep, plan.findings)
                assert any(f.code == "pinned-late" and f.stories == [story.key, dep] for f in plan.findings)
                continue
            ok = dep_sprint < story.sprint if sequential else dep_sprint <= story.sprint
            if not ok:
                assert {story.key, dep} <= reported, (story.key, dep, plan.findings)

    for sprint in plan.sprints:
        if sprint.load > sprint.capacity + EPS:
            flagged = any(f.code == "sprint-over-capacity" and f.sprint == sprint.number for f in plan.findings)
            too_large = any(f.code == "story-too-large" and set(f.stories) & set(sprint.stories)
                            for f in plan.findings)
            assert flagged or too_large, (sprint, codes)


@SETTINGS
@given(profile=profiles(), team=teams(), sprints=st.one_of(st.none(), st.integers(1, 8)))
def test_random_profiles_and_teams_plan_validly_or_fail_with_a_sprintgen_error(profile, team, sprints):
    with tempfile.TemporaryDirectory() as directory:
        profile_path = Path(directory) / "profile.yaml"
        team_path = Path(directory) / "team.yaml"
        profile_path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
        team_path.write_text(yaml.safe_dump(team, sort_keys=False), encoding="utf-8")
        request = PlanRequest(profile=str(profile_path), team_file=str(team_path), sprints=sprints, forecast=None)
        try:
            plan = build_plan(request)
        except SprintgenError as error:
            text = str(error)
            assert "\n" not in text and text.strip(), text
            assert error.exit_code == 2
            event(f"refused: {type(error).__name__}")
            return
        event("planned" + (" with findings" if plan.findings else ""))
        check_plan(plan, team, sprints)


yaml_fragments = st.sampled_from([
    "id: x\n", "epics:\n", "  - key: e\n", "    stories:\n", "      - {key: a, estimate: 3}\n", "&a ", "*a ",
    "<<: *a\n", "[", "]", "{", "}", ": ", "- ", "\t", "'", '"', "!!python/object/apply:os.system ['x']\n",
    "!!binary aGk=\n", "? [a]\n", "---\n", "%YAML 1.1\n", "\x07", "\\ud800", "1e999\n", ".nan\n", "~\n", "\n",
])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(yaml_fragments, st.text(max_size=12)), max_size=25))
def test_random_yaml_text_parses_or_fails_with_an_input_error(parts):
    text = "".join(parts)
    try:
        yamlio.parse_yaml(text, "random.yaml")
    except InputError as error:
        assert "\n" not in str(error), str(error)
        assert str(error).startswith("random.yaml")


expression_atoms = st.sampled_from(["level", "flag", "sources", "1", "2.5", "'gdpr'", "true", "none", "x", "()",
                                    "[1, 2]", "len", "max", "__class__", "999999999999"])
expression_glue = st.sampled_from([" + ", " - ", " * ", " / ", " // ", " % ", " == ", " < ", " in ", " and ",
                                   " or ", "not ", "(", ")", ".", ", ", "[", "]", " if ", " else ", "**", "-",
                                   " is ", " is not ", " not in ", "if ", " @ ", " << ", " & ", "~", ":=", "lambda: "])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(expression_atoms, expression_glue), min_size=1, max_size=12))
def test_random_expressions_evaluate_or_fail_with_an_expression_error(parts):
    expression = "".join(parts)
    names = {"level": 3, "flag": False, "sources": ["docs"]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would be a second line on stderr
        try:
            conditions.evaluate(expression, names)
        except conditions.ExpressionError as error:
            assert "\n" not in str(error)
