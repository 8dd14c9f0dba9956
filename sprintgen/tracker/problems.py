"""Errors particular to a push (all SprintgenError subclasses: one line on stderr, an exit code)."""

from __future__ import annotations

from sprintgen.errors import RemoteError, StrictFindingsError


class JiraSetupError(RemoteError):
    """The Jira project is not set up the way a push needs (a field missing from a screen, no board, no Story type).

    Raised before anything is written."""


class OvercommitError(StrictFindingsError):
    """Pushing would fill a sprint beyond the team's capacity (exit code 1); --allow-overcommit pushes anyway."""


class PartialPushError(RemoteError):
    """Some writes failed; everything else was written and the same command completes the push."""
