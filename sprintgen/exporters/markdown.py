"""The Markdown roadmap, rendered from a Jinja template in Jinja's sandbox.

The template is found as described in `exporters/templates.py` (`--template FILE`, then `./templates/`, then the
user's config dir, then the built-in one); it receives the variables of `text.context_for` and the filters of
`text.FILTERS` (both documented in README.md, "Templates").
"""

from __future__ import annotations

from typing import Any

from sprintgen.model import Plan
from sprintgen.exporters import Exporter
from sprintgen.exporters.templates import find_template, render_template
from sprintgen.exporters.text import FILTERS, context_for

DEFAULT_TEMPLATE = "roadmap.md.j2"


def render(plan: Plan, template: str | None = None, **_: Any) -> str:
    """Render the roadmap with the user's template file, a project or user override, or the built-in template."""
    choice = find_template(DEFAULT_TEMPLATE, template)
    return render_template(choice, context_for(plan), FILTERS)


EXPORTER = Exporter(name="markdown", description="a Markdown roadmap (default)", render=render, suffix=".md",
                    templated=True)
