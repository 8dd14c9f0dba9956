"""`sprintgen push` against the stateful fake Jira (Cloud company-managed, Cloud team-managed, Data Center), through
the real `jira` client over HTTP. Every request is checked against Atlassian's OpenAPI specs by the fixture."""

from __future__ import annotations

import json

from ..jira_fake.fixtures import MINI_PROFILE, START, assert_converged, big_profile, push, writes_since

STORIES = {"story:ingest.store", "story:ingest.pipeline", "story:answer.retrieve", "story:answer.cite"}
EPICS = {"epic:ingest", "epic:answer"}


def _issue(fake, identity):
    (issue,) = fake.state.by_identity()[identity]
    return issue


def test_first_push_creates_the_plan_and_a_second_push_writes_nothing(fake, mini_profile):
    result = push(fake, mini_profile)
    assert result.exit_code == 0, result.output
    assert_converged(fake, STORIES | EPICS)
    variant = fake.variant
    store, pipeline = _issue(fake, "story:ingest.store"), _issue(fake, "story:ingest.pipeline")
    retrieve, cite = _issue(fake, "story:answer.retrieve"), _issue(fake, "story:answer.cite")
    epic = _issue(fake, "epic:ingest")

    # story points in the field the board estimates with (not a hard-coded id), likely value of the range
    assert store.fields[variant.points_field] == 4.0
    assert retrieve.fields[variant.points_field] == 8
    # plan label + the story's own labels (spaces are not allowed in Jira labels)
    assert set(retrieve.fields["labels"]) == {"sprintgen-mini", "search-team"}
    # epic relation: parent on Cloud, Epic Link on Data Center (whose epics also need Epic Name)
    if variant.epic_relation == "parent":
        assert store.fields["parent"] == epic.key
    else:
        assert store.fields[variant.epic_link_field] == epic.key
        assert epic.fields[variant.epic_name_field] == "Ingestion"
    # "blocks" links: the blocker blocks the dependent
    assert fake.state.blockers_of(pipeline.key) == {store.key}
    assert fake.state.blockers_of(retrieve.key) == {store.key, pipeline.key}
    assert fake.state.blockers_of(cite.key) == {retrieve.key}
    assert fake.state.blockers_of(store.key) == set()
    # sprints created on the board with the plan's dates, stories assigned
    sprints = {s.name: s for s in fake.state.sprints.values()}
    assert sorted(sprints) == ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4"]
    assert sprints["Sprint 1"].start.startswith(START)
    assert fake.state.issue_sprints[store.key] == [sprints["Sprint 1"].id]
    assert fake.state.issue_sprints[cite.key] == [sprints["Sprint 4"].id]
    assert epic.key not in fake.state.issue_sprints
    # summary with the new keys and a board link
    assert f"{store.key}" in result.output and "Board: http://127.0.0.1" in result.output

    mark = len(fake.requests)
    again = push(fake, mini_profile)
    assert again.exit_code == 0, again.output
    assert "Nothing to change" in again.output
    assert writes_since(fake, mark) == []
    assert_converged(fake, STORIES | EPICS)


def test_descriptions_use_adf_on_v3_and_wiki_markup_on_v2(fake, mini_profile):
    assert push(fake, mini_profile).exit_code == 0
    description = _issue(fake, "story:ingest.store").fields["description"]
    if fake.variant.cloud:
        assert description["type"] == "doc" and description["version"] == 1
        kinds = [node["type"] for node in description["content"]]
        assert kinds.count("taskList") == 2  # acceptance criteria and Definition of Done as checklists
        items = [item["content"][0]["text"] for node in description["content"] if node["type"] == "taskList"
                 for item in node["content"]]
        assert items == ["Encrypted at rest", "Backups {daily} [x]", "Code reviewed and merged", "Tests pass in CI"]
        assert all(item["attrs"]["state"] == "TODO" for node in description["content"]
                   if node["type"] == "taskList" for item in node["content"])
    else:
        assert isinstance(description, str)
        assert "h3. Acceptance criteria\n* \\[ \\] Encrypted at rest" in description
        assert "* \\[ \\] Backups \\{daily\\} \\[x\\]" in description  # no macro, no link
        assert "h3. Definition of Done\n* \\[ \\] Code reviewed and merged" in description


