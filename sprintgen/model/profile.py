"""What users write in a profile: parameters, risks, stories, epics (unknown fields are errors)."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator
from sprintgen.model.common import KEY_PATTERN, MAX_SPRINTS, Estimate, Strict


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


class Story(Strict):
    """A story as written in a profile."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Optional[str] = None
    description: Optional[str] = None
    acceptance: Optional[list[str]] = None
    estimate: Optional[Estimate] = None
    skills: Optional[list[str]] = None
    depends_on: Optional[list[str]] = None
    definition_of_done: Optional[list[str]] = None
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
    definition_of_done: Optional[list[str]] = None
    stories: list[Story] = Field(default_factory=list)
    when: Optional[str] = None
    remove: bool = False


class Profile(Strict):
    """An architecture profile as written in YAML (before `extends` and parameters are resolved)."""

    id: str = Field(pattern=KEY_PATTERN)
    name: Optional[str] = None
    description: Optional[str] = None
    extends: list[str] = Field(default_factory=list)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    definition_of_done: Optional[list[str]] = None
    risks: list[Risk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    #: In a profile that extends others: inherited assumptions (their exact text) that do not hold for this one.
    remove_assumptions: list[str] = Field(default_factory=list)
    epics: list[Epic] = Field(default_factory=list)

    @field_validator("extends", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value
