"""A profile resolved (extends, parameters, conditions applied): the backlog every later stage reads."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field
from sprintgen.model.common import Estimate
from sprintgen.model.profile import Risk


class BacklogStory(BaseModel):
    """A story after resolution: full key `epic.story`, DoD merged, dependencies expanded to story keys."""

    key: str
    epic: str
    title: str
    description: str = ""
    acceptance: list[str] = Field(default_factory=list)
    estimate: Estimate
    skills: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    definition_of_done: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    sprint: Optional[int] = None  # pinned sprint
    kind: str = "code"  # code, data, document, evaluation or launch: which Definition-of-Done items apply


class BacklogEpic(BaseModel):
    """An epic after resolution."""

    key: str
    title: str
    goal: str = ""
    definition_of_done: list[str] = Field(default_factory=list)
    stories: list[str] = Field(default_factory=list)  # full story keys, in profile order


class BacklogMilestone(BaseModel):
    """A milestone after resolution: the full keys of the stories that complete it, in profile order."""

    key: str
    title: str
    stories: list[str] = Field(default_factory=list)


class Backlog(BaseModel):
    """The resolved backlog a plan is made from."""

    profile_id: str
    profile_name: str
    description: str = ""
    source: str = ""  # the profile file, as read (error messages)
    source_label: str = ""  # where it came from as plans show it: 'built-in', or a path relative to the project
    parameters: dict[str, Any] = Field(default_factory=dict)
    definition_of_done: list[str] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    epics: list[BacklogEpic] = Field(default_factory=list)
    stories: list[BacklogStory] = Field(default_factory=list)
    milestones: list[BacklogMilestone] = Field(default_factory=list)

    def story(self, key: str) -> BacklogStory:
        """The story with this full key."""
        for s in self.stories:
            if s.key == key:
                return s
        raise KeyError(key)
