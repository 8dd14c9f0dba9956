"""Resolving a merged profile into a Backlog: parameters, `when`, `for_each`, `scale`, DoD and dependency keys.

The work is linear in what comes out, and what comes out is bounded: at most `MAX_STORIES` stories, `MAX_DEPENDENCIES`
dependencies once epic references are expanded (3,000 stories each waiting on a 3,000-story epic would be nine
million), and `MAX_EXPANDED_TEXT` characters of text written by `for_each` substitutions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, Mapping

from sprintgen.profiles import conditions, done
from sprintgen.errors import GraphError, ProfileError
from sprintgen.model import Backlog, BacklogEpic, BacklogMilestone, BacklogStory, Epic, Story
from sprintgen.profiles.discovery import display_source
from sprintgen.profiles.parameters import resolve_values
from sprintgen.profiles.merge import MergedProfile, Origin, load_merged

MAX_STORIES = 100_000
MAX_DEPENDENCIES = 500_000
MAX_EXPANDED_TEXT = 16 * 1024 * 1024


#: The most stories one `for_each` count may expand into (a typo must not create a million stories).
MAX_REPEAT = 200


def build_backlog(ref: str, params: Mapping[str, Any] | None = None) -> Backlog:
    """Load a profile by id or path and resolve it into a Backlog."""
    return resolve(load_merged(ref), params or {})


def resolve(merged: MergedProfile, given: Mapping[str, Any]) -> Backlog:
    """Apply parameters and conditions to a merged profile, expand stories and resolve dependency references."""
    profile = merged.profile
    values = resolve_values(profile.parameters, given, merged.path)
    epics: list[BacklogEpic] = []
    stories: list[BacklogStory] = []
    pending_deps: dict[str, tuple[list[str], Origin]] = {}
    pending_dod: dict[str, tuple[list, Origin]] = {}
    all_written: dict[str, list[str]] = {}  # every key written in the profile -> expanded keys (may be empty)
    epic_of_written: dict[str, str] = {}
    text_budget = [MAX_EXPANDED_TEXT]
    written_at: dict[str, tuple[Origin, Story]] = {}  # every story key made so far -> where and by what
    for epic in profile.epics:
        epic_origin = merged.origins.get(epic.key, Origin(merged.path, None))
        include_epic = _condition(epic.when, values, epic_origin, f"epics.{epic.key}.when")
        all_written.setdefault(epic.key, [])
        backlog_epic = BacklogEpic(key=epic.key, title=epic.title or epic.key, goal=epic.goal or "",
                                   definition_of_done=done.unconditional(epic.definition_of_done))
        for story in epic.stories:
            written_key = f"{epic.key}.{story.key}"
            origin = merged.origins.get(written_key, epic_origin)
            all_written[written_key] = []
            epic_of_written[written_key] = epic.key
            if not include_epic or not _condition(story.when, values, origin, f"{written_key}.when"):
                continue
            for expanded in _expand(epic, story, values, origin, text_budget):
                expanded_story = _backlog_story(epic, expanded, origin)
                _check_new_key(expanded_story.key, story, origin, written_at)
                stories.append(expanded_story)
                backlog_epic.stories.append(expanded_story.key)
                all_written[written_key].append(expanded_story.key)
                all_written[epic.key].append(expanded_story.key)
                pending_deps[expanded_story.key] = (list(story.depends_on or []), origin)
                candidates = [*(profile.definition_of_done or []), *(epic.definition_of_done or []),
                              *(expanded.definition_of_done or [])]
                pending_dod[expanded_story.key] = (candidates, origin)
            if len(stories) > MAX_STORIES:
                raise ProfileError(f"more than {MAX_STORIES:,} stories", file=origin.file, line=origin.line,
                                   where=written_key, hint="plan the programme as several smaller profiles")
        if backlog_epic.stories:
            epics.append(backlog_epic)
    if not stories:
        raise _nothing_to_plan(merged, values)
    by_key = {s.key: s for s in stories}
    budget = [MAX_DEPENDENCIES]
    for key, (refs, origin) in pending_deps.items():
        by_key[key].depends_on = _resolve_refs(key, refs, all_written, by_key, origin, budget)
    done.apply(by_key, pending_dod, all_written)
    risks = [r for r in profile.risks if _condition(r.when, values, Origin(merged.path, None), f"risks.{r.title}")]
    milestones = _milestones(merged, all_written, by_key)
    return Backlog(
        profile_id=profile.id,
        profile_name=profile.name or profile.id,
        description=profile.description or "",
        source=merged.path,
        source_label=display_source(merged.path),
        parameters=values,
        definition_of_done=done.unconditional(profile.definition_of_done),
        risks=risks,
        assumptions=list(profile.assumptions),
        epics=epics,
        stories=stories,
        milestones=milestones,
    )


def _check_new_key(key: str, story: Story, origin: Origin, made: dict[str, tuple[Origin, Story]]) -> None:
    """Refuse a second story with a key already made (a `for_each` expansion meeting a written story)."""
    if key in made:
        first_origin, first = made[key]
        this = f"`for_each: {story.for_each}` here" if story.for_each else "this story"
        other = f"`for_each: {first.for_each}`" if first.for_each else "the story written"
        place = f"{first_origin.file}:{first_origin.line}" if first_origin.line else first_origin.file
        raise ProfileError(f"story key '{key}' is made twice: by {this} and by {other} at {place}",
                           file=origin.file, line=origin.line, where=f"{key}.key",
                           hint="story keys must be unique: rename one of the stories")
    made[key] = (origin, story)


def _nothing_to_plan(merged: MergedProfile, values: Mapping[str, Any]) -> ProfileError:
    """Why a profile resolves to no story at all: an empty roadmap is never what the user asked for."""
    epics = merged.profile.epics
    if not epics:
        return ProfileError("the profile has no epics: nothing to plan", file=merged.path, where="epics",
                            hint="add epics with stories, or extend a profile that has them")
    if not any(epic.stories for epic in epics):
        return ProfileError("no epic of the profile has stories: nothing to plan", file=merged.path, where="epics",
                            hint="add stories to the epics")
    given = ", ".join(f"{name}={_shown(value)}" for name, value in values.items()) or "no parameters"
    return ProfileError(f"the `when` conditions exclude every story ({given}): nothing to plan",
                        file=merged.path, where="epics", hint="set other --param values or loosen the conditions")


def _shown(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _milestones(merged: MergedProfile, written: dict[str, list[str]],
                stories: dict[str, BacklogStory]) -> list[BacklogMilestone]:
    """Each milestone with the full keys of its stories in profile order; one whose stories are all excluded is
    dropped. An unknown key is an error at the milestone's line."""
    order = {key: i for i, key in enumerate(stories)}
    out: list[BacklogMilestone] = []
    for milestone in merged.profile.milestones:
        origin = merged.origins.get(f"milestones.{milestone.key}", Origin(merged.path, None))
        where = f"milestones.{milestone.key}.stories"
        if not milestone.stories:
            raise ProfileError(f"milestone '{milestone.key}' names no stories", file=origin.file, line=origin.line,
                               where=where, hint="list the EPIC.STORY keys (or epic keys) that complete it")
        keys: set[str] = set()
        for ref in milestone.stories:
            if ref not in written:
                close = difflib.get_close_matches(ref, list(written), n=3, cutoff=0.6)
                hint = f"closest existing keys: {', '.join(close)}" if close else "use EPIC.STORY or an epic key"
                raise ProfileError(f"milestone '{milestone.key}' names unknown story '{ref}'", file=origin.file,
                                   line=origin.line, where=where, hint=hint)
            keys.update(k for k in written[ref] if k in stories)
        if keys:
            out.append(BacklogMilestone(key=milestone.key, title=milestone.title or milestone.key,
                                        stories=sorted(keys, key=order.__getitem__)))
    return out


