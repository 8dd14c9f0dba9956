"""Resolving a merged profile into a Backlog: parameters, `when`, `for_each`, `scale`, DoD and dependency keys."""

from __future__ import annotations

import difflib
import re
from typing import Any, Mapping

from sprintgen.profiles import conditions, done
from sprintgen.errors import GraphError, ProfileError
from sprintgen.model import Backlog, BacklogEpic, BacklogMilestone, BacklogStory, Epic, Story
from sprintgen.profiles.parameters import resolve_values
from sprintgen.profiles.merge import MergedProfile, Origin, load_merged


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
            for expanded in _expand(epic, story, values, origin):
                expanded_story = _backlog_story(epic, expanded, origin)
                stories.append(expanded_story)
                backlog_epic.stories.append(expanded_story.key)
                all_written[written_key].append(expanded_story.key)
                all_written[epic.key].append(expanded_story.key)
                pending_deps[expanded_story.key] = (list(story.depends_on or []), origin)
                candidates = [*(profile.definition_of_done or []), *(epic.definition_of_done or []),
                              *(expanded.definition_of_done or [])]
                pending_dod[expanded_story.key] = (candidates, origin)
        if backlog_epic.stories:
            epics.append(backlog_epic)
    by_key = {s.key: s for s in stories}
    for key, (refs, origin) in pending_deps.items():
        by_key[key].depends_on = _resolve_refs(key, refs, all_written, by_key, origin)
    done.apply(by_key, pending_dod, all_written)
    risks = [r for r in profile.risks if _condition(r.when, values, Origin(merged.path, None), f"risks.{r.title}")]
    milestones = _milestones(merged, all_written, by_key)
    return Backlog(
        profile_id=profile.id,
        profile_name=profile.name or profile.id,
        description=profile.description or "",
        source=merged.path,
        parameters=values,
        definition_of_done=done.unconditional(profile.definition_of_done),
        risks=risks,
        assumptions=list(profile.assumptions),
        epics=epics,
        stories=stories,
        milestones=milestones,
    )


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
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug or "item"


def _expand(epic: Epic, story: Story, values: Mapping[str, Any], origin: Origin) -> list[Story]:
    """One story, or one per item of the `for_each` list parameter, with `{item}` substituted."""
    story = _scaled(epic, story, values, origin)
    if story.for_each is None:
        return [story]
    items = _items(epic, story, values, origin)
    expanded = []
    seen: set[str] = set()
    for item in items:
        slug = _slug(item)
        if slug in seen:
            continue
        seen.add(slug)

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
                               where=f"{key}.{field}", hint=f"give the story {'an' if field[0] in 'aeiou' else 'a'} {field}")
    return BacklogStory(
        key=key, epic=epic.key, title=story.title, description=story.description or "",
        acceptance=list(story.acceptance or []), estimate=story.estimate, skills=list(story.skills or []),
        labels=list(story.labels or []), sprint=story.sprint, kind=story.kind or epic.kind or "code",
    )


def _resolve_refs(key: str, refs: list[str], written: dict[str, list[str]], stories: dict[str, BacklogStory],
                  origin: Origin) -> list[str]:
    """Dependency references to full story keys. A story or epic excluded by a condition is simply not waited on."""
    epic = key.split(".", 1)[0]
    resolved: list[str] = []
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
        for dep in written[target]:
            if dep != key and dep not in resolved and dep in stories:
                resolved.append(dep)
    return resolved
