"""`sprintgen push`: set-up problems found before writing, capacity, confirmation, credentials, offline dry run."""

from __future__ import annotations

import json
import re
import subprocess
import sys



from ..jira_fake import API_TOKEN, PAT, openapi_check, running_fake
from ..jira_fake.fixtures import assert_mini_in_jira, push
from ..support import run


def _story_type_id(fake):
    return fake.state.types["Story"]["id"]


def _existing_issue_in_sprint(fake, sprint, points):
    payload = {"fields": {"project": {"key": "RAG"}, "issuetype": {"id": _story_type_id(fake)},
                          "summary": "Work the team already committed", fake.variant.points_field: points}}
    issue = fake.state.create(payload, "3" if fake.variant.cloud else "2")
    fake.state.move_to_sprint(sprint.id, [issue.key])
    return issue


# --- fields and screens --------------------------------------------------------------------------------------------

def test_points_field_missing_from_the_create_screen_is_named_before_writing(fake, mini_profile):
    fake.state.screens["Story"].pop(fake.variant.points_field)
    fake.state.board_estimates = False  # and the board cannot set it either
    result = push(fake, mini_profile)
    assert result.exit_code == 3
    # with no board estimating by a field, the site's first points field is named (cloud-company has two)
    assert re.search(r"the story points field '(Story Points|Story point estimate)' \(customfield_\d+\) is not on "
                     r"the create screen of Story in project RAG, and no scrum board", result.output), result.output
    where = "Project settings > Issue types > Story" if fake.variant.team_managed else "Project settings > Screens"
    assert where in result.output
    assert [r for r in fake.requests if r[0] != "GET"] == []


def test_a_required_field_sprintgen_cannot_fill_stops_the_push(cloud, mini_profile):
    cloud.variant.fields.append({"id": "customfield_10200", "key": "customfield_10200", "name": "Team",
                                 "custom": True, "schema": {"type": "string", "custom": "x:team", "customId": 10200}})
    cloud.state.screens["Story"]["customfield_10200"] = True
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    assert "Jira requires the field 'Team' (customfield_10200) to create a Story in project RAG" in result.output
    assert "make the field optional or give it a default value" in result.output
    assert cloud.state.issues == {}


def test_no_epic_relation_on_the_screen_is_reported(datacenter, mini_profile):
    datacenter.state.screens["Story"].pop("customfield_10101")
    result = push(datacenter, mini_profile)
    assert result.exit_code == 3
    assert "add 'Epic Link' (customfield_10101) to the screen" in result.output


def test_labels_missing_from_a_screen_is_refused(cloud, mini_profile):
    cloud.state.screens["Epic"].pop("labels")
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    assert "the field 'labels' is not on the create screen of Epic" in result.output
    assert "finds its issues again by their label" in result.output


# --- boards and sprints --------------------------------------------------------------------------------------------

def test_no_board_is_an_error_unless_pushing_without_sprints(sleeps, mini_profile):
    with running_fake("cloud-team", boards=0) as fake:
        result = push(fake, mini_profile)
        assert result.exit_code == 3 and "project RAG has no scrum board" in result.output
        assert "push without sprints with --without-sprints" in result.output
        result = push(fake, mini_profile, "--without-sprints")
        assert result.exit_code == 0, result.output
        assert len(fake.state.issues) == 6 and fake.state.sprints == {}
        assert fake.spec_errors == []
        result = push(fake, mini_profile, "--no-sprints")  # the alias: the same push, nothing new to create
        assert result.exit_code == 0, result.output
        assert len(fake.state.issues) == 6 and fake.state.sprints == {}


def test_a_site_without_a_sprint_field_names_the_option_that_skips_sprints(cloud, mini_profile):
    sprint = next(f for f in cloud.variant.fields if f["name"] == "Sprint")
    sprint["schema"] = {**sprint["schema"], "custom": "com.example:not-a-sprint"}  # the site has no Sprint type
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    assert "this Jira site has no Sprint field; push without sprints with --without-sprints" in result.output
    assert push(cloud, mini_profile, "--no-sprints").exit_code == 0


def test_several_boards_need_board_id(sleeps, mini_profile):
    with running_fake("data-center", boards=2) as fake:
        result = push(fake, mini_profile)
        assert result.exit_code == 3 and "several scrum boards: 1 (RAG board 1), 2 (RAG board 2)" in result.output
        result = push(fake, mini_profile, "--board", "2")
        assert result.exit_code == 0, result.output
        assert {s.board_id for s in fake.state.sprints.values()} == {2}
        assert "rapidView=2" in result.output


