"""Fixtures of the scheduler's end-to-end tests."""

import pytest

from ..support import write_profile, write_team


@pytest.fixture
def files(tmp_path):
    """files(stories, **team) -> CLI arguments for a one-epic profile ('e') and a team file, both in tmp_path."""
    def make(stories, **team):
        profile = write_profile(tmp_path / "p.yaml", {"e": stories})
        return ["--profile", str(profile), "--team", str(write_team(tmp_path / "team.yaml", **team))]
    return make
