"""Finding and loading profiles, and resolving `extends`.

Profiles come from entry points in the group `sprintgen.profiles` (the built-ins are registered there exactly as a
plugin's would be), from `./profiles/` in the current project, from the user's config directory, and from paths.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sprintgen.errors import ProfileError
from sprintgen.model import Epic, Profile, Story
from sprintgen.profiles.discovery import ProfileSource, discover_profiles
from sprintgen.inputs.validation import validate_document
from sprintgen.inputs.yamlio import load_yaml


@dataclass
class LoadedProfile:
    """A validated profile file and where it came from."""

    profile: Profile
    path: str
    raw: Any


@dataclass
class Origin:
    """Where an epic or story was written, for error messages."""

    file: str
    line: int | None


@dataclass
class MergedProfile:
    """A profile with its `extends` chain merged in; each epic and story remembers its origin."""

    profile: Profile
    path: str
    origins: dict[str, Origin] = field(default_factory=dict)  # "epic" or "epic.story" -> origin


def looks_like_path(ref: str) -> bool:
    """True when a --profile value names a file rather than a profile id."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref or Path(ref).is_file()


def load_profile_file(path: str | Path) -> LoadedProfile:
    """Read and validate one profile YAML file (without resolving `extends`)."""
    raw = load_yaml(path, "profile")
    profile = validate_document(Profile, raw, str(path), ProfileError, "profile")
    _check_unique_keys(profile, raw, str(path))
    return LoadedProfile(profile, str(path), raw)