def test_existing_sprints_are_found_by_name_and_closed_ones_are_not_reused(cloud, mini_profile):
    existing = cloud.state.add_sprint("Sprint 2", 1)
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert "Sprints to create: 3" in result.output
    assert sorted(s.name for s in cloud.state.sprints.values()) == ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4"]
    (pipeline,) = cloud.state.by_identity()["story:ingest.pipeline"]
    assert cloud.state.issue_sprints[pipeline.key] == [existing.id]

    with running_fake("cloud-company") as other:
        closed = other.state.add_sprint("Sprint 3", 1, state="closed")
        result = push(other, mini_profile)
        assert result.exit_code == 0, result.output
        assert "closed sprints Sprint 3 are history (never written)" in result.output
        # the plan goes after the closed sprint, numbered on; the closed sprint gets nothing
        names = sorted(s.name for s in other.state.sprints.values())
        assert names == ["Sprint 3", "Sprint 4", "Sprint 5", "Sprint 6", "Sprint 7"]
        assert not any(closed.id in ids for ids in other.state.issue_sprints.values())
        result = push(other, mini_profile, "--sprint-prefix", "RAG ")
        assert result.exit_code == 0, result.output
        assert "RAG Sprint 1" in {s.name for s in other.state.sprints.values()}


# --- capacity --------------------------------------------------------------------------------------------------------

def test_capacity_check_refuses_to_overfill_an_existing_sprint(fake, mini_profile):
    sprint = fake.state.add_sprint("Sprint 1", 1)  # planned by the team, not started
    _existing_issue_in_sprint(fake, sprint, 8)
    result = push(fake, mini_profile)
    assert result.exit_code == 1
    assert "pushing would fill 1 sprint beyond the team's capacity: Sprint 1: 8 committed in Jira + 4 from the " \
           "plan = 12 of 10" in result.output
    assert "--allow-overcommit" in result.output
    assert len(fake.state.issues) == 1  # nothing written
    result = push(fake, mini_profile, "--allow-overcommit")
    assert result.exit_code == 0, result.output
    assert "warning: pushing overfills 1 sprint" in result.output
    assert len([s for s in fake.state.sprints.values() if s.name == "Sprint 1"]) == 1
    # a re-run counts its own issues as planned, not as existing: still the same figures
    again = push(fake, mini_profile, "--allow-overcommit")
    assert "Sprint 1: 8 committed in Jira + 4 from the plan = 12 of 10" in again.output


def test_capacity_within_limits_passes(cloud, mini_profile):
    sprint = cloud.state.add_sprint("Sprint 1", 1)
    _existing_issue_in_sprint(cloud, sprint, 6)
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert "Sprint 1: 6 committed in Jira + 4 from the plan = 10 of 10 [future]" in result.output


# --- confirmation, dry run, credentials ----------------------------------------------------------------------------

def test_without_yes_and_without_a_terminal_nothing_is_written(cloud, mini_profile):
    result = push(cloud, mini_profile, yes=False)
    assert result.exit_code == 2
    assert "not asking for confirmation: standard input is not a terminal" in result.output
    assert cloud.state.issues == {}


def test_confirmation_on_a_terminal(cloud, mini_profile, monkeypatch):
    monkeypatch.setattr("sprintgen.cli.push._interactive", lambda: True)
    result = push(cloud, mini_profile, yes=False, input="n\n")
    assert result.exit_code == 1 and "Write these 18 changes to Jira?" in result.output
    assert cloud.state.issues == {}
    result = push(cloud, mini_profile, yes=False, input="y\n")
    assert result.exit_code == 0, result.output
    assert_mini_in_jira(cloud)


def test_dry_run_without_a_server_lists_what_would_be_created(mini_profile):
    result = run("push", "--profile", str(mini_profile), "--dry-run", "--velocity", "10",
                 "--start", "2027-01-04")
    assert result.exit_code == 0, result.output
    assert "Dry run without a Jira server" in result.output
    assert "Epics: 2" in result.output and "Stories: 4" in result.output
    assert "ingest.store blocks ingest.pipeline" in result.output
    assert "Sprint 1 (2027-01-04 to 2027-01-17): 4 of 10 points" in result.output


