"""Faults during `sprintgen push`: rate limits, 503s, partial bulk failures, lost responses, interruptions.
After each, running the same command again converges to exactly one issue per story with its links and sprints."""

from __future__ import annotations

import pytest

from ..jira_fake import running_fake
from ..jira_fake.fixtures import assert_mini_in_jira, push


def _bulk_requests(fake):
    return [p for m, p in fake.requests if p.endswith("/issue/bulk")]


def test_rate_limit_429_is_retried_after_the_retry_after_delay(cloud, mini_profile, sleeps):
    cloud.inject("429", "POST", r"/issue/bulk$", retry_after="7")
    cloud.inject("429", "GET", r"/search", retry_after="3")
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert sleeps == [3.0, 7.0]
    assert_mini_in_jira(cloud)


def test_503_is_retried_with_bounded_exponential_backoff(datacenter, mini_profile, sleeps):
    datacenter.inject("503", "POST", r"/issueLink$", times=2)
    result = push(datacenter, mini_profile)
    assert result.exit_code == 0, result.output
    assert sleeps == [1.0, 2.0]
    assert_mini_in_jira(datacenter)


def test_a_503_that_does_not_end_gives_up_with_one_line_and_exit_3(cloud, mini_profile, sleeps):
    cloud.inject("503", "GET", r"/serverInfo$", times=100)
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    assert "Jira answered HTTP 503 to GET /rest/api/2/serverInfo after 5 attempts" in result.output
    assert "Traceback" not in result.output
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert cloud.state.issues == {}


def test_a_retry_after_longer_than_sprintgen_waits_stops_cleanly(cloud, mini_profile, sleeps):
    cloud.inject("429", "GET", r"/field$", retry_after="3600")
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    assert "asks to wait 3600 s" in result.output and "run the same command again later" in result.output
    assert sleeps == []


def test_partial_bulk_failure_is_reported_and_completed_by_the_next_run(fake, mini_profile):
    # first bulk = the epics; in the stories' bulk, element 1 (ingest.pipeline) is refused
    fake.inject("partial", "POST", r"/issue/bulk$", skip=1, elements=(1,))
    result = push(fake, mini_profile)
    assert result.exit_code == 3
    assert "1 item(s) were not written: ingest.pipeline: Jira refused to create it" in result.output
    assert "run the same command again" in result.output
    identities = set(fake.state.by_identity())
    assert "story:ingest.pipeline" not in identities and "story:answer.cite" in identities
    again = push(fake, mini_profile)
    assert again.exit_code == 0, again.output
    assert "Create: 1" in again.output
    assert_mini_in_jira(fake)


def test_connection_lost_after_jira_created_the_issues_causes_no_duplicate(fake, mini_profile):
    fake.inject("drop_after_commit", "POST", r"/issue/bulk$", skip=1)
    result = push(fake, mini_profile)
    assert result.exit_code == 0, result.output
    assert len(_bulk_requests(fake)) == 2  # the lost batch was found by identity, not sent again
    assert_mini_in_jira(fake)


def test_connection_lost_before_jira_saw_the_batch_sends_it_again(cloud, mini_profile):
    cloud.inject("drop", "POST", r"/issue/bulk$", skip=1)
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert len(_bulk_requests(cloud)) == 3
    assert_mini_in_jira(cloud)


def test_connection_lost_after_a_sprint_was_created_causes_no_duplicate_sprint(datacenter, mini_profile):
    datacenter.inject("drop_after_commit", "POST", r"/rest/agile/1.0/sprint$", skip=2)
    result = push(datacenter, mini_profile)
    assert result.exit_code == 0, result.output
    assert_mini_in_jira(datacenter)


def test_lost_responses_of_idempotent_writes_are_retried(cloud, mini_profile):
    cloud.inject("drop_after_commit", "POST", r"/issueLink$")
    cloud.inject("drop_after_commit", "POST", r"/sprint/\d+/issue$")
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert_mini_in_jira(cloud)


