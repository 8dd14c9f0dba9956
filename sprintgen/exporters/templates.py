"""Finding and rendering Jinja templates safely.

Which roadmap template is used (the first that exists wins):

1. `--template FILE`
2. `./templates/roadmap.md.j2` in the current (project) directory
3. `<config dir>/templates/roadmap.md.j2` (`$SPRINTGEN_HOME`, else `$XDG_CONFIG_HOME/sprintgen`, else
   `~/.config/sprintgen`)
4. the built-in template shipped with sprintgen

Every template renders in Jinja's `SandboxedEnvironment` with `StrictUndefined`, through a loader that refuses any
path outside the template's own directory (no `..`, no absolute paths, no symlink leading out), with the attribute
policy and work limits of `template_limits.py` and the checked bytecode cache of `template_cache.py`. Any failure,
from a syntax error to an exception raised while rendering, becomes a `TemplateError` naming the file and line.

jinja2 is imported inside the functions: the core and `sprintgen --help` never load it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sprintgen.errors import SprintgenError, TemplateError
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
        if path.exists() and not path.is_file():
            raise TemplateError("is not a regular file", file=path, where="--template",
                                hint="give the path of a Jinja template file")
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
    from jinja2.loaders import split_template_path

    from sprintgen.inputs.reading import read_limited
    from sprintgen.inputs.yamlio import MAX_FILE_BYTES

    real_root = root.resolve()

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, _environment, template):
            if os.path.isabs(template) or template.startswith(("/", "\\")):
                raise TemplateNotFound(template)
            filename = os.path.normpath(os.path.join(self.searchpath[0], *split_template_path(template)))
            if not os.path.isfile(filename) or not Path(filename).resolve().is_relative_to(real_root):
                raise TemplateNotFound(template)  # also a FIFO or device: never waited on
            # Read within the input limits (and noted as an input, so an --output over it is refused).
            data = read_limited(filename, "template", MAX_FILE_BYTES)
            if len(data) > MAX_FILE_BYTES:
                raise TemplateError(f"the template is over the limit of {MAX_FILE_BYTES:,} bytes", file=filename,
                                    hint="split it with include")
            try:
                source = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise TemplateError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", file=filename,
                                    line=data[: exc.start].count(b"\n") + 1, hint="save the file as UTF-8") from None
            self.served.add(filename)
            mtime = os.path.getmtime(filename)
            return source, filename, lambda: os.path.getmtime(filename) == mtime

    loader = ConfinedLoader(str(root))
    loader.served = set()  # files rendered so far: an error's traceback is searched for their lines
    return loader


def make_environment(directory: Path, filters: dict[str, Callable[..., Any]]):
    """A sandboxed environment with StrictUndefined that loads templates only from `directory`, with the attribute
    policy and the work limits of `template_limits.py`."""
    from jinja2 import StrictUndefined
    from jinja2.runtime import Macro
    from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
    from markupsafe import Markup

    from sprintgen.exporters import template_limits as limits
    from sprintgen.exporters.template_cache import bytecode_cache

    class BoundedFormatter(SandboxedFormatter):
        def format_field(self, value: Any, format_spec: str) -> Any:
            limits.check_format_spec(format_spec)
            return limits.checked(super().format_field(value, format_spec))

    class BoundedEscapeFormatter(BoundedFormatter, SandboxedEscapeFormatter):
        pass

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["**", "*", "+", "%"])

        def call_binop(self, context, operator, left, right):  # noqa: ARG002 - Jinja's signature
            return limits.binop(operator, left, right)

        def is_safe_attribute(self, obj, attr, value):
            return super().is_safe_attribute(obj, attr, value) and limits.attribute_allowed(obj, attr, value)

        def unsafe_undefined(self, obj, attribute):
            # Refused at once, not an Undefined that a `map(attribute=...)` or `is defined` would quietly carry on
            from jinja2.exceptions import SecurityError

            raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

        def wrap_str_format(self, value):
            wrapper = super().wrap_str_format(value)
            if wrapper is None:
                return None
            text = value.__self__
            formatter = (BoundedEscapeFormatter(self, escape=text.escape) if isinstance(text, Markup)
                         else BoundedFormatter(self))

            def bounded(*args, **kwargs):
                if value.__name__ == "format_map":
                    if kwargs or len(args) != 1:
                        raise TypeError("format_map() takes exactly one argument")
                    args, kwargs = (), args[0]
                return type(text)(formatter.vformat(text, args, kwargs))

            return bounded

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own spelling)
            owner = getattr(__obj, "__self__", None)
            cost = limits.MACRO_CALL_STEPS if isinstance(__obj, Macro) else limits.CALL_STEPS
            limits.current().spend(cost, owner if isinstance(owner, (str, list, tuple, dict)) else None)
            args = limits.check_call(__obj, args)
            return limits.checked(super().call(__context, __obj, *args, **kwargs))

        def _parse(self, source, name, filename):
            return limits.instrument(super()._parse(source, name, filename))

    env = BoundedSandbox(
        loader=_confined_loader(directory),
        bytecode_cache=bytecode_cache(),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML: user text is escaped by the filters where it lands
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters)
    env.filters = {**limits.bounded_filters(env.filters), **limits.INTERNAL_FILTERS}
    env.globals["lipsum"] = limits.bounded_lipsum
    return env


def render_template(choice: TemplateChoice, context: dict[str, Any], filters: dict[str, Callable[..., Any]]) -> str:
    """Render a template file in the sandbox; every failure is a TemplateError with the file and line."""
    import jinja2

    env = make_environment(choice.path.parent, filters)

    def position(error: BaseException) -> tuple[str, int | None]:
        return _template_position(error, env.loader.served, choice.path)

    from sprintgen.exporters.template_limits import start_render

    try:
        start_render()
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
    except MemoryError:
        raise TemplateError("the template needs more memory than there is", file=choice.path,
                            hint="fix the template") from None
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
