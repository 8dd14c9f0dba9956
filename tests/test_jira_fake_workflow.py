"""The fake Jira's workflow (statuses, transitions, sprint states) as sprintgen push/status tests rely on it: driven
over REST with the real `jira` client and checked against Atlassian's specs, and through the state helpers."""

from __future__ import annotations

import pytest
from jira.exceptions import JIRAError

from .jira_fake import running_fake
from .jira_fake.refusal import JiraRefusal


def _client(fake):
    import jira

    auth = ({"basic_auth": (fake.env()["JIRA_EMAIL"], fake.env()["JIRA_API_TOKEN"])} if fake.variant.cloud
            else {"token_auth": fake.env()["JIRA_PAT"]})
    return jira.JIRA(server=fake.url, get_server_info=False, max_retries=0, options={"check_update": False}, **auth)


def _story(fake):
    payload = {"fields": {"project": {"key": "RAG"}, "issuetype": {"id": fake.state.types["Story"]["id"]},
                          "summary": "Some work"}}
    return fake.state.create(payload, "3" if fake.variant.cloud else "2")


@pytest.mark.parametrize("variant", ["cloud-company", "data-center"])
def test_transitions_and_status_categories_over_rest(variant):
    with running_fake(variant) as fake:
        issue = _story(fake)
        client = _client(fake)
        version = "3" if fake.variant.cloud else "2"
        session = client._session
        base = f"{fake.url}/rest/api/{version}/issue/{issue.key}"
        names = {t["name"]: t["id"] for t in session.get(base + "/transitions").json()["transitions"]}
        assert set(names) == {"In Progress", "Done"}
        session.post(base + "/transitions", json={"transition": {"id": names["Done"]}})
        data = session.get(base, params={"fields": "status,resolution,resolutiondate"}).json()["fields"]
        assert data["status"]["name"] == "Done" and data["status"]["statusCategory"]["key"] == "done"
        assert data["resolution"]["name"] == "Done" and data["resolutiondate"]
        found = session.get(f"{fake.url}/rest/api/{version}/" + ("search/jql" if fake.variant.cloud else "search"),
                            params={"jql": "project = RAG AND statusCategory != Done", "fields": "status"}).json()
        assert found["issues"] == []
        fake.state.transition(issue.key, "In Progress")
        assert fake.state.category(issue.key) == "indeterminate"
        assert fake.spec_errors == [], fake.spec_errors


def test_sprints_start_and_close_over_rest_and_closed_sprints_are_history():
    with running_fake("cloud-company") as fake:
        first = fake.state.add_sprint("Sprint 1", 1, start="2027-01-04T09:00:00.000Z", end="2027-01-15T17:00:00.000Z")
        second = fake.state.add_sprint("Sprint 2", 1)
        done, open_ = _story(fake), _story(fake)
        fake.state.move_to_sprint(first.id, [done.key, open_.key])
        fake.state.transition(done.key, "Done")
        session = _client(fake)._session
        agile = f"{fake.url}/rest/agile/1.0/sprint"
        assert session.post(f"{agile}/{first.id}", json={"state": "active"}).json()["state"] == "active"
        with pytest.raises(JiraRefusal):
            fake.state.start_sprint("Sprint 2")  # one active sprint per board
        fake.state.close_sprint("Sprint 1", move_to="Sprint 2")
        assert session.get(f"{agile}/{first.id}").json()["completeDate"]
        assert fake.state.issue_sprints[done.key] == [first.id]
        assert fake.state.issue_sprints[open_.key] == [first.id, second.id]  # the closed sprint stays in history
        with pytest.raises(JiraRefusal):
            fake.state.move_to_sprint(first.id, [open_.key])
        with pytest.raises(JIRAError) as refused:
            session.post(f"{agile}/{first.id}", json={"endDate": "2027-02-01T17:00:00.000Z"})
        assert refused.value.status_code == 400
        board = session.get(f"{fake.url}/rest/agile/1.0/board/1/sprint").json()
        states = {s["name"]: s["state"] for s in board["values"]}
        assert states == {"Sprint 1": "closed", "Sprint 2": "future"}
        assert fake.spec_errors == [], fake.spec_errors


def test_the_fake_refuses_to_run_without_the_openapi_specs(monkeypatch, tmp_path):
    from .jira_fake import openapi_check

    monkeypatch.setattr(openapi_check, "PLATFORM_SPEC", tmp_path / "missing.json")
    with pytest.raises(openapi_check.SpecsMissing, match="missing.json"):
        with running_fake("cloud-company"):
            pass
