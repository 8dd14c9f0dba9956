"""What users write in a profile: parameters, risks, stories, epics (unknown fields are errors)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator
from sprintgen.model.common import KEY_PATTERN, MAX_LIST_ITEMS, MAX_SPRINTS, Estimate, Strict


class Parameter(Strict):
    """A typed profile input, set with `--param NAME=VALUE`."""

    type: Literal["choice", "int", "number", "bool", "string", "list"] = "string"
    choices: Optional[list[Union[str, int, float, bool]]] = None
    default: Any = None
    help: str = ""
    min: Optional[float] = None
    max: Optional[float] = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> "Parameter":
        if self.type == "choice" and not self.choices:
            raise ValueError("a parameter of type 'choice' needs a non-empty 'choices' list")
        return self


class Risk(Strict):
    """A risk or assumption a profile carries into the roadmap."""

    title: str
    description: str = ""
    probability: float = Field(default=0.0, ge=0, le=1)
    impact: Optional[Estimate] = None  # extra story points if the risk happens (used by the forecast)
    mitigation: str = ""
    when: Optional[str] = None


#: What a story produces, which decides the Definition-of-Done items that apply to it.
StoryKind = Literal["code", "data", "document", "evaluation", "launch"]


class DoneItem(Strict):
    """A Definition-of-Done item that applies only to some stories: those of the given kinds and/or those that
    (transitively) depend on the story named by `after` (e.g. "the harness runs in CI" once the harness exists)."""

    text: str
    kinds: Optional[list[StoryKind]] = None
    after: Optional[str] = None  # a story key EPIC.STORY


DoneList = Optional[Annotated[list[Union[str, DoneItem]], Field(max_length=MAX_LIST_ITEMS)]]


class Story(Strict):
    """A story as written in a profile."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    description: Optional[str] = None
    acceptance: Optional[list[str]] = Field(default=None, max_length=MAX_LIST_ITEMS)
    estimate: Optional[Estimate] = None
    skills: Optional[list[str]] = None
    depends_on: Optional[list[str]] = None
    definition_of_done: DoneList = None
    kind: Optional[StoryKind] = None  # default: the epic's kind, else "code"
    when: Optional[str] = None
    for_each: Optional[str] = None  # name of a list parameter: one story per item, '{item}' substituted
    scale: Optional[str] = None  # expression on parameters multiplying the estimate
    sprint: Optional[int] = Field(default=None, ge=1, le=MAX_SPRINTS)  # pin to a sprint
    labels: Optional[list[str]] = None
    remove: bool = False  # in a profile that extends another: drop the inherited story


class Epic(Strict):
    """An epic as written in a profile."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    goal: Optional[str] = None
    definition_of_done: DoneList = None
    kind: Optional[StoryKind] = None  # the default kind of its stories
    stories: list[Story] = Field(default_factory=list)
    when: Optional[str] = None
    remove: bool = False


class Milestone(Strict):
    """A milestone as written in a profile: reached when all the stories it names are done.

    `stories` holds story keys (`epic.story`) or epic keys (all the stories of the epic); a story excluded by a
    condition is not waited for, and a milestone whose stories are all excluded is dropped.
    """

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    stories: Optional[list[str]] = None
    remove: bool = False  # in a profile that extends another: drop the inherited milestone


class Profile(Strict):
    """An architecture profile as written in YAML (before `extends` and parameters are resolved)."""

    id: str = Field(pattern=KEY_PATTERN)
    name: Optional[str] = None
    description: Optional[str] = None
    extends: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)  # epic files or directories of them, relative to this file
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    definition_of_done: DoneList = None
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    #: In a profile that extends others: inherited assumptions (their exact text) that do not hold for this one.
    remove_assumptions: list[str] = Field(default_factory=list)
    epics: list[Epic] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)

    @field_validator("extends", "include", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class EpicFile(Strict):
    """A file a profile includes (`include:`): more epics, written exactly as in the profile."""

    epics: list[Epic] = Field(default_factory=list)