def test_only_changed_fields_are_updated_and_edits_made_in_jira_survive(cloud, mini_profile):
    assert push(cloud, mini_profile).exit_code == 0
    store = _issue(cloud, "story:ingest.store")
    pipeline = _issue(cloud, "story:ingest.pipeline")
    pipeline.fields["summary"] = "Renamed by the PO in Jira"  # not changed by the plan: must survive
    mini_profile.write_text(MINI_PROFILE.replace("Provision the vector store", "Provision the vector database")
                            .replace("estimate: 8", "estimate: 5"), encoding="utf-8")
    mark = len(cloud.requests)
    result = push(cloud, mini_profile, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Update: 2" in result.output and "summary" in result.output and "points" in result.output
    assert writes_since(cloud, mark) == []
    result = push(cloud, mini_profile)
    assert result.exit_code == 0, result.output
    assert store.fields["summary"] == "Provision the vector database"
    assert _issue(cloud, "story:answer.retrieve").fields[cloud.variant.points_field] == 5
    assert pipeline.fields["summary"] == "Renamed by the PO in Jira"
    assert [m for m, p in writes_since(cloud, mark) if "/issue/" in p] == ["PUT"] * 4  # 2 issues x (fields, property)
    mark = len(cloud.requests)
    assert "Nothing to change" in push(cloud, mini_profile).output
    assert writes_since(cloud, mark) == []


def test_removed_stories_are_reported_and_deleted_only_when_asked(datacenter, mini_profile):
    assert push(datacenter, mini_profile).exit_code == 0
    cite = _issue(datacenter, "story:answer.cite")
    mini_profile.write_text(MINI_PROFILE.split("      - key: cite")[0], encoding="utf-8")
    result = push(datacenter, mini_profile)
    assert result.exit_code == 0, result.output
    assert "In Jira but no longer in the plan: 1 (kept; --delete-removed deletes them)" in result.output
    assert f"{cite.key}" in result.output and cite.key in datacenter.state.issues
    result = push(datacenter, mini_profile, "--delete-removed")
    assert result.exit_code == 0, result.output
    assert cite.key not in datacenter.state.issues
    assert_converged(datacenter, (STORIES - {"story:answer.cite"}) | EPICS)


def test_dod_items_as_subtasks(fake, mini_profile):
    result = push(fake, mini_profile, "--dod-as-subtasks")
    assert result.exit_code == 0, result.output
    dod = {f"task:{story.split(':')[1]}#{n}" for story in STORIES for n in (1, 2)}
    assert_converged(fake, STORIES | EPICS | dod)
    task = _issue(fake, "task:ingest.store#2")
    assert task.type_name == fake.variant.subtask_name
    assert task.fields["summary"] == "Tests pass in CI"
    assert task.fields["parent"] == _issue(fake, "story:ingest.store").key
    mark = len(fake.requests)
    assert push(fake, mini_profile, "--dod-as-subtasks").exit_code == 0
    assert writes_since(fake, mark) == []


def test_large_plans_are_created_in_batches_of_50_without_refetching(cloud, tmp_path):
    profile = tmp_path / "big.yaml"
    profile.write_text(big_profile(120), encoding="utf-8")
    result = push(cloud, profile, "--velocity", "30", "--allow-overcommit")
    assert result.exit_code == 0, result.output
    assert len(cloud.state.issues) == 123
    bulk = [p for m, p in cloud.requests if p.endswith("/issue/bulk")]
    assert len(bulk) == 1 + 3  # the 3 epics, then 120 stories in 50 + 50 + 20
    moves = [p for m, p in cloud.requests if m == "POST" and p.endswith("/issue") and "/sprint/" in p]
    assert len(moves) == len({s.id for s in cloud.state.sprints.values()}) + sum(
        1 for s in cloud.state.sprints.values()
        if sum(1 for ids in cloud.state.issue_sprints.values() if s.id in ids) > 50)
    # no issue is read back one by one: the only single-issue read is the search-lag probe past the newest key
    reads = [p for m, p in cloud.requests if m == "GET" and "/issue/" in p and "createmeta" not in p]
    assert reads == ["/rest/api/3/issue/RAG-1"]
    mark = len(cloud.requests)
    again = push(cloud, profile, "--velocity", "30", "--allow-overcommit")
    assert "Nothing to change" in again.output
    assert writes_since(cloud, mark) == []
    searches = [p for m, p in cloud.requests[mark:] if "search" in p]
    assert len(searches) >= 3  # the fake pages at 50: 123 issues take 3 pages


def test_dry_run_against_a_server_previews_and_writes_nothing(datacenter, mini_profile):
    fake = datacenter
    result = push(fake, mini_profile, "--dry-run", yes=False)
    assert result.exit_code == 0, result.output
    assert "Create: 6" in result.output and "Links to add ('blocks'): 4" in result.output
    assert "Sprints to create: 4" in result.output
    assert "Dry run: nothing was written." in result.output
    assert fake.state.issues == {} and fake.state.sprints == {}
    assert [r for r in fake.requests if r[0] != "GET"] == []


def test_v2_can_be_forced_on_cloud(cloud, mini_profile):
    result = push(cloud, mini_profile, "--api-version", "2")
    assert result.exit_code == 0, result.output
    assert isinstance(_issue(cloud, "story:ingest.store").fields["description"], str)
    assert any(p.startswith("/rest/api/2/issue/bulk") for m, p in cloud.requests)


def test_property_records_identity_and_digests(cloud, mini_profile):
    assert push(cloud, mini_profile).exit_code == 0
    prop = _issue(cloud, "story:answer.cite").properties["sprintgen"]
    assert prop["identity"] == "story:answer.cite" and prop["profile"] == "mini"
    assert set(prop["digests"]) == {"summary", "description", "labels", "points"}
    json.dumps(prop)


def test_data_center_search_ignores_properties_and_a_re_run_still_writes_nothing(datacenter, mini_profile):
    assert push(datacenter, mini_profile).exit_code == 0
    mark = len(datacenter.requests)
    result = push(datacenter, mini_profile)
    assert "Nothing to change" in result.output, result.output
    assert writes_since(datacenter, mark) == []
    # identity comes from one property read per managed issue (the search cannot return it on Data Center)
    reads = [p for m, p in datacenter.requests[mark:] if m == "GET" and p.endswith("/properties/sprintgen")]
    assert len(reads) == len(datacenter.state.issues) == 6


def test_an_issue_whose_identity_cannot_be_read_is_not_created_again_blindly(datacenter, mini_profile):
    assert push(datacenter, mini_profile).exit_code == 0
    cite = _issue(datacenter, "story:answer.cite")
    cite.properties.clear()  # e.g. removed by an admin script: the label is there, the identity is not
    result = push(datacenter, mini_profile, "--dry-run")
    assert f"without a readable sprintgen identity (left alone): {cite.key}" in result.output
    assert "Not created, because an issue without identity has the same summary: 1" in result.output
    assert f"answer.cite                      looks like {cite.key}" in result.output
    assert push(datacenter, mini_profile).exit_code == 0
    assert len(datacenter.state.issues) == 6


def test_a_changed_description_new_labels_and_a_broken_epic_link_are_written(fake, mini_profile):
    assert push(fake, mini_profile).exit_code == 0
    store, retrieve = _issue(fake, "story:ingest.store"), _issue(fake, "story:answer.retrieve")
    pipeline = _issue(fake, "story:ingest.pipeline")
    relation = fake.variant.epic_link_field or "parent"
    pipeline.fields[relation] = _issue(fake, "epic:answer").key  # someone moved it to another epic in Jira
    retrieve.fields["labels"].append("kept-by-the-team")
    mini_profile.write_text(MINI_PROFILE.replace("so that chunks have a home", "so that chunks persist")
                            .replace("labels: [search team]", "labels: [search team, ranking]"), encoding="utf-8")
    result = push(fake, mini_profile)
    assert result.exit_code == 0, result.output
    text = json.dumps(store.fields["description"])
    assert "so that chunks persist" in text and "have a home" not in text
    assert set(retrieve.fields["labels"]) == {"sprintgen-mini", "search-team", "ranking", "kept-by-the-team"}
    assert pipeline.fields[relation] == _issue(fake, "epic:ingest").key
    assert "Nothing to change" in push(fake, mini_profile).output
