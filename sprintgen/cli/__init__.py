"""The `sprintgen` command line. Commands live in small modules and import the core only when they run."""

from __future__ import annotations

import importlib
import sys

import click

from sprintgen import __version__

#: command name -> "module:function"; loaded on demand so `sprintgen --help` stays fast.
COMMANDS = {
    "forecast": "sprintgen.cli.forecast:forecast",
    "plan": "sprintgen.cli.plan:plan",
    "push": "sprintgen.cli.push:push",
    "profiles": "sprintgen.cli.profiles:profiles",
    "show": "sprintgen.cli.profiles:show",
    "validate": "sprintgen.cli.profiles:validate",
    "recommend": "sprintgen.cli.recommend:recommend",
    "compare": "sprintgen.cli.compare:compare",
    "init": "sprintgen.cli.init:init",
    "plugins": "sprintgen.cli.plugins:plugins",
    "schema": "sprintgen.cli.schema:schema",
    "status": "sprintgen.cli.status:status",
    "graph": "sprintgen.cli.graph:graph",
}


class SprintgenGroup(click.Group):
    """Loads commands lazily and turns every SprintgenError into one line on stderr and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def invoke(self, ctx: click.Context):
        from sprintgen.errors import EXIT_INTERRUPTED, SprintgenError

        try:
            return super().invoke(ctx)
        except SprintgenError as error:
            click.echo(f"sprintgen: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:  # a bad option or argument: one line like every other error, not four
            command = error.ctx.command_path if error.ctx else ctx.command_path
            message = " ".join(error.format_message().split()).rstrip(".")
            click.echo(f"sprintgen: error: {message}; see '{command} --help'", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("sprintgen: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)


@click.group(cls=SprintgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sprintgen")
def main() -> None:
    """Turn an LLM architecture profile (rag, fine-tuning, hybrid or your own) into a sprint plan."""
