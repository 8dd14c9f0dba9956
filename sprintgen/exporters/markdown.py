"""The Markdown roadmap, rendered from a Jinja template in Jinja's sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Plan
from ..sources import builtin_templates_dir
from . import Exporter
from .text import context_for, register_filters

DEFAULT_TEMPLATE = "roadmap.md.j2"


def make_environment(directory: Path):
    """A sandboxed Jinja environment that loads templates only from `directory`, with StrictUndefined."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(directory)),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML: text is escaped by the filters where it lands
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    register_filters(env)
    return env


def render(plan: Plan, template: str | None = None, **_: Any) -> str:
    """Render the roadmap with the built-in template, or with the user's template file."""
    if template:
        path = Path(template)
        env = make_environment(path.parent)
        name = path.name
    else:
        env = make_environment(builtin_templates_dir())
        name = DEFAULT_TEMPLATE
    return env.get_template(name).render(**context_for(plan))


EXPORTER = Exporter(name="markdown", description="a Markdown roadmap (default)", render=render, suffix=".md")
