"""`sprintgen recommend`: the rules file, checked case by case against the articles' worked examples."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from sprintgen.decide.recommend import load_rules, recommend, resolve_answers
from sprintgen.decide.rules import default_rules_path

from .support import run, write

# Article 003, example one: a B2B SaaS support assistant over product docs that change often.
SUPPORT_ASSISTANT = {
    "perfect_context": "yes", "failure_kind": "knowledge", "knowledge_change": "fast", "citations": "yes",
    "team_skills": "data-engineering", "data_sensitivity": "internal", "traffic": "medium",
}
# Article 003, example two: a D2C brand content generator whose output sounds bland and off-brand.
BRAND_VOICE = {
    "perfect_context": "no", "failure_kind": "behaviour", "failure_examples": "yes", "knowledge_change": "stable",
    "output_consistency": "yes", "team_skills": "ml-training", "labelled_examples": "2500", "citations": "no",
}
# Articles 003 and 002: current facts matter and presentation style matters, both proven.
BOTH_PROVEN = {
    "perfect_context": "no", "failure_kind": "both", "failure_examples": "yes", "knowledge_change": "fast",
    "output_consistency": "yes", "team_skills": "both", "labelled_examples": "8000", "use_case_proven": "yes",
}


def options(answers: dict[str, str]) -> list[str]:
    args = []
    for qid, value in answers.items():
        args += ["--" + qid.replace("_", "-"), value]
    return args


def recommend_json(*args: str) -> dict:
    result = run("recommend", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_shipped_rules_are_valid_and_cover_the_four_diagnostic_questions():
    rules = load_rules()
    ids = [q.id for q in rules.questions]
    for qid in ("perfect_context", "knowledge_change", "failure_kind", "team_skills", "labelled_examples",
                "data_sensitivity", "citations", "output_consistency", "traffic"):
        assert qid in ids
    assert {d.profile for d in rules.decisions} == {"rag", "fine-tuning", "hybrid", "prompt-first"}


def test_support_assistant_over_changing_docs_gets_rag_with_reasons_traced_to_answers():
    out = recommend_json(*options(SUPPORT_ASSISTANT))
    assert out["profile"] == "rag"
    assert out["decision"] == "rag"
    freshness = [r for r in out["reasons"] if "weekly or faster" in r["text"]]
    assert freshness and freshness[0]["answers"] == {"knowledge_change": "fast"}
    citations = [r for r in out["reasons"] if "cite" in r["text"]]
    assert citations and citations[0]["answers"] == {"citations": True}
    assert [a["profile"] for a in out["alternatives"]] == ["hybrid"]
    assert out["next"] == "sprintgen plan --profile rag"


def test_brand_voice_content_generator_gets_fine_tuning():
    out = recommend_json(*options(BRAND_VOICE))
    assert out["profile"] == "fine-tuning"
    assert any("tone or structure" in r["text"] for r in out["reasons"])
    alternatives = {a["profile"]: a for a in out["alternatives"]}
    assert set(alternatives) == {"rag", "hybrid"}
    assert alternatives["hybrid"]["missing"] == [
        "answers do not depend on fast-changing knowledge nor need citations"]


def test_both_needs_proven_gets_hybrid():
    out = recommend_json(*options(BOTH_PROVEN))
    assert out["profile"] == "hybrid"
    assert out["decision"] == "hybrid"
    assert [a["profile"] for a in out["alternatives"]] == ["rag"]


def test_both_needs_but_use_case_not_proven_gets_rag_first_and_says_what_hybrid_still_needs():
    answers = {**BOTH_PROVEN, "use_case_proven": "no"}
    out = recommend_json(*options(answers))
    assert (out["profile"], out["decision"]) == ("rag", "rag-then-hybrid")
    hybrid = next(a for a in out["alternatives"] if a["profile"] == "hybrid")
    assert hybrid["missing"] == ["the use case is not proven yet: ship a first version and measure it"]


@pytest.mark.parametrize("change, missing_fragment, alternative", [
    ({"perfect_context": "yes"}, "has not been shown to fail when given perfect context", "fine-tuning"),
    ({"failure_examples": "no"}, "no behavioural failure proven with examples", "fine-tuning"),
    ({"labelled_examples": "200"}, "cannot yet run and maintain a fine-tuned model", "fine-tuning"),
    ({"team_skills": "data-engineering"}, "cannot yet run and maintain a fine-tuned model", "fine-tuning"),
    # a knowledge failure also makes current knowledge matter: the profile that would win is then hybrid
    ({"failure_kind": "knowledge"}, "no behavioural failure proven with examples", "hybrid"),
])
def test_decision_rule_004_rag_unless_all_three_conditions_hold(change, missing_fragment, alternative):
    assert recommend_json(*options(BRAND_VOICE))["profile"] == "fine-tuning"  # all three hold
    out = recommend_json(*options({**BRAND_VOICE, **change}))  # break exactly one of them
    # a behaviour problem whose fine-tuning is not earned gets the prompt work first; a knowledge failure gets rag
    assert out["profile"] == ("rag" if alternative == "hybrid" else "prompt-first")
    assert missing_fragment in out["reasons"][0]["text"]
    winner = next(a for a in out["alternatives"] if a["profile"] == alternative)
    assert [m for m in winner["missing"] if missing_fragment in m]
    if alternative == "fine-tuning":
        assert len(winner["missing"]) == 1  # only the broken condition is missing


def test_every_combination_of_the_three_conditions_follows_the_decision_rule():
    rules = load_rules()
    for fails in ("yes", "no", "untested"):
        for examples in (True, False):
            for labelled in (0, 5000):
                given = {**BRAND_VOICE, "perfect_context": fails, "failure_examples": examples,
                         "labelled_examples": labelled}
                answers, _ = resolve_answers(rules, given)
                # a behaviour problem with stable knowledge: fine-tuning once earned, the prompt work before that
                expected = "fine-tuning" if (fails == "no" and examples and labelled >= 1000) else "prompt-first"
                assert recommend(rules, answers).profile == expected, given


def test_undiagnosed_failures_get_the_prompt_first_diagnosis():
    # 004: "If you can't clearly explain why the model is failing after reading 30 examples, you're not ready to make
    # an architecture decision. You need more diagnostic work first. This isn't a delay, it's the work."
    out = recommend_json("--failure-kind", "unclear")
    assert (out["profile"], out["decision"]) == ("prompt-first", "prompt-first-diagnose")
    assert "30 failing outputs" in out["reasons"][0]["text"]
    assert out["next"].startswith("sprintgen plan --profile prompt-first")


def test_undiagnosed_failures_over_fast_changing_knowledge_still_get_rag():
    # 004: "If your knowledge changes weekly or faster ... RAG is almost always the right call."
    out = recommend_json("--failure-kind", "unclear", "--knowledge-change", "fast")
    assert (out["profile"], out["decision"]) == ("rag", "rag-diagnose")
    assert "20-30 failing outputs" in out["reasons"][0]["text"]


def test_brand_voice_without_a_team_able_to_train_gets_prompt_first():
    # 003: "If your primary problem is output behavior ... Recommendation: Evaluate fine-tuning first."
    # 004: "If it still responds poorly with perfect context then behavior problem, fine-tuning is worth exploring.
    # But try prompt engineering first."
    out = recommend_json(*options({**BRAND_VOICE, "team_skills": "neither", "labelled_examples": "0"}))
    assert (out["profile"], out["decision"]) == ("prompt-first", "prompt-first-behaviour")
    assert "cannot yet run and maintain a fine-tuned model" in out["reasons"][0]["text"]
    assert [a["profile"] for a in out["alternatives"]][0] == "fine-tuning"


def test_brand_voice_with_a_team_able_to_train_gets_fine_tuning():
    # 003: "Their pain isn't factual retrieval. It's that generic LLM output sounds bland and off-brand. That makes
    # fine-tuning more sensible."
    out = recommend_json(*options(BRAND_VOICE))
    assert (out["profile"], out["decision"]) == ("fine-tuning", "fine-tuning")


def test_a_proven_hybrid_is_planned_on_the_running_rag_system():
    # 003: "treat hybrid as a phase-two option. Earn it after the first pilot proves usage, accuracy, and ownership."
    out = recommend_json(*options(BOTH_PROVEN))
    assert out["profile"] == "hybrid" and out["parameters"]["existing_rag"] is True
    assert "--param existing_rag=true" in out["next"]


@pytest.mark.parametrize("sensitivity, compliance", [("health", "hipaa"), ("personal", "gdpr")])
def test_parameters_follow_from_data_sensitivity_and_traffic(sensitivity, compliance):
    out = recommend_json(*options({**SUPPORT_ASSISTANT, "data_sensitivity": sensitivity, "traffic": "high"}),
                         "--sources", "confluence,zendesk")
    assert out["parameters"] == {"compliance": [compliance], "traffic": "high",
                                 "data_sources": ["confluence", "zendesk"]}
    assert out["next"] == (f"sprintgen plan --profile rag --param compliance={compliance} --param traffic=high "
                           "--param data_sources=confluence,zendesk")


def test_without_a_terminal_missing_answers_take_documented_defaults_and_are_listed():
    result = run("recommend", input="")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no prompt was shown
    assert "# Recommendation: prompt-first" in result.stdout  # nothing is diagnosed yet
    assert "## Assumed answers (defaults)" in result.stdout
    assert "- knowledge_change=monthly:" in result.stdout
    out = recommend_json()
    assert set(out["assumed"]) == {q.id for q in load_rules().questions}


def test_interactive_prompts_ask_only_the_unanswered_questions():
    rules = load_rules()
    given = {"perfect_context": "no", "failure_kind": "behaviour", "failure_examples": "yes"}
    remaining = [q.id for q in rules.questions if q.id not in given]
    replies = {"knowledge_change": "stable", "team_skills": "ml-training", "labelled_examples": "3000"}
    text = "".join(replies.get(qid, "") + "\n" for qid in remaining)  # empty line: accept the default
    result = run("recommend", "--interactive", "--format", "json", *options(given), input=text)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["profile"] == "fine-tuning"
    assert out["assumed"] == []
    assert "perfect_context" not in result.stderr.split("\n", 1)[1]  # answered by option, not asked
    assert "How often does the knowledge" in result.stderr


def test_answers_file_with_yaml_booleans_options_override_and_save_answers(tmp_path):
    answers = write(tmp_path / "answers.yaml", """
        perfect_context: yes        # YAML reads a bare yes as a boolean
        failure_kind: knowledge
        citations: yes
        knowledge_change: fast
    """)
    out = recommend_json("--answers", str(answers))
    assert out["answers"]["perfect_context"] == "yes"
    assert out["profile"] == "rag"
    saved = tmp_path / "saved.yaml"
    out2 = recommend_json("--answers", str(answers), "--knowledge-change", "stable", "--save-answers", str(saved))
    assert out2["answers"]["knowledge_change"] == "stable"
    assert "knowledge_change" not in out2["assumed"]
    again = recommend_json("--answers", str(saved))
    assert again["answers"] == out2["answers"]


@pytest.mark.parametrize("text, fragment", [
    ("knowlege_change: fast\n", "answers.yaml:1: knowlege_change: unknown question 'knowlege_change'; did you "
                                "mean knowledge_change?"),
    ("perfect_context: maybe\n", "answers.yaml:1: perfect_context: answer 'perfect_context': 'maybe' is not a "
                                 "valid answer; choose one of: yes, no, untested"),
    ("labelled_examples: -5\n", "labelled_examples: answer 'labelled_examples': -5 is negative"),
    ("- a list\n", "an answers file must be a YAML mapping"),
    ("knowledge_change: [fast\n", "YAML syntax error"),
])
def test_bad_answers_files_are_one_line_errors(tmp_path, text, fragment):
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("recommend", "--answers", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert fragment in result.stderr


def test_bad_options_are_usage_errors():
    assert run("recommend", "--traffic", "huge").exit_code == 2
    result = run("recommend", "--answer", "nope")
    assert result.exit_code == 2 and "--answer 'nope' is not QUESTION=VALUE" in result.stderr
    result = run("recommend", "--answer", "colour=blue")
    assert result.exit_code == 2 and "unknown question 'colour'" in result.stderr
    assert run("recommend", "--answers", "/nonexistent/answers.yaml").exit_code == 2


def test_plan_goes_on_to_plan_the_recommendation(tmp_path):
    result = run("recommend", *options({**SUPPORT_ASSISTANT, "data_sensitivity": "personal"}), "--plan",
                 "--velocity", "40", "--start", "2027-01-04")
    assert result.exit_code == 0, result.stderr
    head, roadmap = result.stdout.split("\n---\n", 1)
    assert "# Recommendation: rag" in head
    assert "# Roadmap" in roadmap
    out = recommend_json(*options({**SUPPORT_ASSISTANT, "data_sensitivity": "personal"}), "--plan",
                         "--velocity", "40", "--start", "2027-01-04")
    assert out["recommendation"]["profile"] == "rag"
    assert out["plan"]["profile"]["id"] == "rag"
    assert out["plan"]["profile"]["parameters"]["compliance"] == ["gdpr"]
    assert out["plan"]["team"]["velocity"] == 40
    assert out["plan"]["sprints"][0]["start"] == "2027-01-04"


def test_output_file_is_written(tmp_path):
    target = tmp_path / "rec.md"
    result = run("recommend", *options(BRAND_VOICE), "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Recommendation: fine-tuning")
    assert "## When another profile would win" in text


RULES_HEADER = """
    questions:
      - {id: volatile, ask: "Does it change?", type: bool, default: false}
