"""Resource limits: alias bombs, huge files and deep nesting fail fast in bounded memory; big real inputs still plan.

Memory is measured in a child process (its own peak RSS, `VmHWM`) that also runs under an address-space cap, so a
regression fails with a MemoryError instead of swapping the machine. Bounds are generous on purpose (a normal run
peaks near 60-130 MiB): they tell "bounded" from "expands the bomb" (gigabytes), not fast from slow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sprintgen.profiles import conditions
from sprintgen.inputs import yamlio

from .support import CORPUS, assert_one_error_line, error_line, run, run_measured, write

PEAK_MIB = 300


def bomb_text(levels: int = 9, width: int = 9) -> str:
    """A 'billion laughs' document: `width ** levels` values once every alias is expanded, a few lines on disk."""
    items = ",".join(['"lol"'] * width)
    lines = [f"  - &a0 [{items}]"]
    for level in range(1, levels):
        lines.append(f"  - &a{level} [" + ",".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def assert_clean_failure(run, fragment: str) -> str:
    assert run.returncode == 2, run.stderr
    line = assert_one_error_line(run.stderr, run.stdout)
    assert fragment in line
    assert run.stdout == ""
    assert 0 < run.peak_mib < PEAK_MIB, f"peak memory {run.peak_mib:.0f} MiB"
    return line


def test_the_peak_measured_is_the_childs_own_not_the_test_process(tmp_path):
    ballast = bytearray(PEAK_MIB * 1024 * 1024)  # the test process holds more than PEAK_MIB of touched memory...
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    run = run_measured(["--version"], cwd=tmp_path, memory_cap_mib=PEAK_MIB * 4)
    assert run.returncode == 0, run.stderr
    assert 0 < run.peak_mib < PEAK_MIB / 2, f"the child reported {run.peak_mib:.0f} MiB: the parent's memory?"
    del ballast


def test_an_alias_bomb_in_a_profile_is_refused_in_bounded_memory(tmp_path):
    run = run_measured(["plan", "--profile", CORPUS / "alias-bomb.yaml"], cwd=tmp_path)
    line = assert_clean_failure(run, "YAML aliases expand to more than 10,000 values")
    assert "alias-bomb.yaml:11:" in line


def test_an_alias_bomb_in_a_team_file_is_refused_in_bounded_memory(tmp_path):
    team = write(tmp_path / "team.yaml", "name: Bomb\nmembers:\n" + bomb_text())
    run = run_measured(["plan", "--profile", "rag", "--team", team], cwd=tmp_path)
    assert_clean_failure(run, "alias bomb")


def test_too_many_aliases_are_refused_even_when_each_is_small(tmp_path):
    profile = write(tmp_path / "p.yaml", "id: p\nassumptions: &a [x]\nrisks: []\n"
                    + "definition_of_done: [" + ", ".join(["*a"] * 201) + "]\n")
    line = error_line(run("plan", "--profile", profile))
    assert "more than 200 YAML aliases" in line and "p.yaml:4:" in line


def test_a_few_ordinary_anchors_and_merge_keys_still_work(tmp_path):
    profile = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: e
            title: E
            stories:
              - &base {key: a, title: A, estimate: 3, skills: [python]}
              - {<<: *base, key: b, title: B}
    """)
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    assert [s["key"] for s in json.loads(result.stdout)["stories"]] == ["e.a", "e.b"]


def test_a_multi_megabyte_profile_is_refused_before_parsing(tmp_path):
    story = "      - {key: s%d, title: A story that is long enough to take some room, estimate: 3}\n"
    body = "id: big\nepics:\n  - key: e\n    title: E\n    stories:\n" + "".join(story % i for i in range(60_000))
    path = tmp_path / "big.yaml"
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size > 4 * 1024 * 1024
    run = run_measured(["plan", "--profile", path], cwd=tmp_path)
    line = assert_clean_failure(run, f"over the limit of {yamlio.MAX_FILE_BYTES:,} bytes")
    assert line.startswith(str(path)) and "split it" in line