def find_profile(ref: str, sources: dict[str, ProfileSource] | None = None) -> str:
    """The file of a profile given by id or path; an unknown id names the closest ones."""
    if looks_like_path(ref):
        return ref
    sources = discover_profiles() if sources is None else sources
    if ref in sources:
        return str(sources[ref].path)
    if Path(ref).is_dir():
        raise ProfileError("is a directory, not a profile", file=ref, hint="pass a YAML file or a profile id")
    close = difflib.get_close_matches(ref, list(sources), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known profiles: {', '.join(sorted(sources))}"
    raise ProfileError(f"unknown profile '{ref}'", hint=hint + " (or pass a path to a YAML file)")


def load_merged(ref: str) -> MergedProfile:
    """Load a profile by id or path and merge its `extends` chain (parents first, later parents win)."""
    sources = discover_profiles()
    return _load_merged(ref, sources, chain=())


def _load_merged(ref: str, sources: dict[str, ProfileSource], chain: tuple[str, ...]) -> MergedProfile:
    path = find_profile(ref, sources)
    loaded = load_profile_file(path)
    own = loaded.profile
    if own.id in chain:
        cycle = " -> ".join(chain[chain.index(own.id):] + (own.id,))
        raise ProfileError(f"'extends' cycle: {cycle}", file=path, line=_line(loaded.raw, "extends"),
                           where="extends", hint="remove one of the links")
    merged = MergedProfile(Profile(id=own.id), path)
    for parent_ref in own.extends:
        parent_path_ref = _parent_ref(parent_ref, path)
        if looks_like_path(parent_ref) and not Path(parent_path_ref).is_file():
            # Name the child's `extends` line: that is where the fix goes, not in the file that does not exist.
            missing = "is a directory" if Path(parent_path_ref).is_dir() else "does not exist"
            raise ProfileError(f"parent profile '{parent_ref}' {missing} (looked for {parent_path_ref})", file=path,
                               line=_line(loaded.raw, "extends"), where="extends",
                               hint="a path in 'extends' is relative to this file; fix it or use a profile id")
        try:
            parent = _load_merged(parent_path_ref, sources, chain + (own.id,))
        except ProfileError as exc:
            if exc.message.startswith("unknown profile") and exc.file is None:
                exc.file, exc.line, exc.where = path, _line(loaded.raw, "extends"), "extends"
            raise
        merged = _merge(merged, parent)
    own_origins = _origins(loaded)
    return _merge(merged, MergedProfile(own, path, own_origins), is_child=True)


def _parent_ref(ref: str, child_path: str) -> str:
    """A parent named by path is relative to the child's file."""
    if looks_like_path(ref) and not Path(ref).is_absolute():
        candidate = Path(child_path).parent / ref
        return str(candidate)
    return ref


def _line(raw: Any, key: str) -> int | None:
    return getattr(raw, "lines", {}).get(key) if isinstance(raw, dict) else None


def _origins(loaded: LoadedProfile) -> dict[str, Origin]:
    origins: dict[str, Origin] = {}
    raw_epics = loaded.raw.get("epics") or []
    for epic_index, epic in enumerate(loaded.profile.epics):
        raw_epic = raw_epics[epic_index]
        origins[epic.key] = Origin(loaded.path, getattr(raw_epic, "line", None))
        raw_stories = raw_epic.get("stories") or []
        for story_index, story in enumerate(epic.stories):
            origins[f"{epic.key}.{story.key}"] = Origin(loaded.path, getattr(raw_stories[story_index], "line", None))
    return origins


def _check_unique_keys(profile: Profile, raw: Any, path: str) -> None:
    seen_epics: dict[str, int] = {}
    for epic_index, epic in enumerate(profile.epics):
        raw_epic = raw["epics"][epic_index]
        if epic.key in seen_epics:
            raise ProfileError(f"duplicate epic key '{epic.key}' (also epics[{seen_epics[epic.key]}])", file=path,
                               line=getattr(raw_epic, "line", None), where=f"epics[{epic_index}].key",
                               hint="epic keys must be unique")
        seen_epics[epic.key] = epic_index
        seen_stories: dict[str, int] = {}
        for story_index, story in enumerate(epic.stories):
            if story.key in seen_stories:
                raise ProfileError(
                    f"duplicate story key '{epic.key}.{story.key}' (also stories[{seen_stories[story.key]}])",
                    file=path, line=getattr(raw_epic["stories"][story_index], "line", None),
                    where=f"epics[{epic_index}].stories[{story_index}].key", hint="story keys must be unique",
                )
            seen_stories[story.key] = story_index


def _merge(base: MergedProfile, other: MergedProfile, *, is_child: bool = False) -> MergedProfile:
    """Merge `other` over `base`: epics and stories by key, fields `other` sets replace the base's.

    `is_child` is true for the extending profile itself (its id wins); false when folding in another parent.
    """
    b, c = base.profile, other.profile
    epics = {e.key: e for e in b.epics}
    for epic in c.epics:
        if epic.key in epics and not epic.remove:
            epics[epic.key] = _merge_epic(epics[epic.key], epic)
        elif not epic.remove:
            epics[epic.key] = epic.model_copy(update={"stories": [s for s in epic.stories if not s.remove]})
    order = merged_order([e.key for e in b.epics], [(e.key, e.remove) for e in c.epics])
    origins = dict(base.origins)
    origins.update(other.origins)
    profile = Profile(
        id=c.id if is_child else b.id,
        name=c.name or b.name,
        description=c.description or b.description,
        extends=c.extends if is_child else b.extends,
        parameters={**b.parameters, **c.parameters},
        definition_of_done=_union(b.definition_of_done, c.definition_of_done),
        risks=_unique_by_title(b.risks + c.risks),
        assumptions=_assumptions(b, c, other.path) if is_child else _union(b.assumptions, c.assumptions),
        epics=[epics[k] for k in order],
    )
    return MergedProfile(profile, other.path if is_child else base.path, origins)


def _assumptions(base: Profile, child: Profile, path: Any) -> list[str]:
    """The inherited assumptions and the child's own, without those the child removes (each must be inherited)."""
    inherited = _union(base.assumptions, [])
    for index, text in enumerate(child.remove_assumptions):
        if text not in inherited:
            raise ProfileError(f"remove_assumptions[{index}] names no inherited assumption: '{text}'", file=path,
                               where=f"remove_assumptions[{index}]",
                               hint="copy the inherited assumption's text exactly (sprintgen show PROFILE lists them)")
    return [a for a in _union(base.assumptions, child.assumptions) if a not in child.remove_assumptions]


def merged_order(base: list[str], other: list[tuple[str, bool]]) -> list[str]:
    """The order of keys after merging `other` (key, removed) over `base`.

    Keys `other` removes are dropped. A key new in `other` goes right before the next key `other` lists after it
    that `base` already has, so both orders are kept where they agree: merging rag (..., guards, evaluation,
    governance, ...) with fine-tuning (..., dataset, training, evaluation, guards, release, governance, ...) puts
    dataset and training before evaluation and release before governance. A new key with no known key after it
    goes at the end.
    """
    removed = {key for key, gone in other if gone}
    order = [k for k in base if k not in removed]
    known = set(order)
    pending: list[str] = []
    for key, gone in other:
        if gone:
            continue
        if key in known:
            if pending:
                at = order.index(key)
                order[at:at] = pending
                known.update(pending)
                pending = []
        elif key not in pending:
            pending.append(key)
    order.extend(pending)
    return order


def _merge_epic(base: Epic, child: Epic) -> Epic:
    stories = {s.key: s for s in base.stories}
    for story in child.stories:
        if story.remove:
            continue
        stories[story.key] = _override(stories[story.key], story) if story.key in stories else story
    order = merged_order([s.key for s in base.stories], [(s.key, s.remove) for s in child.stories])
    merged = _override(base, child, exclude={"stories"})
    return merged.model_copy(update={"stories": [stories[k] for k in order]})


def _override(base: Story | Epic, child: Story | Epic, exclude: set[str] = frozenset()):
    update = {name: getattr(child, name) for name in child.model_fields_set
              if name not in exclude and name not in ("key", "remove")}
    return base.model_copy(update=update)


def _union(*lists: list[str] | None) -> list[str]:
    out: list[str] = []
    for items in lists:
        for item in items or []:
            if item not in out:
                out.append(item)
    return out


def _unique_by_title(risks: list) -> list:
    seen: dict[str, Any] = {}
    for risk in risks:
        seen[risk.title] = risk
    return list(seen.values())
