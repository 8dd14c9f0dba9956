"""Errors particular to a push (all SprintgenError subclasses: one line on stderr, an exit code)."""

from __future__ import annotations

from sprintgen.errors import RemoteError, StrictFindingsError


class JiraSetupError(RemoteError):
    """The Jira project is not set up the way a push needs (a field missing from a screen, no board, no Story type).

    Raised before anything is written."""


class OvercommitError(StrictFindingsError):
    """Pushing would fill a sprint beyond the team's capacity (exit code 1); --allow-overcommit pushes anyway."""


class PushStopped(RemoteError):
    """Jira refused a write mid-push (a 403, a 404, a 5xx that did not end): what was written before is in
    `result` and named in the message, and the same command completes the push."""

    def __init__(self, cause: RemoteError, result: object, written: str) -> None:
        super().__init__(f"{cause.message}; written before it stopped: {written}",
                         hint=cause.hint or "fix the cause and run the same command again: it completes the push")
        if cause.hint:
            self.hint = f"{cause.hint}; then run the same command again: it completes the push without duplicates"
        self.result = result


class PartialPushError(RemoteError):
    """Some writes failed; everything else was written and the same command completes the push."""
