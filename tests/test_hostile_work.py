"""Issue 19 §2 and §3: inputs well under the file limits that used to cost minutes or gigabytes, and numbers read the
way their author meant them. Large inputs run in a child process under a memory cap and a timeout (the bound); the
exact figures are benchmarks/hostile_inputs.py's business.
"""

from __future__ import annotations

import json

import pytest

from sprintgen.inputs import yamlio
from sprintgen.profiles import files

from .support import assert_one_error_line, error_line, run, run_measured, write

PEAK_MIB = 400


def assert_refused_in_bounds(run, fragment: str, where: str) -> str:
    assert run.returncode == 2, run.stderr[-2000:]
    line = assert_one_error_line(run.stderr, run.stdout)
    assert fragment in line and where in line, line
    assert 0 < run.peak_mib < PEAK_MIB, f"peak memory {run.peak_mib:.0f} MiB"
    return line


def diamond_lattice(root, depth: int = 40):
    """Two profiles per level, each extending both of the level below: 2^depth paths, 2 * depth + 1 files."""
    write(root / "l0a.yaml", "id: l0a\nepics:\n  - {key: e, title: E, stories: [{key: s, title: S, estimate: 1}]}\n")
    write(root / "l0b.yaml", "id: l0b\nepics:\n  - {key: f, title: F, stories: [{key: t, title: T, estimate: 2}]}\n")
    for level in range(1, depth):
        for side in "ab":
            write(root / f"l{level}{side}.yaml",
                  f"id: l{level}{side}\nextends: [l{level - 1}a.yaml, l{level - 1}b.yaml]\n")
    return write(root / "top.yaml", f"id: top\nextends: [l{depth - 1}a.yaml, l{depth - 1}b.yaml]\n")


