"""`sprintgen recommend`: ask the diagnostic questions (or read the answers), recommend a profile, optionally plan."""

from __future__ import annotations

import sys
from typing import Any

import click

from sprintgen.cli.options import emit, say, team_options, team_overrides


def _question_params() -> list[click.Option]:
    """One option per question of the shipped rules file (its type, choices and documented default)."""
    from sprintgen.decide.render import answer_option
    from sprintgen.decide.rules import load_rules

    params = []
    for question in load_rules().questions:
        if question.type == "choice":
            kind: Any = click.Choice(question.values)
            meta = "|".join(question.values)
        elif question.type == "bool":
            kind, meta = click.Choice(["yes", "no"]), "yes|no"
        elif question.type == "int":
            kind, meta = click.IntRange(min=0), "N"
        else:
            kind, meta = str, "A,B,..."
        default_text = question.default if question.type != "list" else "none"
        if isinstance(default_text, bool):
            default_text = "yes" if default_text else "no"
        params.append(click.Option([answer_option(question.id), question.id], type=kind, metavar=meta,
                                   default=None, help=f"{question.ask} [default: {default_text}]"))
    return params


class QuestionOptionsCommand(click.Command):
    """Adds the question options from the rules file when the command is used, not when `sprintgen --help`
    lists commands: loading and checking the rules needs pydantic, which the command list must not pay for."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not getattr(self, "_questions_added", False):
            self.params[:0] = _question_params()
            self._questions_added = True
        return super().get_params(ctx)


@click.command(cls=QuestionOptionsCommand)
@click.option("--answer", "extra", multiple=True, metavar="QUESTION=VALUE",
              help="Answer any question of the rules file by id (repeatable).")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A YAML file of answers (question: answer); options override it.")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Use another rules file (default: the one shipped with sprintgen).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask the unanswered questions (default: only when stdin is a terminal).")
@click.option("--save-answers", metavar="FILE", help="Write the answers to FILE (for --answers or `init`).")
@click.option("--plan", "then_plan", is_flag=True, help="Go on to plan the recommended profile.")
@team_options
@click.option("--format", "-f", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Output format.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def recommend(extra: tuple[str, ...], answers_file: str | None, rules_file: str | None, interactive: bool | None,
              save_answers: str | None, then_plan: bool, fmt: str, output: str | None, **kwargs: Any) -> None:
    """Recommend an architecture profile from the articles' diagnostic questions.

    On a terminal it asks the questions you did not answer; in scripts (stdin not a terminal) unanswered questions
    take the defaults shown below, and the output lists them as assumed.

    \b
    Examples:
      sprintgen recommend
      sprintgen recommend --perfect-context yes --failure-kind knowledge --knowledge-change fast
      sprintgen recommend --answers answers.yaml --format json
      sprintgen recommend --answers answers.yaml --plan --team team.yaml -o roadmap.md
    """
    from sprintgen.decide.recommend import fit_parameters, load_answers, recommend as run_rules, resolve_answers
    from sprintgen.decide.rules import load_rules
    from sprintgen.profiles.parameters import parse_assignments

    overrides = team_overrides(kwargs)
    team_file = kwargs.pop("team_file")
    rules = load_rules(rules_file)
    given, lines, source = {}, {}, None
    if answers_file:
        given, lines = load_answers(answers_file)
        source = answers_file
    from_options = {qid: value for qid, value in kwargs.items() if value is not None}
    from_options.update(parse_assignments(extra, option="--answer", form="QUESTION=VALUE",
                                          example="knowledge_change=fast"))
    answers, assumed = resolve_answers(rules, given, source, lines)  # validates the file on its own first
    if from_options:
        merged = {**{k: v for k, v in answers.items() if k not in assumed}, **from_options}
        answers, assumed = resolve_answers(rules, merged)
    if interactive if interactive is not None else sys.stdin.isatty():
        answers, assumed = _ask(rules, answers, assumed)
    if save_answers:
        from sprintgen.decide.render import answers_yaml
        from sprintgen.inputs.atomic import write_output

        write_output(save_answers, answers_yaml(answers), option="--save-answers")
    rec = fit_parameters(run_rules(rules, answers, assumed))
    plan = None
    if then_plan:
        from sprintgen.pipeline import PlanRequest, build_plan

        plan = build_plan(PlanRequest(profile=rec.profile, params=tuple(rec.param_args()), team_file=team_file,
                                      team_overrides=overrides))
    from sprintgen.decide.render import recommendation_json, recommendation_markdown

    if fmt == "json":
        text = recommendation_json(rec, plan)
    else:
        text = recommendation_markdown(rec, rules)
        if plan is not None:
            from sprintgen.exporters import get_exporter

            text += "\n---\n\n" + get_exporter("markdown").render(plan)
    emit(text, output)


def _ask(rules, answers: dict[str, Any], assumed: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Prompt (on stderr, so stdout stays clean) for every question still at its default."""
    from sprintgen.decide.recommend import coerce_answer, display

    answers = dict(answers)
    for question in rules.questions:
        if question.id not in assumed:
            continue
        say(f"\n{question.ask}  ({question.source})", err=True)
        for choice in question.choices:
            say(f"  {choice.value:<18} {choice.help}", err=True)
        if question.type == "choice":
            kind: Any = click.Choice(question.values)
        elif question.type == "bool":
            kind = click.Choice(["yes", "no"])
        elif question.type == "int":
            kind = click.IntRange(min=0)
        else:
            kind = str
        default = display(answers[question.id]) if question.type != "list" else ""
        value = click.prompt(question.id, type=kind, default=default, show_default=question.type != "list",
                             err=True)
        answers[question.id] = coerce_answer(question, value)
    return answers, []
