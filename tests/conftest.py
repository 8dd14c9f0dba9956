"""Shared test set-up: isolate user state (config dir) from the machine running the tests."""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import InMemoryExampleDatabase

# Tests never write into the checkout: hypothesis keeps its examples in memory and its caches in a temporary
# directory instead of ./.hypothesis/.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="sprintgen-hypothesis-"))
settings.register_profile("sprintgen", database=InMemoryExampleDatabase())
settings.load_profile("sprintgen")


#: The Jira fake's fixtures (fake, cloud, datacenter, mini_profile, sleeps) for every test module that asks for them.
pytest_plugins = ["tests.jira_fake.fixtures"]


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


@pytest.fixture
def mmdc() -> str:
    from .support import mmdc_path

    path = mmdc_path()
    assert path, ("mermaid-cli is missing: "
                  "SPRINTGEN_MMDC=$(bash scripts/install_renderers.sh) python -m pytest -m renderers")
    return path
