"""Recommendations as text: Markdown for people, JSON for tools, and the answers file `--save-answers` writes."""

from __future__ import annotations

import json
import re
from typing import Any

from sprintgen.decide.recommend import Recommendation, display, next_command
from sprintgen.decide.rules import Rules
from sprintgen.model import Plan


#: The articles the rules cite as (000)...(004), as docs/profiles.md names them: a reader can follow a number.
SOURCES = {
    "000": 'Sanjay Saini, "RAG vs Fine-Tuning AI Models: The Agile Leader\'s Guide to Secure Customization" (May 2026)',
    "001": '"Fine-Tuning vs RAG: When to Use Each in Enterprise AI" (blog of an open-source AI company)',
    "002": 'DLYC, "Fine-Tuning vs RAG: How to Choose the Right AI Strategy for Your Business"',
    "003": 'ThirstySprout, "LLM Fine Tuning vs RAG" (executive guide for CTOs)',
    "004": '"RAG vs. Fine-Tuning: The Decision That Defines Your AI Architecture" (Applied AI Product Management, '
           "part 3)",
}
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_ARTICLE = re.compile(r"(?<![\d,.$])(00[0-4])(?![\d,])")  # 004, not the thousands of 10,000 or $2,000


def cited_sources(text: str) -> dict[str, str]:
    """The articles a text cites in parentheses, as "(004)" or "(004, question 2; 002)", with their titles."""
    numbers = {n for group in _PARENTHESES.findall(text) for n in _ARTICLE.findall(group)}
    return {n: SOURCES[n] for n in sorted(numbers)}


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
    data["sources"] = cited_sources(json.dumps(data, ensure_ascii=False))
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
    sources = cited_sources("\n".join(lines))
    if sources:
        lines += ["## Sources", ""] + [f"- ({number}) {title}" for number, title in sources.items()] + [""]
    return "\n".join(lines)
