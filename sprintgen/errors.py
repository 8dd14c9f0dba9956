"""One error hierarchy for everything a user can get wrong.

Every error carries the file and the place in it, so the CLI can print one line:

    profiles/mine.yaml:12: epics[0].stories[3].estimate: low (8) is above high (3); write LOW-HIGH with LOW <= HIGH

The CLI catches `SprintgenError` once, prints `str(error)` on stderr and exits with `error.exit_code`.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes (documented in README.md, "Errors and exit codes").
EXIT_OK = 0
EXIT_FINDINGS = 1  # --strict and a warning was found, or a push refused to overcommit
EXIT_INPUT = 2  # usage or input error: bad profile, team file, option, template
EXIT_REMOTE = 3  # the remote tracker (Jira) refused or failed
EXIT_INTERNAL = 70  # a bug in sprintgen caught by its own checks (EX_SOFTWARE): nothing is written
EXIT_INTERRUPTED = 130


class SprintgenError(Exception):
    """Base of every error sprintgen reports to a user (never a traceback)."""

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        location = ""
        if self.file:
            location = self.file + (f":{self.line}" if self.line else "")
        parts = [p for p in (location, self.where) if p]
        text = ": ".join(parts + [self.message]) if parts else self.message
        if self.hint:
            text += f"; {self.hint}"
        return text


class InputError(SprintgenError):
    """A file or option the user gave is unreadable or invalid."""


class ProfileError(InputError):
    """A profile is invalid (schema, extends, parameters, conditions)."""


class TeamError(InputError):
    """A team file or team option is invalid."""


class GraphError(ProfileError):
    """The dependency graph is invalid: a cycle or an unknown reference."""


class TemplateError(InputError):
    """A user template failed to load or render."""


class RemoteError(SprintgenError):
    """A remote tracker (Jira) refused or failed."""

    exit_code = EXIT_REMOTE


class InternalError(SprintgenError):
    """sprintgen caught itself breaking a promise (a bug, not the user's input): nothing is written."""

    exit_code = EXIT_INTERNAL


class StrictFindingsError(SprintgenError):
    """--strict was given and the plan has warnings."""

    exit_code = EXIT_FINDINGS
