"""Jira wiki markup: the one writer behind `--format csv` (Jira's CSV importer) and `push` on REST API v2.

Profile text is escaped so it renders literally: `{daily}` is not a macro, `[x]` not a link, `|` not a table cell.
Acceptance criteria and Definition-of-Done items become unchecked checklist bullets under a heading.
"""

from __future__ import annotations

import re
from typing import Iterable

# Braces open macros, brackets links, pipes tables: the characters that change meaning anywhere in a line.
_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|])")


def escape_wiki(text: str) -> str:
    """Escape wiki-markup syntax so profile text renders literally ({item} is not a macro, [x] not a link)."""
    return _WIKI_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def wiki_document(paragraphs: Iterable[str], checklists: Iterable[tuple[str, Iterable[str]]] = (),
                  footer: str = "") -> str:
    """Paragraphs, then each (title, items) checklist as `h3. title` and `* [ ] item` bullets, then an italic footer.

    Empty paragraphs and checklists without items are left out.
    """
    blocks = [escape_wiki(text) for text in paragraphs if text and text.strip()]
    for title, items in checklists:
        items = [item for item in items]
        if items:
            lines = [f"h3. {escape_wiki(title)}"] + [f"* \\[ \\] {escape_wiki(item)}" for item in items]
            blocks.append("\n".join(lines))
    if footer:
        blocks.append(f"_{escape_wiki(footer)}_")
    return "\n\n".join(blocks)
