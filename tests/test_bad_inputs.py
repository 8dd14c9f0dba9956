"""The corpus of broken inputs (tests/bad_inputs/manifest.yaml) through the real CLI.

Every case must fail with the documented exit code, exactly one line on stderr naming the file, the place (line and/or
field path) and what to do, no traceback, and no output: `--output FILE` is neither created nor, when it existed,
changed by a single byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .support import CORPUS, SENTINEL, copy_corpus, error_line, run, run_subprocess

MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
HELPERS = {"manifest.yaml", "valid-profile.yaml"}  # in the directory but not broken inputs
STATES_EXPECTATION = ("Input should be", "need low <= likely <= high")


def case_id(case: dict) -> str:
    extra = " " + " ".join(case["args"]) if case.get("args") else ""
    return f"{case['file']}{extra} [{case['as']}]"


def plan_args(case: dict) -> list[str]:
    """The `sprintgen plan` command line for a case (run from inside a copy of the corpus)."""
    if case["as"] == "team":
        args = ["plan", "--profile", "valid-profile.yaml", "--team", case["file"]]
    elif case["as"] == "template":
        args = ["plan", "--profile", "valid-profile.yaml", "--template", case["file"]]
    else:
        args = ["plan", "--profile", case["file"]]
    return args + list(case.get("args", []))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return copy_corpus(tmp_path_factory.mktemp("corpus"))


def check_message(case: dict, line: str) -> None:
    """The line names the file (or option), the place, the problem and, after '; ', what to do."""
    name = case.get("names", case["file"])
    assert name in line, f"{name!r} not named in: {line}"
    if case.get("line"):
        assert f"{case['file']}:{case['line']}:" in line, f"line {case['line']} not named in: {line}"
    if case.get("where"):
        assert f": {case['where']}: " in line, f"field path {case['where']!r} not named in: {line}"
    # A list of fragments means "any of these": libyaml and PyYAML's Python parser word a few problems differently.
    fragments = case["message"] if isinstance(case["message"], list) else [case["message"]]
    fragment = next((f for f in fragments if f in line), None)
    assert fragment is not None, f"none of {fragments!r} in: {line}"
    hint = line.partition(fragment)[2].partition("; ")[2]
    # What to do: a hint after '; ', unless the message itself states what is expected ("Input should be ...").
    assert hint.strip() or fragment.startswith(STATES_EXPECTATION), f"no hint (what to do): {line}"


def test_the_corpus_holds_at_least_40_broken_files_all_listed_in_the_manifest():
    files = {p.name for p in CORPUS.iterdir() if p.is_file()} - HELPERS
    listed = {case["file"] for case in CASES}
    assert len(files) >= 40
    assert files <= listed, f"files missing from manifest.yaml: {sorted(files - listed)}"
    assert {c["file"] for c in CASES if not (CORPUS / c["file"]).exists()} == {"no-such-file.yaml"}
    assert (CORPUS / "a-directory").is_dir()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_broken_input_fails_with_one_clear_line_and_writes_nothing(case, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus)
    output = tmp_path / "roadmap.md"

    result = run(*plan_args(case) + ["--output", output])
    check_message(case, error_line(result, case["exit"]))
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [], "a failed run created a file (or left a temporary one)"

    output.write_bytes(SENTINEL)
    result = run(*plan_args(case) + ["--output", output])
    check_message(case, error_line(result, case["exit"]))
    assert output.read_bytes() == SENTINEL
    assert list(tmp_path.iterdir()) == [output]


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("args") and c["as"] != "template"], ids=case_id)
def test_validate_reports_a_broken_file_in_one_line(case, corpus, monkeypatch):
    monkeypatch.chdir(corpus)
    result = run("validate", case["file"])
    line = error_line(result, 2)
    assert case["file"] in line


def test_json_output_is_not_written_either(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus)
    output = tmp_path / "plan.json"
    output.write_bytes(SENTINEL)
    result = run("plan", "--profile", "dependency-cycle.yaml", "--format", "json", "--output", output)
    assert "dependency cycle" in error_line(result)
    assert output.read_bytes() == SENTINEL


def test_a_python_tag_is_refused_and_nothing_runs(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus)
    for name in ("python-tag-os-system.yaml", "team-python-tag.yaml"):
        args = ["plan", "--profile", name] if not name.startswith("team") else [
            "plan", "--profile", "valid-profile.yaml", "--team", name]
        result = run(*args)
        assert "is not allowed" in error_line(result)
        assert "PWNED" not in result.stdout
    assert not (corpus / "pwned.txt").exists()


SUBPROCESS_CASES = [
    "python-tag-os-system.yaml",
    "alias-bomb.yaml",
    "syntax-tab-indent.yaml",
    "not-utf8-latin1.yaml",
    "dependency-cycle.yaml",
    "when-attribute-access.yaml",
    "team-date-overflow.yaml",
    "a-directory",
    "template-pydantic-parse-raw.md.j2",
    "template-nested-ranges.md.j2",
    "template-join-bomb.md.j2",
    "nothing-to-plan-conditions.yaml",
    "for-each-key-clash-written-after.yaml",
    "team-duplicate-sprint-override.yaml",
    "extends-builtin-same-id-broken.yaml",
]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_in_a_real_process_stderr_is_one_line_and_never_a_traceback(name, corpus, tmp_path):
    case = next(c for c in CASES if c["file"] == name and not c.get("args"))
    output = tmp_path / "roadmap.md"
    output.write_bytes(SENTINEL)
    completed = run_subprocess(plan_args(case) + ["--output", output], cwd=corpus)
    assert completed.returncode == case["exit"], completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    check_message(case, lines[0].removeprefix("sprintgen: error: "))
    assert completed.stdout == ""
    assert output.read_bytes() == SENTINEL
    assert not (corpus / "pwned.txt").exists()


@pytest.mark.parametrize("args, fragment", [
    (["plan", "--start", "2027-02-30"], "Invalid value for '--start': '2027-02-30' is not a date"),
    (["plan", "--velocity", "fast"], "Invalid value for '--velocity'"),
    (["plan", "--velocity", "inf"], "velocity: Input should be a finite number"),
    (["plan", "--velocity", "0"], "velocity: Input should be greater than 0"),
    (["plan", "--velocity", "1e308"], "command line: velocity: Input should be less than or equal to 1000000"),
    (["plan", "--scope-growth", "1e308"], "--scope-growth: Input should be less than or equal to 1000000"),
    (["plan", "--scope-growth", "0-50"], "--scope-growth: scope growth is a fraction of the work (0.2 = 20%); 50 is"),
    (["plan", "--sprints", "0"], "Invalid value for '--sprints'"),
    (["plan", "--sprints", "100000000"], "--sprints: 100000000 sprints is more than 1000"),
    (["plan", "--dependencies", "parallel"], "Invalid value for '--dependencies'"),
    (["plan", "--outptu", "x.md"], "No such option '--outptu'"),
    (["plan", "--format", "pdf"], "unknown output format 'pdf'"),
    (["plan", "an-extra-argument"], "unexpected extra argument"),
    (["no-such-command"], "No such command 'no-such-command'"),
])
def test_a_bad_option_is_one_line_too(args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "roadmap.md"
    result = run(*args + (["--output", output] if args[0] == "plan" and "--outptu" not in args else []))
    line = error_line(result)
    assert fragment in line
    assert not output.exists()
