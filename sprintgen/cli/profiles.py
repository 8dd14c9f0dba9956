"""`sprintgen profiles`, `show` and `validate`."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit, say, text_table


@click.command()
def profiles() -> None:
    """List the profiles sprintgen can find: id, name, source and story count."""
    from sprintgen.profiles.catalog import profile_rows

    for line in text_table(profile_rows(), ("ID", "NAME", "SOURCE", "STORIES")):
        say(line)


@click.command()
@click.argument("profile", metavar="ID|FILE")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Set a profile parameter.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
def show(profile: str, params: tuple[str, ...], output: str | None) -> None:
    """Print the resolved profile as YAML (after `extends` and parameters): a valid profile in its own right."""
    from sprintgen.profiles.catalog import resolved_yaml

    emit(resolved_yaml(profile, params), output)


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def validate(files: tuple[str, ...]) -> None:
    """Check profile or team files; exit 0 when all are valid."""
    from sprintgen.pipeline import validate_file
    from sprintgen.errors import SprintgenError

    failed = 0
    for path in files:
        try:
            kind = validate_file(path)
            say(f"{path}: valid {kind}")
        except SprintgenError as error:
            failed += 1
            say(f"sprintgen: error: {error}", err=True)
    if failed:
        raise click.exceptions.Exit(2)