def test_missing_project_and_credentials_are_input_errors(mini_profile):
    result = run("push", "--profile", str(mini_profile), env={"JIRA_URL": "https://x.example"})
    assert result.exit_code == 2 and "--project: no Jira project given" in result.output
    result = run("push", "--profile", str(mini_profile), "--project", "RAG",
                 env={"JIRA_URL": "https://x.example"})
    assert result.exit_code == 2 and "credentials: no Jira credentials found" in result.output
    result = run("push", "--profile", str(mini_profile), "--project", "RAG",
                 env={"JIRA_URL": "https://x.example", "JIRA_EMAIL": "a@b.c"})
    assert result.exit_code == 2 and "JIRA_EMAIL is set but JIRA_API_TOKEN is not" in result.output
    result = run("push", "--profile", str(mini_profile), "--project", "RAG",
                 env={"JIRA_URL": "https://me:pw@x.example", "JIRA_PAT": "t"})
    assert result.exit_code == 2 and "must not contain a user name or password" in result.output
    assert "pw" not in result.output


def test_rejected_credentials_exit_3_without_leaking_them(cloud, mini_profile):
    result = push(cloud, mini_profile, env={"JIRA_API_TOKEN": "wrong-token-987"})
    assert result.exit_code == 3
    assert "Jira answered HTTP 401 to GET /rest/api/2/serverInfo" in result.output
    assert "check JIRA_EMAIL and JIRA_API_TOKEN" in result.output
    assert "wrong-token-987" not in result.output and "Traceback" not in result.output


def test_unknown_project_is_a_remote_error(datacenter, mini_profile):
    result = run("push", "--profile", str(mini_profile), "--project", "NOPE", "--yes",
                 env=datacenter.env())
    assert result.exit_code == 3
    assert "HTTP 404 to GET /rest/api/2/project/NOPE: No project could be found with key 'NOPE'" in result.output


def test_verbose_logs_requests_with_authorization_redacted(fake, mini_profile, tmp_path):
    result = push(fake, mini_profile, "--verbose")
    assert result.exit_code == 0, result.output
    assert "> POST " in result.output and "Authorization: <redacted>" in result.output
    for secret in (API_TOKEN, PAT):
        assert secret not in result.output
    assert not any(secret in p.read_text(errors="ignore") for p in tmp_path.rglob("*") if p.is_file()
                   for secret in (API_TOKEN, PAT))


