"""`sprintgen status --project` against the fake Jira (Cloud company-managed, Cloud team-managed, Data Center): push
the plan, play two sprints through the fake's workflow, then check the figures exactly and that the same progress
given as a file gives the same report. Every request is checked against Atlassian's specs by the fixture."""

from __future__ import annotations

import json
import logging

import pytest


from ..jira_fake.fixtures import START, push
from ..support import run, write_csv


def _key(fake, identity):
    (issue,) = fake.state.by_identity()[identity]
    return issue.key


def _add_story(fake, epic_key: str, summary: str, points: float) -> str:
    variant = fake.variant
    relation = {"parent": {"key": epic_key}} if variant.epic_relation == "parent" else {
        variant.epic_link_field: epic_key}
    payload = {"fields": {"project": {"key": "RAG"}, "issuetype": {"id": fake.state.types["Story"]["id"]},
                          "summary": summary, variant.points_field: points, **relation}}
    return fake.state.create(payload, "3" if variant.cloud else "2").key


def _play_two_sprints(fake):
    """Sprint 1: store done. Sprint 2: pipeline re-estimated 5 -> 6 and done; a 2-point story added to 'answer'
    and started; Sprint 3 started with retrieve in progress. Returns the added issue's key."""
    state = fake.state
    store, pipeline = _key(fake, "story:ingest.store"), _key(fake, "story:ingest.pipeline")
    retrieve = _key(fake, "story:answer.retrieve")
    state.start_sprint("Sprint 1")
    state.transition(store, "Done")
    state.close_sprint("Sprint 1", move_to="Sprint 2")
    state.start_sprint("Sprint 2")
    state.issues[pipeline].fields[fake.variant.points_field] = 6
    state.transition(pipeline, "Done")
    added = _add_story(fake, _key(fake, "epic:answer"), "Rerank the retrieved chunks", 2)
    state.transition(added, "In Progress")
    state.close_sprint("Sprint 2", move_to="Sprint 3")
    state.start_sprint("Sprint 3")
    state.transition(retrieve, "In Progress")
    return added


def _status(fake, profile, *args):
    argv = ["status", "--profile", str(profile), "--start", START, "--velocity", "10", "--trials", "300", *args]
    return run(*argv, env=fake.env())


