"""Issue descriptions in the markup each REST API version expects.

API v3 (Cloud) takes Atlassian Document Format (ADF): a JSON document; acceptance criteria and Definition of Done
become task lists (checkboxes). API v2 (Data Center, or Cloud v2) takes a wiki-markup string written by
`sprintgen.exporters.jira_markup` (the writer `--format csv` uses too); the same lists become `[ ]` checklist bullets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sprintgen.exporters.jira_markup import wiki_document

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
        """Jira wiki markup (REST API v2): the same writer as `--format csv`."""
        return wiki_document(self.paragraphs, [(s.title, s.items) for s in self.checklists], self.footer)

    def render(self, api_version: str) -> Any:
        """The description field value for an API version ('3' -> ADF, else wiki markup)."""
        return self.as_adf() if api_version == "3" else self.as_wiki()

    def _local_id(self, part: str) -> str:
        return str(uuid.uuid5(_ID_NAMESPACE, f"{self.anchor}/{part}"))


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": [_text(text)]}

