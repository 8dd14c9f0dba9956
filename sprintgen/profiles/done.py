"""Definition of Done by kind of story: which items of the profile's, the epic's and the story's lists apply.

A plain item applies to every story. An item written `{text, kinds, after}` applies only to stories of those kinds
(code, data, document, evaluation, launch) and/or to stories that transitively depend on the `after` story, so
"Code reviewed and merged" does not land on a DPIA and "the evaluation harness runs in CI" does not land on work
done before the harness exists.
"""

from __future__ import annotations

import difflib
from typing import Mapping, Sequence, Union

from sprintgen.errors import ProfileError
from sprintgen.model import BacklogStory, DoneItem

Item = Union[str, DoneItem]


def unconditional(items: Sequence[Item] | None) -> list[str]:
    """The texts of the items that apply to every story (what a plan lists as 'applies to every story')."""
    return [i if isinstance(i, str) else i.text for i in items or []
            if isinstance(i, str) or (i.kinds is None and i.after is None)]


def substituted(item: Item, substitute) -> Item:
    """An item with `{item}` substituted in its text (for `for_each` stories)."""
    return substitute(item) if isinstance(item, str) else item.model_copy(update={"text": substitute(item.text)})


def apply(stories: Mapping[str, BacklogStory], pending: Mapping[str, tuple[list[Item], object]],
          written: Mapping[str, list[str]]) -> None:
    """Set each story's Definition of Done from its candidate items (profile, epic, story, in that order)."""
    ancestors: dict[str, set[str]] = {}

    def above(key: str) -> set[str]:
        if key not in ancestors:
            found: set[str] = set()
            stack = list(stories[key].depends_on)
            while stack:
                dep = stack.pop()
                if dep not in found:
                    found.add(dep)
                    stack.extend(ancestors[dep] if dep in ancestors else stories[dep].depends_on)
            ancestors[key] = found
        return ancestors[key]

    for key, (items, origin) in pending.items():
        story = stories[key]
        texts: list[str] = []
        for item in items:
            if not isinstance(item, str):
                if item.kinds is not None and story.kind not in item.kinds:
                    continue
                if item.after is not None and not set(_targets(item, written, origin)) & above(key):
                    continue
            text = item if isinstance(item, str) else item.text
            if text not in texts:
                texts.append(text)
        story.definition_of_done = texts


def _targets(item: DoneItem, written: Mapping[str, list[str]], origin) -> list[str]:
    if item.after not in written:
        close = difflib.get_close_matches(item.after, list(written), n=3, cutoff=0.6)
        raise ProfileError(f"Definition-of-Done item '{item.text[:60]}' is 'after' unknown story '{item.after}'",
                           file=origin.file, line=origin.line, where="definition_of_done.after",
                           hint=f"closest existing keys: {', '.join(close)}" if close else "use EPIC.STORY")
    return written[item.after]  # empty when a condition switched that story off: then the item applies to none
