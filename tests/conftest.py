"""Shared test set-up: isolate user state (config dir) from the machine running the tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_config(tmp_path_factory, monkeypatch):
    """Point sprintgen's user config dir at an empty temporary directory for every test."""
    home = tmp_path_factory.mktemp("sprintgen-home")
    monkeypatch.setenv("SPRINTGEN_HOME", str(home))
    monkeypatch.delenv("JIRA_URL", raising=False)
    monkeypatch.delenv("JIRA_EMAIL", raising=False)
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.delenv("JIRA_PAT", raising=False)
    yield home
