"""The progress a tracker reports for a plan (what `sprintgen status` reads): each issue's status category, points
and sprint, and the sprints' states; and the rows of a progress file (`sprintgen status --progress FILE`).

Both inputs of `sprintgen status` end in `Progress`: a progress file (`sprintgen.tracking.progress_file`) and Jira
(`sprintgen.tracker.progress`). An item's `key` is the plan's story key (e.g. `ingest.store`) when the item is one of
the plan's stories, and the tracker's own key otherwise (work people added).
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

Status = Literal["todo", "in_progress", "done", "removed"]
SprintState = Literal["future", "active", "closed"]

#: Words trackers use for a status, by status category (compared lower-case, runs of spaces/_/- as one space).
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "todo": ("todo", "to do", "new", "open", "backlog", "selected for development", "ready"),
    "in_progress": ("in progress", "indeterminate", "doing", "in review", "review", "blocked", "started"),
    "done": ("done", "closed", "resolved", "complete", "completed", "finished"),
    "removed": ("removed", "cancelled", "canceled", "won't do", "wont do", "rejected", "obsolete", "duplicate"),
}
_WORD_TO_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}


def status_of(text: str) -> Optional[Status]:
    """The status category a tracker's status name means, or None when it is not one sprintgen knows."""
    word = re.sub(r"[\s_-]+", " ", text.strip().lower())
    return _WORD_TO_STATUS.get(word)  # type: ignore[return-value]


class ItemProgress(BaseModel):
    """One issue as the tracker reports it."""

    key: str  # the plan's story key, or the tracker's key for an issue that is not one of the plan's stories
    status: Status
    points: Optional[float] = Field(default=None, ge=0)  # current estimate; None: not estimated
    sprint: Optional[str] = None  # the sprint the issue is (last) in; None: backlog
    issue: Optional[str] = None  # the tracker's key (RAG-12), when known
    epic: Optional[str] = None  # the plan's epic key, when known
    title: str = ""
    note: str = ""  # why an issue that is not a plan story is counted the way it is


class SprintProgress(BaseModel):
    """A sprint of the board (or named in the progress file) and its state."""

    name: str
    state: Optional[SprintState] = None  # None: the file did not say (counted as not closed)


class Progress(BaseModel):
    """Everything `status` knows of the team's progress."""

    source: str  # "progress.csv", "Jira RAG (board 1)"
    tracker: Literal["file", "jira"] = "file"
    items: list[ItemProgress] = Field(default_factory=list)
    sprints: list[SprintProgress] = Field(default_factory=list)  # board order

    def item(self, key: str) -> Optional[ItemProgress]:
        """The item with this key, if any."""
        return next((i for i in self.items if i.key == key), None)


class ProgressRow(BaseModel):
    """One row of a progress file (the published JSON Schema: `sprintgen schema progress`)."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    key: str = Field(min_length=1, description="The plan's story key (ingest.store), or the tracker's key of an "
                                               "issue that is not a plan story (added scope).")
    status: str = Field(description="The status or its category: to do, in progress, done, or removed "
                                    "(cancelled, won't do); see README.md for every accepted word.")
    points: Optional[float] = Field(ge=0, description="The current estimate in story points (empty: none).")
    sprint: Optional[str] = Field(description="The sprint the issue is in, or was last in (empty: backlog).")
    sprint_state: Optional[SprintState] = Field(default=None, description="The state of that sprint.")
    issue: Optional[str] = Field(default=None, description="The tracker's key, e.g. RAG-12.")
    epic: Optional[str] = Field(default=None, description="The plan's epic key of an added issue.")
    title: Optional[str] = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if status_of(value) is None:
            known = ", ".join(words[0] if words[0] != "todo" else "to do" for words in STATUS_WORDS.values())
            raise ValueError(f"unknown status '{value}'; write one of: {known} (or a synonym listed in README.md)")
        return value


class ProgressDocument(BaseModel):
    """A JSON progress file with sprint states."""

    model_config = ConfigDict(extra="ignore")

    stories: list[ProgressRow]
    sprints: list[SprintProgress] = Field(default_factory=list)
