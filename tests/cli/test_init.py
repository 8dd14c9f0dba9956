"""`sprintgen init`: a commented team file and a custom profile that extends a built-in one."""

from __future__ import annotations

import json
import shlex

import pytest
import yaml

from ..support import run, write


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def uncomment_examples(path):
    """Turn the commented examples at the end of a scaffolded profile into real YAML."""
    head, examples = path.read_text(encoding="utf-8").split("# Examples: uncomment and adapt.\n")
    lines = [line[2:] if line.startswith("# ") else line for line in examples.splitlines()]
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


def next_command(output: str) -> list[str]:
    line = output.strip().splitlines()[-1].strip()
    assert line.startswith("sprintgen ")
    return shlex.split(line)[1:]


@pytest.mark.parametrize("base", ["rag", "fine-tuning", "hybrid"])
def test_init_scaffolds_valid_files_and_the_next_command_plans_them(here, base):
    result = run("init", "--profile", base)
    assert result.exit_code == 0, result.stderr
    assert f"created profiles/my-{base}.yaml" in result.stdout and "created team.yaml" in result.stdout
    profile = yaml.safe_load((here / "profiles" / f"my-{base}.yaml").read_text(encoding="utf-8"))
    assert profile["id"] == f"my-{base}" and profile["extends"] == [base]
    assert (here / "team.yaml").read_text(encoding="utf-8").startswith("# team.yaml")
    check = run("validate", "team.yaml", f"profiles/my-{base}.yaml")
    assert check.exit_code == 0, check.stderr
    args = next_command(result.stdout)
    assert args == ["plan", "--profile", f"my-{base}", "--team", "team.yaml"]
    planned = run(*args, "--format", "json")
    assert planned.exit_code == 0, planned.stderr
    mine = json.loads(planned.stdout)
    builtin = json.loads(run("plan", "--profile", base, "--team", "team.yaml", "--format", "json").stdout)
    assert mine["profile"]["id"] == f"my-{base}"
    assert [s["key"] for s in mine["stories"]] == [s["key"] for s in builtin["stories"]]


@pytest.mark.parametrize("base", ["rag", "fine-tuning"])
def test_the_commented_examples_are_correct_once_uncommented(here, base):
    assert run("init", "--profile", base).exit_code == 0
    path = here / "profiles" / f"my-{base}.yaml"
    uncomment_examples(path)
    team = here / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("# members:", "members:").replace("#   - {", "  - {"),
                    encoding="utf-8")
    assert run("validate", str(path), str(team)).exit_code == 0
    plan = json.loads(run("plan", "--profile", f"my-{base}", "--format", "json").stdout)
    keys = [s["key"] for s in plan["stories"]]
    assert "team-extras.review" in keys
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    removed = [f"{e['key']}.{s['key']}" for e in raw["epics"] for s in e.get("stories", []) if s.get("remove")]
    assert removed and not set(removed) & set(keys)
    assert not [f for f in plan["findings"] if f["code"] == "skill-missing"]  # the example members cover all skills
    assert len(plan["team"]["members"]) == 3


def test_init_never_overwrites_without_force(here):
    write(here / "team.yaml", "name: Mine\n")
    result = run("init")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().endswith("team.yaml already exists; nothing was written; use --force to "
                                          "overwrite, or run init in another directory")
    assert (here / "team.yaml").read_text(encoding="utf-8") == "name: Mine\n"
    assert not (here / "profiles").exists()  # nothing written, not even the file that did not exist
    forced = run("init", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "name: My team" in (here / "team.yaml").read_text(encoding="utf-8")
    again = run("init")
    assert again.exit_code == 2 and "team.yaml, profiles/my-rag.yaml already exist" in again.stderr


def test_from_recommend_extends_the_recommended_profile_with_its_parameters(here):
    write(here / "answers.yaml", """
        perfect_context: yes
        failure_kind: knowledge
        knowledge_change: fast
        data_sensitivity: health
        traffic: high
    """)
    result = run("init", "--from-recommend", "answers.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("recommend: rag")
    profile = yaml.safe_load((here / "profiles" / "my-rag.yaml").read_text(encoding="utf-8"))
    assert profile["parameters"]["compliance"]["default"] == ["hipaa"]
    assert profile["parameters"]["traffic"]["default"] == "high"
    plan = json.loads(run(*next_command(result.stdout), "--format", "json").stdout)
    assert plan["profile"]["parameters"]["compliance"] == ["hipaa"]
    assert plan["profile"]["parameters"]["traffic"] == "high"


def test_from_recommend_brand_voice_extends_fine_tuning(here):
    write(here / "answers.yaml", """
        perfect_context: no
        failure_kind: behaviour
        failure_examples: yes
        knowledge_change: stable
        team_skills: ml-training
        labelled_examples: 3000
    """)
    result = run("init", "--from-recommend", "answers.yaml", "--name", "brand-voice")
    assert result.exit_code == 0, result.stderr
    profile = yaml.safe_load((here / "profiles" / "brand-voice.yaml").read_text(encoding="utf-8"))
    assert profile["extends"] == ["fine-tuning"]
    contradiction = run("init", "--from-recommend", "answers.yaml", "--profile", "rag", "--force")
    assert contradiction.exit_code == 2 and "contradicts the recommendation (fine-tuning)" in contradiction.stderr


@pytest.mark.parametrize("args, fragment", [
    (["--name", "Bad Name"], "'Bad Name' is not a valid profile id"),
    (["--name", "rag"], "'rag' is a built-in profile id"),
    (["--profile", "nope"], "unknown profile 'nope'"),
    (["--param", "colour=red"], "profile 'rag' has no parameter 'colour'"),
    (["--param", "compliance=sox"], "parameter 'compliance': 'sox' is not one of the choices"),
    (["--from-recommend", "missing.yaml"], "missing.yaml: answers file not found"),
])
def test_init_errors_are_one_line_and_write_nothing(here, args, fragment):
    result = run("init", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(here.iterdir()) == []


def test_param_sets_a_default_in_the_new_profile(here):
    assert run("init", "--param", "compliance=gdpr").exit_code == 0
    plan = json.loads(run("plan", "--profile", "my-rag", "--format", "json").stdout)
    assert plan["profile"]["parameters"]["compliance"] == ["gdpr"]


def test_a_file_in_the_way_of_the_profiles_directory_is_a_clear_error(here):
    write(here / "profiles", "not a directory\n")
    result = run("init")
    assert result.exit_code == 2
    assert "profiles: cannot create the directory: a file is in the way" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (here / "team.yaml").exists()  # nothing written
