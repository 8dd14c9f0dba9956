"""The rules file behind `sprintgen recommend`: its format (pydantic models), loading and checking.

Every expression is checked before anything is evaluated: a name that is neither a question nor a fact defined
above, a placeholder that is not a question, or a default that is not a valid answer is an error naming the place.
"""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field, model_validator

from sprintgen.profiles import conditions
from sprintgen.errors import InputError
from sprintgen.model import Strict
from sprintgen.profiles.parameters import parse_bool
from sprintgen.inputs.validation import validate_document
from sprintgen.inputs.yamlio import load_yaml


class Choice(Strict):
    """One allowed answer to a choice question."""

    value: str
    help: str = ""


class Question(Strict):
    """A diagnostic question and how its answer is typed."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    ask: str
    source: str = ""
    type: Literal["choice", "bool", "int", "list"]
    choices: list[Choice] = Field(default_factory=list)
    default: Any = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> "Question":
        if self.type == "choice" and not self.choices:
            raise ValueError("a question of type 'choice' needs 'choices'")
        return self

    @property
    def values(self) -> list[str]:
        """The allowed values of a choice question."""
        return [c.value for c in self.choices]


class Fact(Strict):
    """A named condition derived from the answers, with its meaning in plain language."""

    model_config = Strict.model_config | {"populate_by_name": True}

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: str
    if_true: str = Field(alias="true")
    if_false: str = Field(alias="false")


class Decision(Strict):
    """A possible outcome; the first whose `when` holds is the recommendation."""

    id: str
    profile: str
    when: str
    summary: str
    reason: str
    explain: list[str] = Field(default_factory=list)  # facts whose (false) statements complete the reason


class ReasonRule(Strict):
    """A reason shown when its condition holds."""

    when: str
    text: str


class AlternativeRule(Strict):
    """When another profile would win."""

    profile: str
    when: str
    text: str
    needs: list[str] = Field(default_factory=list)


class ParameterRule(Strict):
    """One way to derive a profile parameter from the answers."""

    when: str = "true"
    value: Union[str, int, float, bool, list, None] = None
    expr: Optional[str] = None


class Rules(Strict):
    """The whole rules file."""

    version: int = 1
    questions: list[Question]
    facts: list[Fact] = Field(default_factory=list)
    decisions: list[Decision]
    reasons: list[ReasonRule] = Field(default_factory=list)
    alternatives: list[AlternativeRule] = Field(default_factory=list)
    parameters: dict[str, list[ParameterRule]] = Field(default_factory=dict)

    def question(self, qid: str) -> Question:
        """The question with this id."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


# --- loading and checking the rules ---------------------------------------------------------------------------------


def default_rules_path() -> Path:
    """The rules file shipped inside the package."""
    return Path(str(resources.files("sprintgen.decide").joinpath("recommend.yaml")))


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and check a rules file (the shipped one by default): every name and placeholder must be known."""
    file = str(path or default_rules_path())
    raw = load_yaml(file, "rules file")
    rules = validate_document(Rules, raw, file, InputError, "rules file")
    _check_rules(rules, file)
    return rules


def check_placeholders(text: str, names: set[str], file: str, where: str) -> None:
    """A rules text may hold `{question_id}` placeholders and nothing else: no attribute, index or format spec
    (`{x:>2000000000}` would print gigabytes)."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise InputError(f"bad placeholder: {exc}", file=file, where=where,
                         hint="write {question_id}, or {{ and }} for braces") from None
    for _, name, spec, conversion in fields:
        if name is not None and name not in names:
            raise InputError(f"unknown placeholder '{{{name}}}'", file=file, where=where, hint="use {question_id}")
        if spec or conversion:
            raise InputError(f"placeholder '{{{name}{'!' + conversion if conversion else ''}:{spec}}}' has a "
                             "format spec", file=file, where=where, hint=f"write {{{name}}} alone")


def _check_rules(rules: Rules, file: str) -> None:
    _RulesCheck(rules, file).run()


