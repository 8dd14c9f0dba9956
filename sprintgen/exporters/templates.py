"""Finding and rendering Jinja templates safely.

Which roadmap template is used (the first that exists wins):

1. `--template FILE`
2. `./templates/roadmap.md.j2` in the current (project) directory
3. `<config dir>/templates/roadmap.md.j2` (`$SPRINTGEN_HOME`, else `$XDG_CONFIG_HOME/sprintgen`, else
   `~/.config/sprintgen`)
4. the built-in template shipped with sprintgen

Every template renders in Jinja's `SandboxedEnvironment` with `StrictUndefined`, through a loader that refuses any
path outside the template's own directory (no `..`, no absolute paths, no symlink leading out). Any failure, from a
syntax error to an exception raised while rendering, becomes a `TemplateError` naming the file and line.

jinja2 is imported inside the functions: the core and `sprintgen --help` never load it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sprintgen.errors import SprintgenError, TemplateError
from sprintgen.inputs.atomic import note_input
from sprintgen.profiles.discovery import builtin_templates_dir, config_dir


@dataclass(frozen=True)
class TemplateChoice:
    """A template file and where it was found ('--template', 'project', 'user', 'built-in')."""

    path: Path
    origin: str


def template_search_path(name: str) -> list[TemplateChoice]:
    """Where a template called `name` is looked for, in order (project, user, built-in)."""
    return [
        TemplateChoice(Path.cwd() / "templates" / name, "project"),
        TemplateChoice(config_dir() / "templates" / name, "user"),
        TemplateChoice(builtin_templates_dir() / name, "built-in"),
    ]


def find_template(name: str, explicit: str | os.PathLike | None = None) -> TemplateChoice:
    """The template to use: the explicit file if given (it must exist), else the first found on the search path."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise TemplateError("template file not found", file=path, where="--template",
                                hint="give the path of a Jinja template file")
        return TemplateChoice(path, "--template")
    for choice in template_search_path(name):
        if choice.path.is_file():
            return choice
    raise TemplateError(f"the built-in template '{name}' is missing", file=builtin_templates_dir() / name,
                        hint="reinstall sprintgen")


def _confined_loader(root: Path):
    """A FileSystemLoader that only serves files whose real path is inside `root`."""
    from jinja2 import FileSystemLoader, TemplateNotFound

    real_root = root.resolve()

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, environment, template):
            if os.path.isabs(template) or template.startswith(("/", "\\")):
                raise TemplateNotFound(template)
            source, filename, uptodate = super().get_source(environment, template)
            if not Path(filename).resolve().is_relative_to(real_root):
                raise TemplateNotFound(template)
            self.served.add(filename)
            note_input(os.stat(filename), "template")  # an --output over it is refused
            return source, filename, uptodate

    loader = ConfinedLoader(str(root))
    loader.served = set()  # files rendered so far: an error's traceback is searched for their lines
    return loader


#: Bounds on template arithmetic: the sandbox blocks attributes, not `9 ** 999999999` or `'a' * 10 ** 10`.
MAX_EXPONENT = 1_000
MAX_REPEAT = 100_000


def _bounded_binop(operator: str, left: Any, right: Any) -> Any:
    """`**` and `*` with bounds, so a template cannot hang or exhaust memory with one expression."""
    from jinja2.exceptions import SecurityError

    if operator == "**":
        if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is above the limit of {MAX_EXPONENT}")
        return left ** right
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                raise SecurityError(f"repetition to more than {MAX_REPEAT:,} items is not allowed")
        return left * right
    raise SecurityError(f"operator {operator} is not intercepted")


def cache_dir() -> Path:
    """Where compiled templates are cached: under $SPRINTGEN_HOME when set, else $XDG_CACHE_HOME/sprintgen."""
    if os.environ.get("SPRINTGEN_HOME"):
        return Path(os.environ["SPRINTGEN_HOME"]) / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sprintgen"


def _bytecode_cache():
    """Jinja's bytecode cache in the user's cache directory: compiling the roadmap template costs more than
    rendering it, every run. Entries are keyed by template path and checked against the source's checksum, so an
    edited template is recompiled. No cache (not an error) when the directory cannot be created."""
    from jinja2 import FileSystemBytecodeCache

    class QuietCache(FileSystemBytecodeCache):
        """A cache that never fails a render: an unreadable or unwritable entry is simply recompiled."""

        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError):
                bucket.reset()

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    directory = cache_dir() / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if not os.access(directory, os.W_OK):
        return None
    return QuietCache(str(directory), pattern="%s.jinja.cache")


def make_environment(directory: Path, filters: dict[str, Callable[..., Any]]):
    """A sandboxed environment with StrictUndefined that loads templates only from `directory`."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["**", "*"])

        def call_binop(self, context, operator, left, right):
            return _bounded_binop(operator, left, right)

    env = BoundedSandbox(
        loader=_confined_loader(directory),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML: user text is escaped by the filters where it lands
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters)
    return env


def render_template(choice: TemplateChoice, context: dict[str, Any], filters: dict[str, Callable[..., Any]]) -> str:
    """Render a template file in the sandbox; every failure is a TemplateError with the file and line."""
    import jinja2

    env = make_environment(choice.path.parent, filters)

    def position(error: BaseException) -> tuple[str, int | None]:
        return _template_position(error, env.loader.served, choice.path)

    try:
        return env.get_template(choice.path.name).render(**context)
    except SprintgenError:
        raise
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"syntax error: {_text(error.message)}", file=error.filename or choice.path,
                            line=error.lineno, hint="fix the template") from None
    except jinja2.TemplateNotFound as error:
        file, line = position(error)
        raise TemplateError(f"cannot include '{error.name}': not found in the template's directory",
                            file=file, line=line,
                            hint=f"templates may only include files under {choice.path.parent}") from None
    except jinja2.exceptions.SecurityError as error:
        file, line = position(error)
        raise TemplateError(f"not allowed in a template: {_text(error)}", file=file, line=line,
                            hint="templates run in a sandbox") from None
    except jinja2.UndefinedError as error:
        file, line = position(error)
        raise TemplateError(f"undefined: {_text(error.message)}", file=file, line=line,
                            hint="see README.md, 'Templates', for the variables a template receives") from None
    except RecursionError:
        raise TemplateError("the template recurses too deeply", file=choice.path, hint="fix the template") from None
    except Exception as error:  # a template is user code: whatever it raises is the user's error, not a crash
        file, line = position(error)
        raise TemplateError(f"rendering failed: {type(error).__name__}: {_text(error)}", file=file, line=line,
                            hint="fix the template") from None


def _text(error: object) -> str:
    """An exception's message as one clause of our one-line error (no trailing period, one line)."""
    return " ".join(str(error).split()).rstrip(".")


def _template_position(error: BaseException, templates: set[str], default: Path) -> tuple[str, int | None]:
    """The innermost template file and line in an exception's traceback (Jinja rewrites frames to template lines)."""
    file, line = str(default), None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in templates:
            file, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line
