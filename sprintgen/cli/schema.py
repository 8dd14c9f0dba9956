"""`sprintgen schema profile|team|plan|progress|status`: print a JSON Schema (built in sprintgen.model.schema)."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit

KINDS = ("profile", "team", "plan", "progress", "status")  # sprintgen.model.schema.schema_for refuses any other


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def schema(kind: str, output: str | None) -> None:
    """Print the JSON Schema of a profile, a team file, the plan JSON, a progress file or the status JSON.

    \b
    Save it and point your editor at it, e.g. first line of a profile:
      # yaml-language-server: $schema=./sprintgen-profile.schema.json
    \b
    Examples:
      sprintgen schema profile -o sprintgen-profile.schema.json
      sprintgen schema plan
    """
    import json

    from sprintgen.model.schema import schema_for

    emit(json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n", output)