"""


def test_logic_is_data_a_custom_rules_file_changes_the_outcome(tmp_path):
    rules = write(tmp_path / "rules.yaml", RULES_HEADER + """
    facts:
      - {id: moving, when: "volatile", "true": "it moves", "false": "it is still"}
    decisions:
      - {id: ft, profile: fine-tuning, when: "not moving", summary: "Tune it.", reason: "Still data."}
      - {id: rag, profile: rag, when: "true", summary: "Retrieve it.", reason: "Moving data."}
    reasons:
      - {when: "profile == 'rag'", text: "volatile={volatile}"}
    """)
    assert recommend_json("--rules", str(rules))["profile"] == "fine-tuning"
    out = recommend_json("--rules", str(rules), "--answer", "volatile=yes")
    assert out["profile"] == "rag"
    assert out["reasons"][1] == {"text": "volatile=yes", "answers": {"volatile": True}}


@pytest.mark.parametrize("body, fragment", [
    ("""
    decisions:
      - {id: a, profile: rag, when: "volatile", summary: s, reason: r}
    """, "the last decision must have `when: \"true\"`"),
    ("""
    decisions:
      - {id: a, profile: rag, when: "volatil", summary: s, reason: r}
      - {id: b, profile: rag, when: "true", summary: s, reason: r}
    """, "decisions[0].when: unknown name 'volatil'"),
    ("""
    decisions:
      - {id: b, profile: rag, when: "true", summary: s, reason: "{nothing}"}
    """, "decisions[0].reason: unknown placeholder '{nothing}'"),
    ("""
    decisions:
      - {id: b, profile: rag, when: "().__class__", summary: s, reason: r}
    """, "decisions[0].when"),
])
def test_broken_rules_files_are_reported_with_the_place(tmp_path, body, fragment):
    rules = write(tmp_path / "rules.yaml", RULES_HEADER + body)
    result = run("recommend", "--rules", str(rules))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert fragment in result.stderr and "rules.yaml" in result.stderr


def test_the_shipped_rules_are_plain_yaml_data_inside_the_package():
    path = default_rules_path()
    assert path.parent.name == "decide" and path.parent.parent.name == "sprintgen"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))  # plain data: no tags or Python objects
    assert raw["version"] == 1
    assert raw["decisions"][-1]["when"] == "true"


def test_listing_commands_does_not_load_the_rules():
    # `sprintgen --help` imports every command module: the question options must be built only when used
    code = ("import sys, sprintgen.cli.recommend as r; "
            "print('pydantic' in sys.modules, 'yaml' in sys.modules, len(r.recommend.params))")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded_pydantic, loaded_yaml, _ = proc.stdout.split()
    assert (loaded_pydantic, loaded_yaml) == ("False", "False")


@pytest.mark.parametrize("answers", [[], ["--failure-kind", "knowledge", "--knowledge-change", "fast"]])
def test_every_article_number_a_recommendation_cites_is_listed_under_sources(answers):
    # "(004, question 2; 002)" means nothing to a reader unless the output says which articles those are
    result = run("recommend", "--no-interactive", *answers)
    assert result.exit_code == 0, result.stderr
    text, sources = result.stdout.split("## Sources", 1)
    cited = {n for group in re.findall(r"\(([^()]*)\)", text) for n in re.findall(r"(?:^|[ ;(])(00[0-4])\b", group)}
    assert cited, "the default recommendation cites the articles"
    listed = set(re.findall(r"^- \((00[0-4])\) \S", sources, flags=re.M))
    assert listed == cited
    data = json.loads(run("recommend", "--no-interactive", *answers, "--format", "json").stdout)
    assert set(data["sources"]) == cited and all(data["sources"].values())