class _RulesCheck:
    """Every expression and text of a rules file checked: known names only, and a trial evaluation on the default
    answers, which catches what a name check cannot (constructs outside the safe language, type errors) before any
    user answer is evaluated."""

    def __init__(self, rules: Rules, file: str) -> None:
        self.rules, self.file = rules, file
        self.questions = {q.id for q in rules.questions}
        self.facts = {f.id for f in rules.facts}
        self.sample: dict[str, Any] = {q.id: coerce_answer(q, q.default, file, f"questions.{q.id}.default")
                                       for q in rules.questions}
        self.sample["profile"] = rules.decisions[0].profile if rules.decisions else ""

    def check(self, expression: str, names: set[str], where: str) -> Any:
        try:
            used = conditions.names_used(expression)
        except conditions.ExpressionError as exc:
            raise InputError(str(exc), file=self.file, where=where) from None
        unknown = sorted(used - names)
        if unknown:
            raise InputError(f"unknown name '{unknown[0]}' in '{expression}'", file=self.file, where=where,
                             hint="use a question id or a fact defined above")
        try:
            return conditions.evaluate(expression, self.sample)
        except conditions.ExpressionError as exc:
            raise InputError(str(exc), file=self.file, where=where) from None

    def text(self, text: str, where: str) -> None:
        check_placeholders(text, self.questions, self.file, where)

    def known_facts(self, names: list[str], where: str) -> None:
        for name in names:
            if name not in self.facts:
                raise InputError(f"unknown fact '{name}'", file=self.file, where=where)

    def run(self) -> None:
        rules, known = self.rules, set(self.questions)
        for i, fact in enumerate(rules.facts):
            self.sample[fact.id] = bool(self.check(fact.when, known, f"facts[{i}].when"))
            self.text(fact.if_true, f"facts[{i}].true")
            self.text(fact.if_false, f"facts[{i}].false")
            known.add(fact.id)
        for i, decision in enumerate(rules.decisions):
            self.check(decision.when, known, f"decisions[{i}].when")
            self.text(decision.reason, f"decisions[{i}].reason")
            self.known_facts(decision.explain, f"decisions[{i}].explain")
        if not rules.decisions or rules.decisions[-1].when.strip().lower() != "true":
            raise InputError("the last decision must have `when: \"true\"`", file=self.file, where="decisions",
                             hint="so that every set of answers gets a recommendation")
        with_profile = known | {"profile"}
        for i, rule in enumerate(rules.reasons):
            self.check(rule.when, with_profile, f"reasons[{i}].when")
            self.text(rule.text, f"reasons[{i}].text")
        for i, alt in enumerate(rules.alternatives):
            self.check(alt.when, with_profile, f"alternatives[{i}].when")
            self.text(alt.text, f"alternatives[{i}].text")
            self.known_facts(alt.needs, f"alternatives[{i}].needs")
        for name, options in rules.parameters.items():
            for i, option in enumerate(options):
                self.check(option.when, known, f"parameters.{name}[{i}].when")
                if option.expr:
                    self.check(option.expr, known, f"parameters.{name}[{i}].expr")


# --- answers --------------------------------------------------------------------------------------------------------



def coerce_answer(question: Question, value: Any, file: str | None = None, where: str | None = None,
                  line: int | None = None) -> Any:
    """An answer converted to its question's type; a wrong value names the allowed ones."""

    def fail(problem: str, hint: str) -> InputError:
        return InputError(f"answer '{question.id}': {problem}", file=file, line=line, where=where, hint=hint)

    if question.type == "choice":
        if isinstance(value, bool):  # YAML reads a bare yes/no as a boolean
            value = "yes" if value else "no"
        text = str(value).strip().lower() if value is not None else ""
        if text not in question.values:
            raise fail(f"'{value}' is not a valid answer", "choose one of: " + ", ".join(question.values))
        return text
    if question.type == "bool":
        flag = parse_bool(value)
        if flag is None:
            raise fail(f"'{value}' is not yes or no", "answer yes or no")
        return flag
    if question.type == "int":
        if isinstance(value, bool):
            raise fail(f"'{value}' is not a whole number", "give a whole number >= 0")
        try:
            number = int(str(value).strip().replace(",", "").replace("_", ""))
        except ValueError:
            raise fail(f"'{value}' is not a whole number", "give a whole number >= 0") from None
        if number < 0:
            raise fail(f"{number} is negative", "give a whole number >= 0")
        return number
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(v).strip() for v in items if str(v).strip()]