@pytest.mark.parametrize("variant,path,skip", [("cloud-company", r"/issue/bulk$", 1),
                                               ("cloud-team", r"/issueLink$", 2),
                                               ("data-center", r"/sprint/\d+/issue$", 1)])
def test_server_gone_mid_push_then_the_same_command_completes_it(variant, path, skip, mini_profile, sleeps):
    with running_fake(variant) as fake:
        _server_gone_then_completed(fake, mini_profile, path, skip)
        assert fake.spec_errors == []


def _server_gone_then_completed(fake, mini_profile, path, skip):
    fake.inject("drop", "POST", path, skip=skip, times=1000)
    first = push(fake, mini_profile)
    assert first.exit_code == 3
    assert "connection to Jira was lost" in first.output and "Traceback" not in first.output
    fake.faults.clear()
    again = push(fake, mini_profile)
    assert again.exit_code == 0, again.output
    assert_mini_in_jira(fake)
    assert "Nothing to change" in push(fake, mini_profile).output


def test_ctrl_c_mid_push_exits_130_and_the_next_run_completes(cloud, mini_profile, monkeypatch):
    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("sprintgen.tracker.connection.pause", interrupt)
    cloud.inject("503", "POST", r"/issueLink$", skip=1)
    first = push(cloud, mini_profile)
    assert first.exit_code == 130
    assert "push interrupted; run the same command again" in first.output
    links_before = len(cloud.state.links)
    assert links_before == 1
    again = push(cloud, mini_profile)
    assert again.exit_code == 0, again.output
    assert_mini_in_jira(cloud)


@pytest.mark.parametrize("path", [r"/issue/bulk$", r"/rest/agile/1\.0/sprint$"])
def test_a_503_after_jira_created_is_not_answered_by_creating_again(path, datacenter, mini_profile, sleeps):
    # a proxy answers 503 although Jira committed: the create is repeated only after looking for what it made
    datacenter.inject("503_after_commit", "POST", path, times=1)
    result = push(datacenter, mini_profile)
    assert result.exit_code == 0, result.output
    assert_mini_in_jira(datacenter)


def test_a_403_mid_push_names_what_was_already_created(cloud, mini_profile):
    cloud.inject("403", "POST", r"/issueLink$", skip=1)
    result = push(cloud, mini_profile)
    assert result.exit_code == 3
    created = sorted(cloud.state.issues, key=lambda k: int(k.split("-")[1]))
    assert len(created) == 6
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("sprintgen: error: Jira answered HTTP 403 to POST /rest/api/3/issueLink")
    assert f"written before it stopped: 6 created ({', '.join(created)}), 1 links" in error
    assert "then run the same command again" in error
    assert all(key in result.stdout for key in created)  # the summary lists them too
    assert push(cloud, mini_profile).exit_code == 0
    assert_mini_in_jira(cloud)


def test_sprint_names_are_matched_as_jira_trims_them(cloud, mini_profile):
    assert push(cloud, mini_profile, "--sprint-prefix", "  ").exit_code == 0
    mark = len(cloud.requests)
    again = push(cloud, mini_profile, "--sprint-prefix", "  ")
    assert "Nothing to change" in again.output, again.output
    assert [r for r in cloud.requests[mark:] if r[0] != "GET"] == []
    assert sorted(s.name for s in cloud.state.sprints.values()) == ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4"]


def test_cloud_search_lag_neither_a_lost_create_nor_a_quick_re_run_duplicates(cloud, mini_profile):
    cloud.state.search_lag = 3600  # nothing created in this test ever shows up in search
    cloud.inject("drop_after_commit", "POST", r"/issue/bulk$", skip=1)  # the stories' batch loses its response
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert_mini_in_jira(cloud)
    mark = len(cloud.requests)
    again = push(cloud, mini_profile)
    assert "Nothing to change" in again.output, again.output
    assert [r for r in cloud.requests[mark:] if r[0] != "GET"] == []
    assert_mini_in_jira(cloud)