def test_an_extends_lattice_reads_each_of_its_81_files_once(tmp_path, monkeypatch):
    top = diamond_lattice(tmp_path)
    reads: list[str] = []
    real_read = files.read_text
    monkeypatch.setattr(files, "read_text", lambda path, what: reads.append(str(path)) or real_read(path, what))
    result = run("plan", "--profile", top, "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    assert [s["key"] for s in json.loads(result.stdout)["stories"]] == ["e.s", "f.t"]
    assert len(reads) == 81 == len({files.file_key(p) for p in reads})


def test_an_extends_lattice_plans_in_a_child_process_within_bounds(tmp_path):
    top = diamond_lattice(tmp_path)
    run = run_measured(["plan", "--profile", top, "--no-forecast"], cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.peak_mib < PEAK_MIB


def test_a_18_mb_base_60_number_is_text_and_refused_quickly(tmp_path):
    number = ":".join(["59"] * 600_000)
    profile = write(tmp_path / "p.yaml", "id: p\nepics:\n  - key: e\n    title: E\n    stories:\n"
                                         f"      - {{key: s, title: S, estimate: 1:{number}}}\n")
    assert profile.stat().st_size > 1_800_000
    run = run_measured(["plan", "--profile", profile], cwd=tmp_path, timeout=60)
    assert_refused_in_bounds(run, "is not an estimate", "p.yaml:6: epics[0].stories[0].estimate")


def test_3000_stories_each_waiting_on_a_3000_story_epic_are_refused_with_the_limit(tmp_path):
    big = "".join(f"      - {{key: b{i}, title: B, estimate: 1}}\n" for i in range(3000))
    waiting = "".join(f"      - {{key: w{i}, title: W, estimate: 1, depends_on: [big]}}\n" for i in range(3000))
    profile = write(tmp_path / "p.yaml", "id: p\nepics:\n  - key: big\n    title: Big\n    stories:\n" + big
                    + "  - key: later\n    title: Later\n    stories:\n" + waiting)
    run = run_measured(["plan", "--profile", profile], cwd=tmp_path, timeout=60)
    line = assert_refused_in_bounds(run, "more than 500,000 dependencies once epic references are expanded",
                                    "later.w")
    assert "p.yaml:" in line and "through 'big'" in line


def test_many_dependencies_on_an_epic_under_the_limit_still_plan(tmp_path):
    big = "".join(f"      - {{key: b{i}, title: B, estimate: 1}}\n" for i in range(300))
    waiting = "".join(f"      - {{key: w{i}, title: W, estimate: 1, depends_on: [big, big.b1]}}\n"
                      for i in range(300))
    profile = write(tmp_path / "p.yaml", "id: p\nepics:\n  - key: big\n    title: Big\n    stories:\n" + big
                    + "  - key: later\n    title: Later\n    stories:\n" + waiting)
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast", "--velocity", "1000")
    assert result.exit_code == 0, result.stderr
    stories = json.loads(result.stdout)["stories"]
    assert len(stories[-1]["depends_on"]) == 300  # the epic's stories once each, big.b1 not twice


def test_a_team_file_of_150000_weekend_holidays_is_refused_with_the_limit(tmp_path):
    import datetime as dt

    saturdays = [dt.date(2027, 1, 2) + dt.timedelta(weeks=w) for w in range(150_000 // 2)]
    days = [d + dt.timedelta(days=k) for d in saturdays for k in (0, 1) if (d + dt.timedelta(days=k)).year < 9999]
    team = write(tmp_path / "team.yaml", "name: T\nholidays: [" + ", ".join(d.isoformat() for d in days) + "]\n")
    assert 1_500_000 < team.stat().st_size < yamlio.MAX_FILE_BYTES
    run = run_measured(["plan", "--profile", "rag", "--team", team], cwd=tmp_path, timeout=60)
    assert_refused_in_bounds(run, "List should have at most 10000 items", "team.yaml:2: holidays")


def test_holidays_up_to_the_limit_plan(tmp_path):
    import datetime as dt

    days = [dt.date(2027, 1, 4) + dt.timedelta(days=k) for k in range(10_000)]
    team = write(tmp_path / "team.yaml", "name: T\nsprint: {start: 2027-01-04}\nholidays: ["
                 + ", ".join(d.isoformat() for d in days[::2]) + "]\n")
    run = run_measured(["plan", "--profile", "rag", "--team", team, "--no-forecast"], cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]


def test_an_answers_file_with_a_5000_digit_number_is_one_clear_line(tmp_path):
    answers = write(tmp_path / "answers.yaml", "knowledge_change: " + "1" * 5000 + "\n")
    line = error_line(run("recommend", "--answers", answers))
    assert line.startswith(f"{answers}:1: a number of 5,000 characters (more than 100)")


@pytest.mark.parametrize("text, expected", [
    ("[SE, NO, DK]", ["SE", "NO", "DK"]),
    ("[yes, no, on, off, y, n]", ["yes", "no", "on", "off", "y", "n"]),
    ("[1:30, 0b101, 1_000, 2027-01-04]", ["1:30", "0b101", "1_000", "2027-01-04"]),
    ("[true, False, null, ~, 10, -3, 0o17, 0x1F, 1.5, 1e3, .5, '010']", [True, False, None, None, 10, -3, 15, 31,
                                                                        1.5, 1000.0, 0.5, "010"]),
])
def test_scalars_are_read_by_the_yaml_1_2_core_schema(text, expected):
    assert yamlio.parse_yaml(f"x: {text}\n", "f.yaml")["x"] == expected
    assert yamlio.parse_yaml(f"x: {text}\n", "f.yaml", lines=False)["x"] == expected


def test_country_codes_stay_country_codes_in_a_plan(tmp_path):
    profile = write(tmp_path / "p.yaml", """
        id: p
        parameters:
          markets: {type: list, default: [SE, NO, DK]}
          gate: {type: choice, choices: [yes, no], default: no}
        epics:
          - key: e
            title: E
            stories:
              - {key: loc, for_each: markets, title: "Localise for {item}", estimate: 2}
              - {key: review, title: Review, estimate: 1, when: "gate == 'yes'"}
    """)
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast", "--param", "gate=yes")
    assert result.exit_code == 0, result.stderr
    titles = [s["title"] for s in json.loads(result.stdout)["stories"]]
    assert titles == ["Localise for SE", "Localise for NO", "Localise for DK", "Review"]


def test_an_integer_parameter_is_exact(tmp_path):
    profile = write(tmp_path / "p.yaml", """
        id: p
        parameters:
          budget: {type: int, default: 1}
        epics:
          - {key: e, title: E, stories: [{key: s, title: S, estimate: 1, when: "budget > 9007199254740992"}]}
    """)
    result = run("plan", "--profile", profile, "--format", "json", "--no-forecast",
                 "--param", "budget=9007199254740993")
    assert result.exit_code == 0, result.stderr
    assert '"budget": 9007199254740993' in result.stdout
    assert [s["key"] for s in json.loads(result.stdout)["stories"]] == ["e.s"]  # 2^53 + 1 > 2^53: not a float


def test_a_parameter_number_beyond_the_bound_is_refused(tmp_path):
    profile = write(tmp_path / "p.yaml", "id: p\nparameters:\n  n: {type: number, default: 1}\nepics: []\n")
    line = error_line(run("plan", "--profile", profile, "--param", "n=1e300"))
    assert "parameter 'n': '1e300' is beyond ±10^18" in line and "--param" in line
