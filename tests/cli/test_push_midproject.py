"""Re-pushing a plan after the team started (issue 15 §3): Done and in-progress issues stay where they are, closed
sprints are never written, the active sprint changes only with --replan-active, the rest is planned after it."""

from __future__ import annotations

from ..jira_fake.fixtures import MINI_PROFILE, push, writes_since


def _key(fake, story):
    (issue,) = fake.state.by_identity()[f"story:{story}"]
    return issue.key


def _sprints_of(fake, story):
    names = {s.id: s.name for s in fake.state.sprints.values()}
    return [names[i] for i in fake.state.issue_sprints.get(_key(fake, story), [])]


def _writes_to_sprint(fake, mark, sprint):
    return [r for r in writes_since(fake, mark) if f"/sprint/{sprint.id}" in r[1]]


def test_a_re_push_after_a_closed_sprint_moves_no_done_story_and_plans_the_rest_after_it(fake, mini_profile):
    assert push(fake, mini_profile).exit_code == 0
    state = fake.state
    state.start_sprint("Sprint 1")
    state.transition(_key(fake, "ingest.store"), "Done")
    state.close_sprint("Sprint 1")
    state.start_sprint("Sprint 2")
    state.transition(_key(fake, "ingest.pipeline"), "In Progress")
    done_summary = state.issues[_key(fake, "ingest.store")].fields["summary"]
    # the PO edits the profile: the done story's title, a new story, and a bigger velocity packs the rest tighter
    mini_profile.write_text(MINI_PROFILE.replace("Provision the vector store", "Provision the vector DB")
                            .replace("      - key: cite", "      - key: rank\n        title: Rank answers\n"
                                     "        estimate: 2\n      - key: cite"), encoding="utf-8")
    mark = len(fake.requests)
    result = push(fake, mini_profile, "--velocity", "13")
    assert result.exit_code == 0, result.output
    assert "closed sprints Sprint 1 are history (never written)" in result.output
    assert "active sprint Sprint 2: left as it is" in result.output
    assert "staying where they are: 1 done, 1 in progress" in result.output
    assert "the remaining work is planned from Sprint 3 on" in result.output
    assert "Done in Jira (history, not edited): 1" in result.output
    closed, active = state.sprint("Sprint 1"), state.sprint("Sprint 2")
    assert _writes_to_sprint(fake, mark, closed) == [] and _writes_to_sprint(fake, mark, active) == []
    assert _sprints_of(fake, "ingest.store") == ["Sprint 1"]  # done: stays, not edited
    assert state.issues[_key(fake, "ingest.store")].fields["summary"] == done_summary
    assert _sprints_of(fake, "ingest.pipeline") == ["Sprint 2"]  # in progress: stays
    # the rest, the new story included, in Sprint 3 and after (13 points a sprint: retrieve 8 + rank 2, then cite)
    assert _sprints_of(fake, "answer.retrieve") == ["Sprint 3"]
    assert _sprints_of(fake, "answer.rank") == ["Sprint 3"]
    assert _sprints_of(fake, "answer.cite") == ["Sprint 4"]
    assert {s.state for s in state.sprints.values() if s.name not in ("Sprint 1", "Sprint 2")} == {"future"}
    mark = len(fake.requests)
    again = push(fake, mini_profile, "--velocity", "13")
    assert "Nothing to change" in again.output, again.output
    assert writes_since(fake, mark) == []
    # a new sprint naming (the old advice) still moves no Done or in-progress story
    renamed = push(fake, mini_profile, "--velocity", "13", "--sprint-prefix", "v2 ")
    assert renamed.exit_code == 0, renamed.output
    assert _sprints_of(fake, "ingest.store") == ["Sprint 1"] and _sprints_of(fake, "ingest.pipeline") == ["Sprint 2"]


