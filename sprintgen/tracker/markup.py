"""Issue descriptions in the markup each REST API version expects.

API v3 (Cloud) takes Atlassian Document Format (ADF): a JSON document; acceptance criteria and Definition of Done
become task lists (checkboxes). API v2 (Data Center, or Cloud v2) takes a wiki-markup string; the same lists become
`[ ]` checklist bullets.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

#: Namespace for ADF localIds: derived from the content so the same plan renders the same document every time.
_ID_NAMESPACE = uuid.UUID("6f1d3c0e-5b7a-4c1e-9a59-2f0e8f6b1c11")


@dataclass(frozen=True)
class Section:
    """A heading with a checklist under it."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Description:
    """What an issue description says, independent of markup."""

    paragraphs: tuple[str, ...] = ()
    checklists: tuple[Section, ...] = ()
    footer: str = ""
    anchor: str = field(default="", compare=False)  # seeds the ADF localIds (the identity)

    def as_adf(self) -> dict[str, Any]:
        """Atlassian Document Format (REST API v3)."""
        content: list[dict[str, Any]] = [_paragraph(text) for text in self.paragraphs if text]
        for number, section in enumerate(self.checklists):
            if not section.items:
                continue
            content.append({"type": "heading", "attrs": {"level": 3}, "content": [_text(section.title)]})
            content.append({
                "type": "taskList",
                "attrs": {"localId": self._local_id(f"list-{number}")},
                "content": [
                    {"type": "taskItem", "attrs": {"localId": self._local_id(f"item-{number}-{i}"), "state": "TODO"},
                     "content": [_text(item)]}
                    for i, item in enumerate(section.items)
                ],
            })
        if self.footer:
            content.append({"type": "paragraph", "content": [{**_text(self.footer), "marks": [{"type": "em"}]}]})
        return {"type": "doc", "version": 1, "content": content}

    def as_wiki(self) -> str:
        """Jira wiki markup (REST API v2)."""
        blocks = [escape_wiki(text) for text in self.paragraphs if text]
        for section in self.checklists:
            if section.items:
                lines = [f"h3. {escape_wiki(section.title)}"]
                lines += [f"* \\[ \\] {escape_wiki(item)}" for item in section.items]
                blocks.append("\n".join(lines))
        if self.footer:
            blocks.append(f"_{escape_wiki(self.footer)}_")
        return "\n\n".join(blocks)

    def render(self, api_version: str) -> Any:
        """The description field value for an API version ('3' -> ADF, else wiki markup)."""
        return self.as_adf() if api_version == "3" else self.as_wiki()

    def _local_id(self, part: str) -> str:
        return str(uuid.uuid5(_ID_NAMESPACE, f"{self.anchor}/{part}"))


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": [_text(text)]}


# Braces open macros, brackets links, pipes tables: the characters that change meaning anywhere in a line.
_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|])")


def escape_wiki(text: str) -> str:
    """Escape wiki-markup syntax so profile text renders literally ({item} is not a macro, [x] not a link)."""
    return _WIKI_SPECIAL.sub(r"\\\1", " ".join(text.split()))