def test_status_reads_jira_exactly_and_a_progress_file_gives_the_same_report(fake, mini_profile, tmp_path):
    assert push(fake, mini_profile).exit_code == 0
    added = _play_two_sprints(fake)
    writes = len(fake.writes())
    result = _status(fake, mini_profile, "--project", "RAG", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(fake.writes()) == writes  # read-only
    data = json.loads(result.stdout)
    assert data["source"] == "Jira RAG (board 1)" and data["tracker"] == "jira"
    assert [(v["name"], v["completed_points"], v["capacity"], v["planned_points"]) for v in data["velocity"]] == [
        ("Sprint 1", 4, 10, 4), ("Sprint 2", 6, 10, 5)]
    assert data["closed_sprints"] == 2 and data["current_sprint"] == 3
    total = data["total"]
    assert (total["done_points"], total["in_progress_points"], total["remaining_points"]) == (10, 10, 13)
    assert data["scope"]["planned_points"] == 20 and data["scope"]["added_points"] == 2
    assert data["scope"]["added"] == [added]
    assert data["scope"]["reestimated"] == [{"key": "ingest.pipeline", "planned": 5, "now": 6}]
    assert data["scope"]["current_points"] == 23
    assert data["slipped"] == [] and data["not_found"] == []
    epics = {e["key"]: e for e in data["epics"]}
    assert epics["answer"]["stories"] == 3 and epics["answer"]["in_progress_points"] == 10
    assert data["added"][0]["note"] == "added to epic answer in Jira"

    rows = [{"key": "ingest.store", "status": "Done", "points": 4, "sprint": "Sprint 1", "sprint_state": "closed",
             "epic": ""},
            {"key": "ingest.pipeline", "status": "Done", "points": 6, "sprint": "Sprint 2", "sprint_state": "closed",
             "epic": ""},
            {"key": "answer.retrieve", "status": "In Progress", "points": 8, "sprint": "Sprint 3",
             "sprint_state": "active", "epic": ""},
            {"key": "answer.cite", "status": "To Do", "points": 3, "sprint": "Sprint 4", "sprint_state": "future",
             "epic": ""},
            {"key": added, "status": "In Progress", "points": 2, "sprint": "Sprint 3", "sprint_state": "active",
             "epic": "answer"}]
    from_file = _status(fake, mini_profile, "--progress", str(write_csv(tmp_path / "progress.csv", rows)),
                        "--format", "json")
    other = json.loads(from_file.stdout)
    for report in (data, other):
        for name in ("source", "tracker", "added", "notes"):
            report.pop(name)
    assert other == data


def test_missing_stories_are_not_pushed_unidentified_issues_added_and_wont_do_removed(fake, mini_profile):
    assert push(fake, mini_profile).exit_code == 0
    cite = _key(fake, "story:answer.cite")
    fake.state.delete(cite, subtasks=True)
    untagged = _add_story(fake, _key(fake, "epic:ingest"), "Hand-made work", 1)
    fake.state.issues[untagged].fields["labels"] = ["sprintgen-mini"]  # the label, but no sprintgen identity
    retrieve = _key(fake, "story:answer.retrieve")
    fake.state.transition(retrieve, "Done")
    fake.state.issues[retrieve].fields["resolution"] = {"id": "10001", "name": "Won't Do"}  # cancelled
    result = _status(fake, mini_profile, "--project", "RAG", "--board", "1")
    assert result.exit_code == 0, result.output
    assert "1 of the plan's stories are not pushed; they are counted as still to do: answer.cite." in result.stdout
    assert "1 issue(s) are not stories of the plan and are counted as added scope" in result.stdout
    data = json.loads(_status(fake, mini_profile, "--project", "RAG", "--format", "json").stdout)
    assert data["not_found"] == ["answer.cite"]
    assert data["scope"]["removed"] == ["answer.retrieve"] and data["scope"]["removed_points"] == 8
    assert data["added"] == [{"key": untagged, "status": "todo", "points": 1.0, "issue": untagged, "epic": "ingest",
                              "title": "Hand-made work",
                              "note": "carries the plan label but no sprintgen identity"}]


def test_a_plan_pushed_without_sprints_has_its_figures_and_no_closed_sprint(fake, mini_profile):
    assert push(fake, mini_profile, "--without-sprints").exit_code == 0
    fake.state.boards.clear()  # a project with no scrum board at all
    fake.state.transition(_key(fake, "story:ingest.store"), "Done")
    data = json.loads(_status(fake, mini_profile, "--project", "RAG", "--format", "json").stdout)
    assert data["source"] == "Jira RAG (no scrum board)" and data["closed_sprints"] == 0
    assert data["total"]["done_points"] == 4 and data["total"]["remaining_points"] == 16


def test_several_scrum_boards_need_board(mini_profile, sleeps):
    from ..jira_fake import running_fake

    with running_fake("cloud-company", boards=2) as server:
        assert push(server, mini_profile, "--board", "2").exit_code == 0
        result = _status(server, mini_profile, "--project", "RAG")
        chosen = _status(server, mini_profile, "--project", "RAG", "--board", "2")
    assert result.exit_code == 3 and "several scrum boards" in result.stderr and "--board ID" in result.stderr
    assert chosen.exit_code == 0 and "from Jira RAG (board 2)" in chosen.stdout


@pytest.mark.parametrize("variant", ["cloud-company", "data-center"])
def test_status_shows_no_credentials_verbose_or_refused(variant, monkeypatch, mini_profile, sleeps, caplog):
    from ..jira_fake import running_fake
    from ..jira_fake import server as fake_server
    from .test_secrets import API_TOKEN, PAT, WRONG_TOKEN, assert_nowhere, secret_forms

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(fake_server, "API_TOKEN", API_TOKEN)  # the fake accepts only these distinctive tokens
    monkeypatch.setattr(fake_server, "PAT", PAT)
    with running_fake(variant) as server:
        assert push(server, mini_profile).exit_code == 0
        secret = API_TOKEN if server.variant.cloud else PAT  # someone pasted it into a story Jira now echoes
        _add_story(server, _key(server, "epic:answer"), f"Rotate {secret} after the demo", 1)
        verbose = _status(server, mini_profile, "--project", "RAG", "--verbose", "--format", "json")
        wrong = {"JIRA_API_TOKEN": WRONG_TOKEN} if server.variant.cloud else {"JIRA_PAT": WRONG_TOKEN}
        refused = run("status", "--profile", str(mini_profile), "--project", "RAG",
                      env={**server.env(), **wrong})
    assert verbose.exit_code == 0 and "> GET " in verbose.stderr  # the token travelled: a leak would show
    assert "Rotate <redacted> after the demo" in verbose.stdout
    assert refused.exit_code == 3 and refused.stderr.startswith("sprintgen: error: Jira answered HTTP 401")
    assert_nowhere(secret_forms(API_TOKEN, PAT, WRONG_TOKEN), verbose.stdout, verbose.stderr, refused.stdout,
                   refused.stderr, records=caplog.records)