def test_help_and_plan_do_not_import_jira():
    code = ("import sys\nfrom sprintgen.cli import main\n"
            "for args in (['--help'], ['push', '--help'], ['plan', '--profile', 'rag', '--format', 'json']):\n"
            "    try:\n        main(args, standalone_mode=False)\n    except SystemExit:\n        pass\n"
            "print('JIRA-IMPORTED' if 'jira' in sys.modules else 'JIRA-NOT-IMPORTED', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "JIRA-NOT-IMPORTED" in done.stderr, done.stderr


# --- the spec validation itself --------------------------------------------------------------------------------------

def test_spec_validation_rejects_requests_jira_would_reject():
    openapi_check.require_specs()
    bad = openapi_check.validate_request("POST", "/rest/api/2/issueLink", "", {"Content-Type": "application/json"},
                                         json.dumps({"type": {"name": "Blocks"}, "inward": {"key": "A-1"}}).encode())
    assert bad and "'inwardIssue' is a required property" in bad
    good = openapi_check.validate_request("POST", "/rest/agile/1.0/sprint/3/issue", "",
                                          {"Content-Type": "application/json"}, b'{"issues": ["A-1"]}')
    assert good is None
    assert openapi_check.spec_path("/rest/api/2/search") == ("platform", "/rest/api/3/search")
    unknown = openapi_check.validate_request("GET", "/rest/api/3/no-such-endpoint", "", {}, b"")
    assert unknown and "PathNotFound" in unknown


def test_progress_bar_path_on_a_terminal(cloud, mini_profile, monkeypatch):
    monkeypatch.setattr("sprintgen.cli.push._show_progress", lambda writes: True)
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert "Pushing" in result.output
    assert_mini_in_jira(cloud)


# --- story points off the screens ----------------------------------------------------------------------------------

def test_points_not_on_the_story_screen_land_through_the_board_estimation(sleeps, mini_profile):
    with running_fake("cloud-points-off-screen") as fake:
        result = push(fake, mini_profile)
        assert result.exit_code == 0, result.output
        assert "set through board 1 (not on the Story screen)" in result.output
        (store,) = fake.state.by_identity()["story:ingest.store"]
        assert store.fields["customfield_10026"] == 4.0
        estimations = [r for r in fake.requests if r[1].endswith("/estimation")]
        assert len(estimations) == 4 and {m for m, _ in estimations} == {"PUT"}
        mark = len(fake.requests)
        assert "Nothing to change" in push(fake, mini_profile).output
        mini_profile.write_text(mini_profile.read_text().replace("estimate: 3-5", "estimate: 2"), encoding="utf-8")
        assert push(fake, mini_profile).exit_code == 0
        assert store.fields["customfield_10026"] == 2.0
        assert [m for m, p in fake.requests[mark:] if p.endswith("/estimation")] == ["PUT"]
        assert fake.spec_errors == [], fake.spec_errors


def test_points_are_refused_only_when_neither_the_screen_nor_a_board_can_set_them(sleeps, mini_profile):
    with running_fake("cloud-points-off-screen", boards=0) as fake:
        result = push(fake, mini_profile, "--without-sprints")
        assert result.exit_code == 3
        assert "is not on the create screen of Story in project RAG, and no scrum board of the project estimates " \
               "with it" in result.output
        assert "to the screen (company-managed project" in result.output
        assert "Board settings > Estimation" in result.output
        assert fake.state.issues == {}
    with running_fake("cloud-points-off-screen") as fake:
        fake.inject("403", "PUT", r"/estimation$", times=1)
        result = push(fake, mini_profile)
        assert result.exit_code == 3
        assert "story points not set: the field 'Story Points' is not on the Story screen and board 1 refused " \
               "the estimate" in result.output
        assert push(fake, mini_profile).exit_code == 0  # the next push sets the points it could not set
        (store,) = fake.state.by_identity()["story:ingest.store"]
        assert all(i.fields.get("customfield_10026") for i in fake.state.issues.values() if i.type_name == "Story")


def test_more_than_50_boards_are_all_read(sleeps, mini_profile):
    with running_fake("cloud-company", kanban_boards=60) as fake:
        result = push(fake, mini_profile)
        assert result.exit_code == 0, result.output
        assert {s.board_id for s in fake.state.sprints.values()} == {1}
        assert fake.spec_errors == []


# --- localised issue types -------------------------------------------------------------------------------------------

def test_localised_issue_types_are_found_by_hierarchy_and_avatar_or_named_by_the_user(sleeps, mini_profile):
    for variant in ("cloud-company", "data-center"):
        with running_fake(variant, language="es") as fake:
            result = push(fake, mini_profile)
            assert result.exit_code == 0, result.output
            (epic,) = fake.state.by_identity()["epic:ingest"]
            (story,) = fake.state.by_identity()["story:ingest.store"]
            assert (epic.type_name, story.type_name) == ("Epic", "Story")  # Épica, Historia
            assert fake.spec_errors == []
    with running_fake("data-center", language="es") as fake:
        for issue_type in fake.state.types.values():
            issue_type["avatarId"] = 10500  # custom avatars: nothing left to recognise the types by
        result = push(fake, mini_profile)
        assert result.exit_code == 3
        assert "project RAG has no Epic issue type you can create (it has: Épica, Historia, Tarea, Subtarea)" \
               in result.output and "--epic-type NAME" in result.output
        result = push(fake, mini_profile, "--epic-type", "épica", "--story-type", "Historia")
        assert result.exit_code == 0, result.output
        assert {i.type_name for i in fake.state.issues.values()} == {"Epic", "Story"}
    with running_fake("cloud-company", language="es") as fake:
        for issue_type in fake.state.types.values():
            issue_type["avatarId"] = 10500
        result = push(fake, mini_profile, "--story-type", "historia")  # the epic is found by its hierarchy level
        assert result.exit_code == 0, result.output
        assert {i.type_name for i in fake.state.issues.values()} == {"Epic", "Story"}


def test_points_the_edit_screen_refuses_are_updated_through_the_board(cloud, mini_profile):
    assert push(cloud, mini_profile).exit_code == 0
    cloud.state.edit_hidden.add(cloud.variant.points_field)  # on the create screen only
    mini_profile.write_text(mini_profile.read_text().replace("estimate: 3-5", "estimate: 2")
                            .replace("Provision the vector store", "Provision the store"), encoding="utf-8")
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    (store,) = cloud.state.by_identity()["story:ingest.store"]
    assert store.fields[cloud.variant.points_field] == 2.0 and store.fields["summary"] == "Provision the store"
    assert "Nothing to change" in push(cloud, mini_profile).output
