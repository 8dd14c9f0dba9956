"""The `sprintgen` command line. Commands live in small modules and import the core only when they run."""

from __future__ import annotations

import gc
import importlib
import sys

import click

from sprintgen import __version__
from sprintgen.cli.options import say
from sprintgen.errors import EXIT_INPUT, EXIT_INTERRUPTED, SprintgenError

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

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 - click's signature
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:  # noqa: ARG002 - click's
        if name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def make_context(self, *args, **kwargs) -> click.Context:
        # Reading the command line happens before `invoke`; click itself would answer Ctrl-C here with "Aborted!"
        # and exit 1.
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            say("sprintgen: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

    def invoke(self, ctx: click.Context):
        # One command is a short run that builds a large acyclic tree of data (YAML, models, plan): the cyclic
        # collector would scan it again and again for nothing (a third of the CPU time of a 10,000-story plan).
        # Reference counting still frees everything; the collector is back on when the command returns.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            from sprintgen.inputs.reading import start_run

            start_run()
            if sys.stdout is None:  # started with stdout closed (`>&-`): printing must fail loudly, not vanish
                sys.stdout = ClosedStdout()
            return super().invoke(ctx)
        except SprintgenError as error:
            say(f"sprintgen: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:  # a bad option or argument: one line like every other error, not four
            command = error.ctx.command_path if error.ctx else ctx.command_path
            message = " ".join(error.format_message().split()).rstrip(".")
            say(f"sprintgen: error: {message}; see '{command} --help'", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            say("sprintgen: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)
        except UnicodeEncodeError as error:  # printing to a console whose encoding lacks a character
            say(f"sprintgen: error: stdout's encoding ({error.encoding}) cannot write "
                       f"{error.object[error.start:error.end]!r}; set PYTHONIOENCODING=utf-8", err=True)
            ctx.exit(EXIT_INPUT)
        except OSError as error:  # a path the system refused (too long, a loop of links...) that no check caught
            name = str(error.filename or "")
            name = f"{name[:60]}...: " if len(name) > 60 else f"{name}: " if name else ""
            say(f"sprintgen: error: {name}{error.strerror or error}; check the path", err=True)
            ctx.exit(EXIT_INPUT)
        finally:
            if was_enabled:
                gc.enable()


class ClosedStdout:
    """Stands in for a stdout the process was started without: any write is one clear error (exit 2)."""

    closed = True
    encoding = "utf-8"

    def write(self, _text: str) -> int:
        from sprintgen.errors import InputError

        raise InputError("stdout is closed; nothing was written", where="stdout",
                         hint="run with stdout open, or write to a file with --output FILE")

    def flush(self) -> None:
        pass


@click.group(cls=SprintgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sprintgen")
def main() -> None:
    """Turn an LLM architecture profile (rag, fine-tuning, hybrid or your own) into a sprint plan."""