def test_the_active_sprint_changes_only_with_replan_active(cloud, mini_profile):
    state = cloud.state
    assert push(cloud, mini_profile).exit_code == 0
    state.start_sprint("Sprint 1")
    state.transition(_key(cloud, "ingest.store"), "Done")
    state.close_sprint("Sprint 1", move_to="Sprint 2")
    state.start_sprint("Sprint 2")  # holds pipeline, still To Do
    # a new story the pipeline now waits for
    mini_profile.write_text(MINI_PROFILE.replace(
        "        depends_on: [ingest.store]\n",
        "        depends_on: [ingest.store, ingest.schema]\n      - key: schema\n        title: Define the schema\n"
        "        estimate: 2\n"), encoding="utf-8")
    mark = len(cloud.requests)
    kept = push(cloud, mini_profile)
    assert kept.exit_code == 0, kept.output
    assert "staying where they are: 1 done, 1 in the active sprint Sprint 2" in kept.output
    assert _sprints_of(cloud, "ingest.pipeline") == ["Sprint 2"]
    assert _sprints_of(cloud, "ingest.schema") == ["Sprint 3"]
    assert _writes_to_sprint(cloud, mark, state.sprint("Sprint 2")) == []

    preview = push(cloud, mini_profile, "--replan-active", "--dry-run")
    assert "Moving out of the active sprint Sprint 2: 1 (ingest.pipeline)" in preview.output, preview.output
    moved = push(cloud, mini_profile, "--replan-active")
    assert moved.exit_code == 0, moved.output
    assert _sprints_of(cloud, "ingest.pipeline") == ["Sprint 3"]
    assert _sprints_of(cloud, "ingest.schema") == ["Sprint 2"]
    assert _sprints_of(cloud, "ingest.store") == ["Sprint 1"]


def test_future_sprints_follow_the_plan_dates_and_started_ones_do_not(datacenter, mini_profile):
    state = datacenter.state
    assert push(datacenter, mini_profile).exit_code == 0
    state.start_sprint("Sprint 1")
    first = (state.sprint("Sprint 1").start, state.sprint("Sprint 1").end)
    later = push(datacenter, mini_profile, "--start", "2027-01-11")
    assert later.exit_code == 0, later.output
    assert "Sprint dates to update: 3" in later.output
    assert (state.sprint("Sprint 1").start, state.sprint("Sprint 1").end) == first
    assert state.sprint("Sprint 2").start.startswith("2027-01-25")
    assert state.sprint("Sprint 4").end.startswith("2027-03-07")
    assert "Nothing to change" in push(datacenter, mini_profile, "--start", "2027-01-11").output
    # even when the re-plan may use the active sprint, its dates are the team's
    assert push(datacenter, mini_profile, "--start", "2027-01-18", "--replan-active").exit_code == 0
    assert (state.sprint("Sprint 1").start, state.sprint("Sprint 1").end) == first
    assert state.sprint("Sprint 2").start.startswith("2027-02-01")


def test_sprint_times_are_sent_in_the_team_time_zone(cloud, mini_profile, tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text("velocity: 10\ntimezone: Australia/Sydney\n", encoding="utf-8")
    assert push(cloud, mini_profile, "--team", str(team)).exit_code == 0
    sprint = cloud.state.sprint("Sprint 1")
    assert (sprint.start, sprint.end) == ("2027-01-04T09:00:00.000+11:00", "2027-01-17T17:00:00.000+11:00")
    assert "Nothing to change" in push(cloud, mini_profile, "--team", str(team)).output


def test_with_replan_active_what_stays_in_the_active_sprint_still_fills_it(cloud, mini_profile):
    assert push(cloud, mini_profile).exit_code == 0
    cloud.state.start_sprint("Sprint 1")
    cloud.state.transition(_key(cloud, "ingest.store"), "In Progress")  # 4 of the sprint's 10 points
    mini_profile.write_text(MINI_PROFILE.replace("      - key: pipeline",
                                                 "      - key: docs\n        title: Write docs\n"
                                                 "        estimate: 7\n      - key: pipeline"), encoding="utf-8")
    result = push(cloud, mini_profile, "--replan-active")
    assert result.exit_code == 0, result.output
    assert _sprints_of(cloud, "ingest.store") == ["Sprint 1"]
    assert _sprints_of(cloud, "ingest.docs") != ["Sprint 1"]  # 4 + 7 would overfill it