def test_a_multi_megabyte_team_file_is_refused(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text("name: T\nholidays:\n" + "  - 2027-01-01\n" * 400_000, encoding="utf-8")
    line = error_line(run("plan", "--team", path))
    assert "team file is" in line and "over the limit" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_read_only_up_to_the_limit(tmp_path):
    run = run_measured(["plan", "--profile", "/dev/zero"], cwd=tmp_path)
    assert_clean_failure(run, "over the limit")


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")], ids=["lists", "mappings"])
def test_100000_levels_of_nesting_fail_cleanly_without_hanging(tmp_path, opening, closing):
    path = tmp_path / "deep.yaml"
    path.write_text("id: deep\nassumptions: " + opening * 100_000 + "1" + closing * 100_000 + "\n", encoding="utf-8")
    run = run_measured(["plan", "--profile", path], cwd=tmp_path, timeout=120)
    line = assert_clean_failure(run, f"nested deeper than {yamlio.MAX_DEPTH} levels")
    assert "deep.yaml:2:" in line


def test_nesting_up_to_the_limit_is_accepted(tmp_path):
    depth = yamlio.MAX_DEPTH - 2  # the document mapping and the assumptions list take two levels
    text = "id: p\nrisks: []\nx: " + "[" * depth + "]" * depth + "\n"
    assert yamlio.parse_yaml(text, "p.yaml")["id"] == "p"


def ten_thousand_stories() -> str:
    """100 epics of 100 stories: chains of ten inside each epic, and each chain head waits on the previous epic."""
    lines = ["id: huge", "name: Ten thousand stories", "epics:"]
    for epic in range(100):
        lines += [f"  - key: e{epic}", f"    title: Epic {epic}", "    stories:"]
        for story in range(100):
            if story % 10:
                dep = f", depends_on: [s{story - 1}]"
            elif epic:
                dep = f", depends_on: [e{epic - 1}.s{story}]"
            else:
                dep = ""
            lines.append(f"      - {{key: s{story}, title: Story {epic}-{story}, estimate: {1 + (story * 7 + epic) % 8}"
                         f"{dep}}}")
    return "\n".join(lines) + "\n"


def test_ten_thousand_stories_plan_with_every_story_once_and_dependencies_respected(tmp_path):
    profile = write(tmp_path / "huge.yaml", ten_thousand_stories())
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr[-2000:]
    plan = json.loads(result.stdout)
    sprint_of = {s["key"]: s["sprint"] for s in plan["stories"]}
    assert len(sprint_of) == 10_000 == len(plan["stories"])
    assert all(sprint is not None for sprint in sprint_of.values())
    listed = [key for sprint in plan["sprints"] for key in sprint["stories"]]
    assert sorted(listed) == sorted(sprint_of), "every story in exactly one sprint"
    for story in plan["stories"]:
        for dep in story["depends_on"]:
            assert sprint_of[dep] < story["sprint"], (dep, story["key"])  # sequential is the default mode
    for sprint in plan["sprints"]:
        assert sprint["load"] <= sprint["capacity"] + 1e-9


@pytest.mark.parametrize("expression, problem", [
    ("(" * 210 + "1" + ")" * 210, "nested"),
    ("not " * 120 + "true", None),  # deep but legal: evaluates
    ("1" + " + 1" * 120, None),
    ("9" * 400, None),
    ("99999999 * 99999999 * 99999999", "exceeds"),
    ("1e300 * 1e300 > 0", "not a finite number"),
    ("len('x' * 100000000)", "arithmetic needs numbers"),
    ("x" * 501, "longer than 500"),
])
def test_expressions_are_bounded_in_size_depth_and_magnitude(expression, problem):
    if problem is None:
        conditions.evaluate(expression, {})
    else:
        with pytest.raises(conditions.ExpressionError, match=problem):
            conditions.evaluate(expression, {})


@pytest.mark.parametrize("parser", ["libyaml", "python"])
@pytest.mark.parametrize("levels", [65, 1_001, 20_000])
def test_the_depth_limit_reads_the_same_whichever_parser_pyyaml_has(monkeypatch, parser, levels):
    # libyaml 0.2.6 refuses nesting past 1,000 levels in its own words before our composer counts; older builds and
    # PyYAML without libyaml do not. Either way the user reads sprintgen's limit, at the line where it is crossed.
    if parser == "python":
        monkeypatch.setattr(yamlio, "_Loader", yamlio._PyLoader)
    else:
        assert yamlio._Loader is not yamlio._PyLoader, "this PyYAML has no libyaml: install a wheel that bundles it"
    text = "id: deep\nassumptions:\n  - " + "[" * levels + "1" + "]" * levels + "\n"
    with pytest.raises(yamlio.InputError) as caught:
        yamlio.parse_yaml(text, "deep.yaml")
    assert str(caught.value) == "deep.yaml:3: nested deeper than 64 levels; flatten the structure"
