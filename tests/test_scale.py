"""Large backlogs written as many files (issue 18): `include:` of epic files and directories, its errors and limits,
and a 10,000-story programme planned end to end (correctness only; benchmarks/scale.py measures time and memory)."""

from __future__ import annotations

import json

from sprintgen.profiles import files

from .support import error_line, run, write
from .large_profiles import write_program, write_team


def test_a_10000_story_profile_in_100_files_plans_every_story_once_and_keeps_every_dependency(tmp_path):
    profile = write_program(tmp_path, 10_000, "include", epics_per_file=1)
    assert len(list((tmp_path / "epics").iterdir())) == 100
    team = write_team(tmp_path)
    result = run("plan", "--profile", profile, "--team", team, "--format", "json")
    assert result.exit_code == 0, result.stderr[-2000:]
    plan = json.loads(result.stdout)
    sprint_of = {s["key"]: s["sprint"] for s in plan["stories"]}
    assert len(plan["stories"]) == 10_000 == len(sprint_of)
    listed = [key for sprint in plan["sprints"] for key in sprint["stories"]]
    assert sorted(listed) == sorted(sprint_of), "every story in exactly one sprint"
    assert None not in sprint_of.values()
    edges = [(dep, s["key"]) for s in plan["stories"] for dep in s["depends_on"]]
    assert len(edges) == 30_000
    assert all(sprint_of[dep] < sprint_of[key] for dep, key in edges)  # sequential, the default
    for sprint in plan["sprints"]:
        assert sprint["load"] <= sprint["capacity"] + 1e-9
    assert plan["forecast"]["sprints"]["p50"] >= len(plan["sprints"]) - 1


def layout(tmp_path, epic_files: dict[str, str], include: str = "[epics/]"):
    (tmp_path / "epics").mkdir()
    for name, text in epic_files.items():
        write(tmp_path / "epics" / name, text)
    return write(tmp_path / "program.yaml", f"id: program\ninclude: {include}\nepics:\n"
                                            "  - {key: own, title: Own, stories: [{key: a, title: A, estimate: 1}]}\n")


def test_included_epics_come_first_in_file_order_then_the_profiles_own(tmp_path):
    profile = layout(tmp_path, {
        "b.yaml": "epics:\n  - {key: second, title: B, stories: [{key: x, title: X, estimate: 2, "
                  "depends_on: [first.y]}]}\n",
        "a.yml": "epics:\n  - {key: first, title: A, stories: [{key: y, title: Y, estimate: 3}]}\n",
        "notes.txt": "not an epic file",
    })
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [e["key"] for e in plan["epics"]] == ["first", "second", "own"]
    assert next(s for s in plan["stories"] if s["key"] == "second.x")["depends_on"] == ["first.y"]


def test_an_error_in_an_included_file_names_that_file_and_line(tmp_path):
    profile = layout(tmp_path, {"a.yaml": "epics:\n  - key: e\n    title: E\n    stories:\n"
                                          "      - {key: s, title: S, estimate: lots}\n"})
    line = error_line(run("plan", "--profile", profile))
    assert line.startswith(f"{tmp_path / 'epics' / 'a.yaml'}:5: epics[0].stories[0].estimate: ")


def test_a_dependency_error_names_the_included_file_and_the_storys_line(tmp_path):
    profile = layout(tmp_path, {"a.yaml": "epics:\n  - key: e\n    title: E\n    stories:\n"
                                          "      - {key: s, title: S, estimate: 1}\n"
                                          "      - {key: t, title: T, estimate: 1, depends_on: [nowhere]}\n"})
    line = error_line(run("plan", "--profile", profile))
    assert line.startswith(f"{tmp_path / 'epics' / 'a.yaml'}:6: e.t.depends_on: ")
    assert "unknown key 'nowhere'" in line


def test_the_same_epic_in_two_files_names_both(tmp_path):
    profile = layout(tmp_path, {"a.yaml": "epics:\n  - {key: e, title: E, stories: []}\n",
                                "b.yaml": ("# more epics\n# of the same programme\n"
                                           "epics:\n  - {key: e, title: E again, stories: []}\n")})
    line = error_line(run("plan", "--profile", profile))
    assert line.startswith(f"{tmp_path / 'epics' / 'b.yaml'}:4: epics[0].key: duplicate epic key 'e' "
                           f"(also {tmp_path / 'epics' / 'a.yaml'}:2)")


def test_a_missing_include_names_the_profiles_include_line(tmp_path):
    profile = layout(tmp_path, {}, include="[epics/, nowhere.yaml]")
    line = error_line(run("plan", "--profile", profile))
    assert line.startswith(f"{profile}:2: include[1]: included file 'nowhere.yaml' does not exist")


def test_an_included_file_is_an_epic_file_not_a_profile(tmp_path):
    profile = layout(tmp_path, {"a.yaml": "id: sneaky\nepics: []\n"})
    line = error_line(run("plan", "--profile", profile))
    assert f"{tmp_path / 'epics' / 'a.yaml'}:1: id: unknown field" in line


def test_each_included_file_has_the_per_file_limit(tmp_path):
    profile = layout(tmp_path, {"a.yaml": "epics: []\n" + "# padding\n" * 250_000})
    line = error_line(run("plan", "--profile", profile))
    assert line.startswith(f"{tmp_path / 'epics' / 'a.yaml'}: epic file is ") and "over the limit" in line


def test_all_files_of_a_profile_together_have_a_total_limit(tmp_path, monkeypatch):
    profile = layout(tmp_path, {f"{n}.yaml": f"epics:\n  - {{key: e{n}, title: E, stories: []}}\n" + "#" * 500
                                for n in range(10)})
    assert run("plan", "--profile", profile, "--no-forecast").exit_code == 0
    monkeypatch.setattr(files, "MAX_TOTAL_BYTES", 3_000)
    line = error_line(run("plan", "--profile", profile))
    assert "the profile's files come to more than 3,000 bytes with this one" in line
    assert line.startswith(str(tmp_path / "epics"))