def _condition(expression: str | None, values: Mapping[str, Any], origin: Origin, where: str) -> bool:
    if expression is None:
        return True
    try:
        return bool(conditions.evaluate(expression, values))
    except conditions.ExpressionError as exc:
        raise ProfileError(str(exc), file=origin.file, line=origin.line, where=where,
                           hint="see 'Conditions' in README.md") from None


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()  # Café -> Cafe
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _item_slugs(items: list[Any]) -> list[tuple[Any, str]]:
    """Each distinct item with a key suffix of its own: the same item twice is one story, but two items that read
    alike in ASCII (`C++` and `C#`, or `売上` and `在庫`, which have none) never collapse into one key. Such an
    item gets its position in the list: `c`, `c-2`; `item-1`, `item-2`."""
    slugs: list[tuple[Any, str]] = []
    taken: set[str] = set()
    seen_items: set[str] = set()
    for position, item in enumerate(items, start=1):
        if str(item) in seen_items:
            continue
        seen_items.add(str(item))
        slug = _slug(item) or f"item-{position}"
        if slug in taken:
            slug = f"{slug}-{position}"
        while slug in taken:  # an item literally named like a suffixed one ("c-2"): keep counting
            slug += "-x"
        taken.add(slug)
        slugs.append((item, slug))
    return slugs


