"""`sprintgen schema profile|team|plan`: valid JSON Schemas that accept what sprintgen accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from ..support import plan_args, run, write_hostile_profile, write_sample_profile

REPO = Path(__file__).resolve().parents[2]


class _YamlAsEditors(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay strings."""


_YamlAsEditors.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlAsEditors)


def validator(kind: str) -> Draft202012Validator:
    result = run("schema", kind)
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def profile_schema() -> Draft202012Validator:
    return validator("profile")


@pytest.fixture(scope="module")
def team_schema() -> Draft202012Validator:
    return validator("team")


PROFILE_FILES = sorted((REPO / "profiles").glob("*.yaml")) + sorted((REPO / "examples").glob("my-profile*.yaml"))


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_builtin_profiles_validate(profile_schema, path: Path) -> None:
    errors = [e.message for e in profile_schema.iter_errors(load(path))]
    assert errors == []


def test_test_profiles_validate(profile_schema, tmp_path) -> None:
    for path in (write_sample_profile(tmp_path), write_hostile_profile(tmp_path)):
        assert list(profile_schema.iter_errors(load(path))) == []


@pytest.mark.parametrize("estimate", [5, 0.5, "3-8", " 3 - 8 ", "13", {"low": 1, "high": 3},
                                      {"low": 1, "likely": 2, "high": 3}])
def test_every_estimate_shorthand_is_accepted(profile_schema, estimate) -> None:
    profile = {"id": "x", "extends": "rag", "epics": [{"key": "e", "stories": [{"key": "s", "estimate": estimate}]}]}
    assert list(profile_schema.iter_errors(profile)) == []


@pytest.mark.parametrize("profile, fragment", [
    ({"id": "x", "epics": [{"key": "e", "stories": [{"key": "s", "estimat": 3}]}]}, "estimat"),
    ({"id": "x", "epics": [{"key": "e", "stories": [{"key": "s", "estimate": "three"}]}]}, "three"),
    ({"id": "x", "epics": [{"key": "e", "stories": [{"key": "s", "estimate": {"likely": 3}}]}]},
     "{'likely': 3} is not valid"),
    ({"id": "Not An Id"}, "Not An Id"),
    ({"name": "no id"}, "'id' is a required property"),
])
def test_profile_mistakes_are_flagged(profile_schema, profile, fragment) -> None:
    messages = " ".join(e.message for e in profile_schema.iter_errors(profile))
    assert fragment in messages


def test_team_files_validate(team_schema, tmp_path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "name: Platform\nsprint: {length_days: 14, start: 2027-01-04}\nvelocity: 30\nfocus_factor: 0.8\n"
        "holidays: [2027-01-01]\nmembers:\n  - {name: Ana, skills: [search], capacity: 10, availability: {3: 0.5}}\n"
        "sprints:\n  - {number: 4, factor: 0.5, note: freeze}\n", encoding="utf-8")
    assert list(team_schema.iter_errors(load(team))) == []
    for path in sorted((REPO / "examples").glob("team*.yaml")):
        assert list(team_schema.iter_errors(load(path))) == [], path


@pytest.mark.parametrize("team, fragment", [
    ({"velocity": 0}, "0"),
    ({"members": [{"name": "Ana", "availability": {"three": 0.5}}]}, "three"),
    ({"members": [{"name": "Ana", "availability": {"3": 1.5}}]}, "1.5"),
    ({"dependencies": "parallel"}, "parallel"),
    ({"sprint": {"start": "next monday"}}, "next monday"),
])
def test_team_mistakes_are_flagged(team_schema, team, fragment) -> None:
    messages = " ".join(e.message for e in team_schema.iter_errors(team))
    assert fragment in messages


def test_plan_json_validates_against_the_plan_schema(tmp_path) -> None:
    plan_schema = validator("plan")
    for profile in ("rag", str(write_hostile_profile(tmp_path))):
        result = run(*plan_args("--profile", profile, "--format", "json"))
        assert result.exit_code == 0, result.stderr
        assert list(plan_schema.iter_errors(json.loads(result.stdout))) == []
    assert list(plan_schema.iter_errors({"profile": {}})) != []


def test_the_plan_schema_describes_the_forecast(tmp_path) -> None:
    # The forecast is a typed model, so a tool reading `forecast.sprints.p85` can rely on the schema for it.
    plan_schema = validator("plan")
    plan = json.loads(run("plan", "--profile", "rag", "--trials", "200", "--format", "json").stdout)
    assert plan["forecast"]["sprints"]["p85"] >= plan["forecast"]["sprints"]["p50"]
    plan["forecast"]["sprints"]["p85"] = "soon"
    assert any("soon" in error.message for error in plan_schema.iter_errors(plan))


def test_schema_to_a_file(tmp_path) -> None:
    target = tmp_path / "profile.schema.json"
    result = run("schema", "profile", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "sprintgen profile"


def test_unknown_kind_is_a_usage_error() -> None:
    result = run("schema", "sprint")
    assert result.exit_code == 2
    assert "'sprint' is not one of 'profile', 'team', 'plan'" in result.stderr
