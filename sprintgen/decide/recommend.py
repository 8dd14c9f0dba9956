"""`sprintgen recommend`: from the articles' diagnostic questions to a profile, its parameters and the reasons.

The logic is data (`sprintgen/decide/recommend.yaml`, or a file given with `--rules`): questions, derived facts,
ordered decisions, reasons and alternatives, all written in the same safe condition language profiles use for
`when` (format and checks in `recommend_rules.py`). This module turns raw answers into typed values and evaluates
the rules.
"""

from __future__ import annotations

import difflib
import shlex
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

from sprintgen.profiles import conditions
from sprintgen.errors import InputError
from sprintgen.decide.rules import Question, Rules, coerce_answer, load_rules
from sprintgen.inputs.yamlio import load_yaml
from sprintgen.profiles.parameters import value_text

__all__ = ["Question", "Rules", "Recommendation", "coerce_answer", "load_rules", "load_answers", "resolve_answers",
           "recommend", "fit_parameters", "next_command", "display"]


@dataclass
class Reason:
    """A reason in plain language and the answers it is traced to."""

    text: str
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Alternative:
    """Another profile, when it would win, and what is still missing for it."""

    profile: str
    text: str
    missing: list[str] = field(default_factory=list)


@dataclass
class Recommendation:
    """The outcome of `recommend`."""

    profile: str
    decision: str
    summary: str
    parameters: dict[str, Any]
    reasons: list[Reason]
    alternatives: list[Alternative]
    answers: dict[str, Any]
    assumed: list[str]  # question ids answered by their default
    notes: list[str] = field(default_factory=list)

    def param_args(self) -> list[str]:
        """The parameters as `NAME=VALUE` strings for `--param` / PlanRequest."""
        return [f"{name}={value_text(value)}" for name, value in self.parameters.items()]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--format json`."""
        return {
            "profile": self.profile,
            "decision": self.decision,
            "summary": self.summary,
            "parameters": self.parameters,
            "reasons": [{"text": r.text, "answers": r.answers} for r in self.reasons],
            "alternatives": [{"profile": a.profile, "text": a.text, "missing": a.missing}
                             for a in self.alternatives],
            "answers": self.answers,
            "assumed": self.assumed,
            "notes": self.notes,
            "next": next_command(self),
        }


def load_answers(path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """An answers file (YAML mapping question id -> answer) and the line of each answer."""
    raw = load_yaml(path, "answers file")
    if raw is None:
        return {}, {}
    if not isinstance(raw, dict):
        raise InputError("an answers file must be a YAML mapping (question: answer)", file=path,
                         line=getattr(raw, "line", None), hint="e.g. knowledge_change: fast")
    return dict(raw), dict(getattr(raw, "lines", {}))


def resolve_answers(rules: Rules, given: Mapping[str, Any], file: str | None = None,
                    lines: Mapping[str, int] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Every answer typed, defaults filled in; returns (answers, ids that took their default)."""
    ids = [q.id for q in rules.questions]
    for name in given:
        if name not in ids:
            close = difflib.get_close_matches(str(name), ids, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "questions: " + ", ".join(ids)
            raise InputError(f"unknown question '{name}'", file=file, line=(lines or {}).get(name),
                             where=str(name), hint=hint)
    answers: dict[str, Any] = {}
    assumed: list[str] = []
    for q in rules.questions:
        if q.id in given and given[q.id] is not None:
            where = q.id if file else "--" + q.id.replace("_", "-")
            answers[q.id] = coerce_answer(q, given[q.id], file, where, (lines or {}).get(q.id))
        else:
            answers[q.id] = coerce_answer(q, q.default)
            assumed.append(q.id)
    return answers, assumed


def display(value: Any) -> str:
    """An answer as people read it: yes/no, comma-separated lists, '(none)' for an empty list."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


# --- evaluation -----------------------------------------------------------------------------------------------------


def recommend(rules: Rules, answers: Mapping[str, Any], assumed: list[str] | None = None) -> Recommendation:
    """Evaluate the rules on typed answers: the decision, its parameters, reasons and alternatives."""
    names: dict[str, Any] = dict(answers)
    texts = {k: display(v) for k, v in answers.items()}
    facts = {f.id: f for f in rules.facts}
    for fact in rules.facts:
        names[fact.id] = bool(_eval(fact.when, names))
    decision = next(d for d in rules.decisions if _eval(d.when, names))
    names["profile"] = decision.profile
    lineage = _lineage(rules)

    reason_text = decision.reason.format_map(texts)
    explained = [facts[f].if_false.format_map(texts) for f in decision.explain if not names[f]]
    if explained:
        reason_text += " " + "; ".join(explained) + "."
    reasons = [Reason(reason_text, _traced(decision.when, lineage, answers, decision.explain))]
    for rule in rules.reasons:
        if _eval(rule.when, names):
            reasons.append(Reason(rule.text.format_map(texts),
                                  _traced(rule.when, lineage, answers, _placeholders(rule.text))))

    alternatives = []
    for alt in rules.alternatives:
        if alt.profile != decision.profile and _eval(alt.when, names):
            missing = [facts[f].if_false.format_map(texts) for f in alt.needs if not names[f]]
            alternatives.append(Alternative(alt.profile, alt.text.format_map(texts), missing))

    parameters = {}
    for param, options in rules.parameters.items():
        for option in options:
            if _eval(option.when, names):
                parameters[param] = _eval(option.expr, names) if option.expr else option.value
                break
    return Recommendation(decision.profile, decision.id, decision.summary, parameters, reasons, alternatives,
                          dict(answers), list(assumed or []))


def _eval(expression: str, names: Mapping[str, Any]) -> Any:
    try:
        return conditions.evaluate(expression, names)
    except conditions.ExpressionError as exc:
        raise InputError(f"rules: {exc}", where=expression) from None


def _placeholders(text: str) -> list[str]:
    """The {names} a text quotes: a reason that quotes an answer is traced to it."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _lineage(rules: Rules) -> dict[str, set[str]]:
    """For each fact, the questions it is ultimately computed from."""
    questions = {q.id for q in rules.questions}
    out: dict[str, set[str]] = {}
    for fact in rules.facts:
        used = conditions.names_used(fact.when)
        out[fact.id] = {n for n in used if n in questions}
        for name in used & set(out):
            out[fact.id] |= out[name]
    return out


def _traced(expression: str, lineage: Mapping[str, set[str]], answers: Mapping[str, Any],
            extra: list[str] = ()) -> dict[str, Any]:
    """The answers an expression (and the extra facts or answers) depends on, through facts, with their values."""
    used = conditions.names_used(expression) | set(extra)
    ids: set[str] = set()
    for name in used:
        if name in answers:
            ids.add(name)
        ids |= lineage.get(name, set())
    return {qid: answers[qid] for qid in answers if qid in ids}  # in question order


# --- fitting the parameters to the profile --------------------------------------------------------------------------


def fit_parameters(rec: Recommendation) -> Recommendation:
    """Keep only the parameters the recommended profile declares, with values it accepts; note the others."""
    from sprintgen.profiles.parameters import coerce
    from sprintgen.profiles.merge import load_merged

    declared = load_merged(rec.profile).profile.parameters
    kept: dict[str, Any] = {}
    for name, value in rec.parameters.items():
        spec = declared.get(name)
        if spec is None:
            rec.notes.append(f"profile '{rec.profile}' has no parameter '{name}'; not set")
            continue
        try:
            kept[name] = coerce(name, spec, value, None, where="recommend")
        except InputError:
            rec.notes.append(f"profile '{rec.profile}' does not accept {name}={display(value)}; its default is used")
            continue
        if kept[name] == coerce(name, spec, spec.default, None, where="default"):
            del kept[name]  # the profile's default already says it: keep the command line short
    rec.parameters = kept
    return rec


def next_command(rec: Recommendation) -> str:
    """The `sprintgen plan` command for this recommendation."""
    args = " ".join(f"--param {shlex.quote(a)}" for a in rec.param_args())
    return f"sprintgen plan --profile {rec.profile}" + (f" {args}" if args else "")
