"""Helpers and fixtures for the Jira tests. The fixtures are registered for every test by tests/conftest.py
(`pytest_plugins`); import only the helpers (`push`, `assert_converged`, ...) into a test module."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner, Result

from sprintgen.cli import main

from . import running_fake
from .server import FakeJira

START = "2027-01-04"  # fixed first sprint day: plans do not depend on today's date

MINI_PROFILE = """\
id: mini
name: Mini RAG
definition_of_done: [Code reviewed and merged, Tests pass in CI]
epics:
  - key: ingest
    title: Ingestion
    goal: Documents land in the index
    stories:
      - key: store
        title: Provision the vector store
        description: As an engineer, I want a vector store, so that chunks have a home.
        acceptance: [Encrypted at rest, "Backups {daily} [x]"]
        estimate: 3-5
      - key: pipeline
        title: Build the ingestion pipeline
        acceptance: [Incremental sync works]
        estimate: 5
        depends_on: [ingest.store]
  - key: answer
    title: Answering
    stories:
      - key: retrieve
        title: Retrieve chunks
        estimate: 8
        depends_on: [ingest]
        labels: [search team]
      - key: cite
        title: Cite sources
        estimate: 3
        depends_on: [answer.retrieve]
"""


def big_profile(stories: int) -> str:
    """A profile with many small stories in a few epics and a chain of dependencies (for batching)."""
    lines = ["id: big", "name: Big", "epics:"]
    for epic in range(3):
        lines += [f"  - key: e{epic}", f"    title: Epic {epic}", "    stories:"]
        for number in range(stories // 3):
            lines += [f"      - key: s{number}", f"        title: Story {epic}.{number}", "        estimate: 1"]
            if number:
                lines.append(f"        depends_on: [e{epic}.s{number - 1}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def mini_profile(tmp_path: Path) -> Path:
    """The small test profile as a file."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_PROFILE, encoding="utf-8")
    return path


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Retry waits sprintgen asked for (nothing actually waits)."""
    waited: list[float] = []
    monkeypatch.setattr("sprintgen.tracker.connection.pause", waited.append)
    return waited


@pytest.fixture(params=["cloud-company", "cloud-team", "data-center"])
def fake(request, sleeps) -> Iterator[FakeJira]:
    """A fake Jira of each variant; at the end, every request must have been valid against the OpenAPI specs."""
    with running_fake(request.param) as server:
        yield server
        assert server.spec_errors == [], "\n".join(server.spec_errors)


@pytest.fixture
def cloud(sleeps) -> Iterator[FakeJira]:
    """A Cloud company-managed fake (for tests that need only one variant)."""
    with running_fake("cloud-company") as server:
        yield server
        assert server.spec_errors == [], "\n".join(server.spec_errors)


@pytest.fixture
def datacenter(sleeps) -> Iterator[FakeJira]:
    """A Data Center fake."""
    with running_fake("data-center") as server:
        yield server
        assert server.spec_errors == [], "\n".join(server.spec_errors)


def push(fake: FakeJira, profile: Any, *args: str, yes: bool = True, env: dict[str, str] | None = None,
         **invoke: Any) -> Result:
    """Run `sprintgen push` against the fake through the real CLI."""
    argv = ["push", "--profile", str(profile), "--project", "RAG", "--start", START, "--velocity", "10", *args]
    if yes:
        argv.append("--yes")
    return CliRunner().invoke(main, argv, env={**fake.env(), **(env or {})}, **invoke)


def writes_since(fake: FakeJira, mark: int) -> list[tuple[str, str]]:
    """Write requests (not GET, not search) sent after request number `mark`."""
    return [r for r in fake.requests[mark:] if r[0] != "GET"]


def assert_converged(fake: FakeJira, expected_identities: set[str]) -> None:
    """Exactly one issue per identity, nothing else; every story in one open sprint; links as the plan says."""
    found = fake.state.by_identity()
    duplicates = {k: [i.key for i in v] for k, v in found.items() if len(v) > 1}
    assert duplicates == {}
    assert set(found) == expected_identities
    assert len(fake.state.issues) == len(expected_identities)


MINI_IDENTITIES = {"epic:ingest", "epic:answer", "story:ingest.store", "story:ingest.pipeline",
                   "story:answer.retrieve", "story:answer.cite"}
MINI_BLOCKERS = {"ingest.store": set(), "ingest.pipeline": {"ingest.store"},
                 "answer.retrieve": {"ingest.store", "ingest.pipeline"}, "answer.cite": {"answer.retrieve"}}
MINI_SPRINTS = {"ingest.store": "Sprint 1", "ingest.pipeline": "Sprint 2", "answer.retrieve": "Sprint 3",
                "answer.cite": "Sprint 4"}


def assert_mini_in_jira(fake: FakeJira) -> None:
    """The mini profile is in Jira exactly once, with its links (blocker blocks dependent) and sprints."""
    assert_converged(fake, MINI_IDENTITIES)
    found = fake.state.by_identity()
    key = {identity.split(":", 1)[1]: issues[0].key for identity, issues in found.items()}
    sprints = {s.id: s.name for s in fake.state.sprints.values()}
    assert sorted(sprints.values()) == ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4"]  # no duplicate sprint
    for story, blockers in MINI_BLOCKERS.items():
        assert fake.state.blockers_of(key[story]) == {key[b] for b in blockers}, story
        assert [sprints[i] for i in fake.state.issue_sprints.get(key[story], [])] == [MINI_SPRINTS[story]], story
    relation = fake.variant.epic_link_field or "parent"
    for story in MINI_BLOCKERS:
        assert found["story:" + story][0].fields.get(relation) == key[story.split(".")[0]], story


__all__ = ["MINI_IDENTITIES", "MINI_PROFILE", "START", "assert_converged", "assert_mini_in_jira", "big_profile",
           "cloud", "datacenter", "fake", "mini_profile",
           "push", "sleeps", "writes_since"]
