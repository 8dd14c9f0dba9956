"""One name per profile and errors that name the right file: ids against file names, `extends` by file identity,
and a chain too deep refused where it goes too deep (it used to exhaust the stack and blame an innocent file)."""

from __future__ import annotations

import json

from sprintgen.profiles.merge import MAX_EXTENDS_DEPTH

from .support import SENTINEL, error_line, run, run_subprocess, write

STORY = "epics:\n  - key: e\n    title: E\n    stories:\n      - {key: a, title: A, estimate: 3}\n"


def test_a_listed_profile_whose_id_is_not_its_file_name_is_refused_everywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "profiles" / "support-bot.yaml", "id: helpdesk\nname: Support bot\n" + STORY)
    listing = run("profiles")
    assert listing.exit_code == 0
    row = next(line for line in listing.stdout.splitlines() if line.startswith("support-bot "))
    assert "(invalid: the id 'helpdesk' does not match the file name 'support-bot.yaml')" in row
    output = tmp_path / "roadmap.md"
    output.write_bytes(SENTINEL)
    for ref in ("support-bot", "profiles/support-bot.yaml"):
        line = error_line(run("plan", "--profile", ref, "-o", output))
        assert "support-bot.yaml:1: id: the id 'helpdesk' does not match the file name 'support-bot.yaml'; " \
               "set `id: support-bot` or rename the file to helpdesk.yaml" in line
    assert output.read_bytes() == SENTINEL


def test_an_unlisted_profile_file_may_have_any_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "drafts" / "first-try.yaml", "id: helpdesk\nname: Support bot\n" + STORY)
    result = run("plan", "--profile", "drafts/first-try.yaml", "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["profile"]["id"] == "helpdesk"


def test_taking_the_id_of_the_profile_you_extend_is_no_cycle(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "our-rag.yaml", "id: rag\nname: Our RAG\nextends: [rag]\n" + STORY)
    result = run("plan", "--profile", "our-rag.yaml", "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["profile"]["name"] == "Our RAG" and "e.a" in {s["key"] for s in plan["stories"]}
    assert len(plan["stories"]) > 30  # the built-in's stories are inherited


def _chain(tmp_path, depth: int, broken_last: bool = False) -> None:
    for level in range(depth):
        extends = f"extends: [p{level + 1}.yaml]\n" if level < depth - 1 else ""
        story = STORY.replace("estimate: 3", "estimate: lots") if broken_last and level == depth - 1 else STORY
        write(tmp_path / f"p{level}.yaml", f"id: p{level}\nname: P{level}\n{extends}"
              + story.replace("key: e\n", f"key: e{level}\n"))


def test_a_chain_at_the_depth_limit_plans(tmp_path):
    _chain(tmp_path, MAX_EXTENDS_DEPTH)
    result = run("plan", "--profile", tmp_path / "p0.yaml", "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["stories"]) == MAX_EXTENDS_DEPTH


def test_a_thousand_deep_chain_is_refused_at_the_file_that_goes_too_deep(tmp_path):
    _chain(tmp_path, 1000, broken_last=True)
    output = tmp_path / "roadmap.md"
    output.write_bytes(SENTINEL)
    completed = run_subprocess(["plan", "--profile", "p0.yaml", "-o", output], cwd=tmp_path)
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr == (
        f"sprintgen: error: p{MAX_EXTENDS_DEPTH - 1}.yaml:3: extends: the 'extends' chain is deeper than "
        f"{MAX_EXTENDS_DEPTH} profiles (p0 -> ... -> p{MAX_EXTENDS_DEPTH - 1} -> p{MAX_EXTENDS_DEPTH}.yaml); "
        "extend fewer levels: fold some of the parents into one profile\n")
    assert output.read_bytes() == SENTINEL
