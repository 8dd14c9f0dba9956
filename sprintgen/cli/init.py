"""`sprintgen init`: scaffold a team file and a custom profile in the current directory."""

from __future__ import annotations

from pathlib import Path

import click

from sprintgen.cli.options import say


@click.command()
@click.option("--profile", "-p", "base", metavar="ID",
              help="The profile to extend (default: rag, or the one `recommend` chooses with --from-recommend).")
@click.option("--from-recommend", "answers_file", type=click.Path(dir_okay=False), metavar="ANSWERS.yaml",
              help="Run `recommend` on this answers file and extend the profile it recommends, with its parameters.")
@click.option("--name", "profile_id", metavar="ID", help="Id of the new profile (default: my-<profile>).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter default in the new profile (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(base: str | None, answers_file: str | None, profile_id: str | None, params: tuple[str, ...],
         force: bool) -> None:
    """Scaffold team.yaml and profiles/<name>.yaml (a profile that extends a built-in one) here.

    Never overwrites an existing file unless --force is given.

    \b
    Examples:
      sprintgen init --profile rag
      sprintgen recommend --save-answers answers.yaml && sprintgen init --from-recommend answers.yaml
    """
    from sprintgen.errors import InputError
    from sprintgen.profiles.parameters import parse_assignments
    from sprintgen.profiles.scaffold import make_scaffold, write_scaffold

    defaults: dict = {}
    origin = ""
    if answers_file:
        from sprintgen.decide.recommend import fit_parameters, load_answers, recommend, resolve_answers
        from sprintgen.decide.rules import load_rules

        rules = load_rules()
        given, lines = load_answers(answers_file)
        rec = fit_parameters(recommend(rules, *resolve_answers(rules, given, answers_file, lines)))
        if base and base != rec.profile:
            raise InputError(f"--profile {base} contradicts the recommendation ({rec.profile})",
                             where="--from-recommend", hint="give one of --profile or --from-recommend")
        base = rec.profile
        defaults = dict(rec.parameters)
        origin = f"`sprintgen recommend` on {answers_file}"
        say(f"recommend: {rec.profile} ({rec.summary})")
    base = base or "rag"
    defaults.update(parse_assignments(params))
    if params and not origin:
        origin = "--param"
    scaffold = make_scaffold(base, profile_id, defaults, origin)
    for path in write_scaffold(scaffold, Path.cwd(), force=force):
        say(f"created {path.relative_to(Path.cwd())}")
    say("next: edit team.yaml (members, velocity, start date), then run:")
    say(f"  {scaffold.next_command}")