def _expand(epic: Epic, story: Story, values: Mapping[str, Any], origin: Origin, budget: list[int]) -> list[Story]:
    """One story, or one per item of the `for_each` list parameter, with `{item}` substituted."""
    story = _scaled(epic, story, values, origin)
    if story.for_each is None:
        return [story]
    items = _items(epic, story, values, origin)
    where = f"{epic.key}.{story.key}.for_each"
    expanded = []
    for item, slug in _item_slugs(items):
        _spend_text(story, str(item), budget, origin, where)

        def sub(text: str | None, item: str = str(item)) -> str | None:
            return text.replace("{item}", item) if text is not None else None

        expanded.append(story.model_copy(update={
            "key": f"{story.key}-{slug}",
            "title": sub(story.title),
            "description": sub(story.description),
            "acceptance": [sub(a) for a in story.acceptance or []],
            "definition_of_done": ([done.substituted(d, sub) for d in story.definition_of_done]
                                   if story.definition_of_done else None),
        }))
    return expanded


def _spend_text(story: Story, item: str, budget: list[int], origin: Origin, where: str) -> None:
    """Count the text one `for_each` item writes (before writing it) against what one profile may expand to."""
    texts = [story.title, story.description, *(story.acceptance or []),
             *(d if isinstance(d, str) else d.text for d in story.definition_of_done or [])]
    size = sum(len(t) + t.count("{item}") * len(item) for t in texts if t)
    budget[0] -= size
    if budget[0] < 0:
        raise ProfileError(f"for_each would write more than {MAX_EXPANDED_TEXT:,} characters of story text",
                           file=origin.file, line=origin.line, where=where,
                           hint="use '{item}' fewer times, or give the list parameter fewer or shorter items")


def _items(epic: Epic, story: Story, values: Mapping[str, Any], origin: Origin) -> list[Any]:
    """What `for_each` iterates over: a list parameter's items, or 1..N for an expression giving a count N
    (`for_each: "max(1, labelled_examples // 2500)"` splits work into batches)."""
    where = f"{epic.key}.{story.key}.for_each"
    name = story.for_each.strip()
    if name.isidentifier():
        if name not in values:
            raise ProfileError(f"'{name}' is not a parameter of this profile", file=origin.file,
                               line=origin.line, where=where, hint="name a list parameter or write a count expression")
        items = values[name]
        if not isinstance(items, list):
            raise ProfileError(f"parameter '{name}' is not a list", file=origin.file, line=origin.line,
                               where=where, hint="give the parameter type: list, or write a count expression")
        return items
    try:
        count = conditions.evaluate(name, values)
    except conditions.ExpressionError as exc:
        raise ProfileError(str(exc), file=origin.file, line=origin.line, where=where,
                           hint="see 'Conditions' in README.md") from None
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_REPEAT:
        raise ProfileError(f"for_each must give a list parameter or a whole number from 0 to {MAX_REPEAT}, "
                           f"got {count!r}", file=origin.file, line=origin.line, where=where,
                           hint="round the count, e.g. with // or round()")
    return list(range(1, count + 1))


