"""Recommendations as text: Markdown for people, JSON for tools, and the answers file `--save-answers` writes."""

from __future__ import annotations

import json
from typing import Any

from sprintgen.decide.recommend import Recommendation, display, next_command
from sprintgen.decide.rules import Rules
from sprintgen.model import Plan


def answer_option(qid: str) -> str:
    """The command-line option that answers a question (`labelled_examples` -> `--labelled-examples`)."""
    return "--" + qid.replace("_", "-")


def answers_yaml(answers: dict[str, Any]) -> str:
    """The answers as a YAML file for `recommend --answers FILE` and `init --from-recommend FILE`."""
    import yaml

    header = "# Answers for `sprintgen recommend --answers FILE` and `sprintgen init --from-recommend FILE`\n"
    return header + yaml.safe_dump(answers, sort_keys=False, allow_unicode=True)


def recommendation_json(rec: Recommendation, plan: Plan | None) -> str:
    """The recommendation as JSON; with a plan, both under `recommendation` and `plan`."""
    data: dict[str, Any] = rec.to_dict()
    if plan is not None:
        data = {"recommendation": data, "plan": plan.model_dump(mode="json")}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def recommendation_markdown(rec: Recommendation, rules: Rules) -> str:
    """The recommendation as Markdown: the profile, why, when another would win, assumed answers, what to run next."""
    lines = [f"# Recommendation: {rec.profile}", "", rec.summary, ""]
    params = ", ".join(f"{k}={display(v)}" for k, v in rec.parameters.items()) or "the profile's defaults"
    lines += [f"Parameters: {params}", "", "## Why", ""]
    for reason in rec.reasons:
        traced = ", ".join(f"{k}={display(v)}" for k, v in reason.answers.items())
        lines.append(f"- {reason.text}" + (f" *(answers: {traced})*" if traced else ""))
    lines += ["", "## When another profile would win", ""]
    for alt in rec.alternatives:
        lines.append(f"- **{alt.profile}**: {alt.text}")
        lines += [f"  - today: {m}" for m in alt.missing]
    if not rec.alternatives:
        lines.append("- no other profile is close on these answers")
    if rec.assumed:
        lines += ["", "## Assumed answers (defaults)", ""]
        lines += [f"- {qid}={display(rec.answers[qid])}: {rules.question(qid).ask} "
                  f"(answer with {answer_option(qid)})" for qid in rec.assumed]
    if rec.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in rec.notes]
    lines += ["", "## Next", "", f"    {next_command(rec)}", ""]
    return "\n".join(lines)