def _scaled(epic: Epic, story: Story, values: Mapping[str, Any], origin: Origin) -> Story:
    if story.scale is None or story.estimate is None:
        return story
    where = f"{epic.key}.{story.key}.scale"
    try:
        factor = conditions.evaluate(story.scale, values)
    except conditions.ExpressionError as exc:
        raise ProfileError(str(exc), file=origin.file, line=origin.line, where=where,
                           hint="see 'Conditions' in README.md") from None
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor < 0:
        raise ProfileError(f"scale must give a non-negative number, got {factor!r}", file=origin.file,
                           line=origin.line, where=where, hint="a scale multiplies the estimate: make it 0 or more")
    try:
        scaled = story.estimate.scaled(float(factor))
    except ValueError:  # pydantic's ValidationError: the product is no longer a finite number
        raise ProfileError(f"scale {factor!r} makes the estimate too large", file=origin.file, line=origin.line,
                           where=where, hint="use a smaller estimate or scale") from None
    return story.model_copy(update={"estimate": scaled})


def _backlog_story(epic: Epic, story: Story, origin: Origin) -> BacklogStory:
    key = f"{epic.key}.{story.key}"
    for field in ("title", "estimate"):
        if getattr(story, field) is None:
            raise ProfileError(f"story has no {field}", file=origin.file, line=origin.line,
                               where=f"{key}.{field}",
                               hint=f"give the story {'an' if field[0] in 'aeiou' else 'a'} {field}")
    # Every field comes from a validated Story: constructing skips validating ten thousand stories again.
    return BacklogStory.model_construct(
        key=key, epic=epic.key, title=story.title, description=story.description or "",
        acceptance=list(story.acceptance or []), estimate=story.estimate, skills=list(story.skills or []),
        depends_on=[], definition_of_done=[], labels=list(story.labels or []), sprint=story.sprint,
        kind=story.kind or epic.kind or "code",
    )


def _resolve_refs(key: str, refs: list[str], written: dict[str, list[str]], stories: dict[str, BacklogStory],
                  origin: Origin, budget: list[int]) -> list[str]:
    """Dependency references to full story keys. A story or epic excluded by a condition is simply not waited on."""
    epic = key.split(".", 1)[0]
    resolved: dict[str, None] = {}  # an ordered set: an epic of 3,000 stories must not cost 3,000^2 lookups
    for ref in refs:
        # a bare name is a story of the same epic first (the nearer meaning), else an epic key
        candidates = [ref] if "." in ref else [f"{epic}.{ref}", ref]
        target = next((c for c in candidates if c in written), None)
        if target is None:
            close = difflib.get_close_matches(ref, [k for k in written], n=3, cutoff=0.6)
            hint = f"closest existing keys: {', '.join(close)}" if close else "use EPIC.STORY or an epic key"
            raise GraphError(f"story '{key}' depends on unknown key '{ref}'", file=origin.file, line=origin.line,
                             where=f"{key}.depends_on", hint=hint)
        if target == key or (target == epic and key in written[target]):
            raise GraphError(f"story '{key}' depends on itself" + (f" (through its epic '{epic}')"
                             if target == epic else ""), file=origin.file, line=origin.line,
                             where=f"{key}.depends_on", hint="remove the self-reference")
        targets = written[target]
        budget[0] -= len(targets)
        if budget[0] < 0:
            raise GraphError(f"more than {MAX_DEPENDENCIES:,} dependencies once epic references are expanded "
                             f"('{key}' waits on {len(targets):,} stories through '{ref}')", file=origin.file,
                             line=origin.line, where=f"{key}.depends_on",
                             hint="depend on the epic's last stories, or add a milestone story the others wait on")
        for dep in targets:
            if dep != key and dep in stories:
                resolved[dep] = None
    return list(resolved)
