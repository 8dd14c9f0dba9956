"""Finding profiles, and resolving `extends` (reading the files: `files.py`).

Profiles come from entry points in the group `sprintgen.profiles` (the built-ins are registered there exactly as a
plugin's would be), from `./profiles/` in the current project, from the user's config directory, and from paths.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sprintgen.errors import ProfileError
from sprintgen.model import Epic, Milestone, Profile, Story
from sprintgen.profiles.discovery import ProfileSource, discover_profiles, same_file
from sprintgen.profiles.files import LoadedProfile, Origin, ProfileFiles, file_key
from sprintgen.inputs.atomic import check_path_name


@dataclass
class MergedProfile:
    """A profile with its `extends` chain merged in; each epic and story remembers its origin."""

    profile: Profile
    path: str
    origins: dict[str, Origin] = field(default_factory=dict)  # "epic", "epic.story" or "milestones.key" -> origin


def looks_like_path(ref: str) -> bool:
    """True when a --profile value names a file rather than a profile id."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref or Path(ref).is_file()


def load_profile_file(path: str | Path, files: ProfileFiles | None = None) -> LoadedProfile:
    """Read and validate one profile YAML file and the epic files it includes (without resolving `extends`)."""
    return (files or ProfileFiles()).profile(path)


def find_profile(ref: str, sources: dict[str, ProfileSource] | None = None) -> str:
    """The file of a profile given by id or path; an unknown id names the closest ones."""
    check_path_name(ref, None)
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


#: How many profiles one `extends` chain may hold (a deeper chain is refused where it goes too deep).
MAX_EXTENDS_DEPTH = 50


def load_merged(ref: str) -> MergedProfile:
    """Load a profile by id or path and merge its `extends` chain (parents first, later parents win).

    Each file is read once, and each profile merged once, however many paths of an `extends` lattice lead to it.
    """
    return _Merger(discover_profiles()).merged(ref, chain=())


class _Merger:
    def __init__(self, sources: dict[str, ProfileSource]) -> None:
        self.sources = sources
        self.files = ProfileFiles()
        self.done: dict[str, MergedProfile] = {}

    def merged(self, ref: str, chain: tuple[tuple[str, Path], ...]) -> MergedProfile:
        """`chain`: (id, resolved file) of every profile on the way here. A cycle is a file met again, not an id: a
        profile may share the id of the one it extends (`id: rag` over the built-in rag) without being a cycle."""
        path = find_profile(ref, self.sources)
        loaded = self.files.profile(path)
        own = loaded.profile
        _check_listed_id(loaded, self.sources)
        files = [file for _, file in chain]
        here = Path(path).resolve()
        if here in files:
            cycle = " -> ".join([pid for pid, _ in chain[files.index(here):]] + [own.id])
            raise ProfileError(f"'extends' cycle: {cycle}", file=path, line=loaded.line("extends"),
                               where="extends", hint="remove one of the links")
        if own.extends and len(chain) + 1 >= MAX_EXTENDS_DEPTH:
            raise ProfileError(f"the 'extends' chain is deeper than {MAX_EXTENDS_DEPTH} profiles "
                               f"({chain[0][0]} -> ... -> {own.id} -> {own.extends[0]})", file=path,
                               line=loaded.line("extends"), where="extends",
                               hint="extend fewer levels: fold some of the parents into one profile")
        key = file_key(path)
        if key not in self.done:
            self.done[key] = self._merge_parents(loaded, chain + ((own.id, here),))
        return self.done[key]

    def _merge_parents(self, loaded: LoadedProfile, chain: tuple[tuple[str, Path], ...]) -> MergedProfile:
        own, path = loaded.profile, loaded.path
        merged = MergedProfile(Profile(id=own.id), path)
        for parent_ref in own.extends:
            parent_path_ref = _parent_ref(parent_ref, path)
            if looks_like_path(parent_ref) and not Path(parent_path_ref).is_file():
                # Name the child's `extends` line: that is where the fix goes, not in the file that does not exist.
                missing = "is a directory" if Path(parent_path_ref).is_dir() else "does not exist"
                raise ProfileError(f"parent profile '{parent_ref}' {missing} (looked for {parent_path_ref})",
                                   file=path, line=loaded.line("extends"), where="extends",
                                   hint="a path in 'extends' is relative to this file; fix it or use a profile id")
            try:
                parent = self.merged(parent_path_ref, chain)
            except ProfileError as exc:
                if exc.message.startswith("unknown profile") and exc.file is None:
                    exc.file, exc.line, exc.where = path, loaded.line("extends"), "extends"
                raise
            merged = _merge(merged, parent)
        return _merge(merged, MergedProfile(own, path, _origins(loaded)), is_child=True)


def _check_listed_id(loaded: LoadedProfile, sources: dict[str, ProfileSource]) -> None:
    """A profile found in a profiles directory is listed by its file name: its `id` must be that name, or it would
    be listed under one name and planned (and pushed) under another."""
    listed = next((pid for pid, source in sources.items() if same_file(source.path, Path(loaded.path))), None)
    if listed is not None and listed != loaded.profile.id:
        raise ProfileError(f"the id '{loaded.profile.id}' does not match the file name '{Path(loaded.path).name}'",
                           file=loaded.path, line=loaded.line("id"), where="id",
                           hint=f"set `id: {listed}` or rename the file to {loaded.profile.id}.yaml")


def _parent_ref(ref: str, child_path: str) -> str:
    """A parent named by path is relative to the child's file."""
    if looks_like_path(ref) and not Path(ref).is_absolute():
        candidate = Path(child_path).parent / ref
        return str(candidate)
    return ref


def _origins(loaded: LoadedProfile) -> dict[str, Origin]:
    origins: dict[str, Origin] = {}
    for placed in loaded.placed:
        epic = placed.epic
        origins[epic.key] = placed.origin()
        for story_index, story in enumerate(epic.stories):
            origins[f"{epic.key}.{story.key}"] = placed.origin(story_index)
    seen: dict[str, int] = {}
    for index, milestone in enumerate(loaded.profile.milestones):
        origin = Origin(loaded.path, document=loaded.document, loc=("milestones", index))
        if milestone.key in seen:
            raise ProfileError(f"duplicate milestone key '{milestone.key}' (also milestones[{seen[milestone.key]}])",
                               file=origin.file, line=origin.line, where=f"milestones[{index}].key",
                               hint="milestone keys must be unique")
        seen[milestone.key] = index
        origins[f"milestones.{milestone.key}"] = origin
    return origins


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
    profile.milestones = _merge_milestones(b.milestones, c.milestones, _written_keys(b) - _written_keys(profile))
    return MergedProfile(profile, other.path if is_child else base.path, origins)


def _written_keys(profile: Profile) -> set[str]:
    return {e.key for e in profile.epics} | {f"{e.key}.{s.key}" for e in profile.epics for s in e.stories}


def _merge_milestones(base: list[Milestone], child: list[Milestone], removed: set[str]) -> list[Milestone]:
    """Milestones by key: the child's fields replace the base's, `remove: true` drops one, new ones follow.

    Stories (or epics) the child removes are no longer waited for; an inherited milestone left with none of its
    stories is dropped with them."""
    merged = {}
    for milestone in base:
        kept = [ref for ref in milestone.stories or [] if ref not in removed]
        if kept or not milestone.stories:
            merged[milestone.key] = milestone.model_copy(update={"stories": kept}) if milestone.stories else milestone
    for milestone in child:
        if milestone.remove:
            merged.pop(milestone.key, None)
        elif milestone.key in merged:
            merged[milestone.key] = _override(merged[milestone.key], milestone)
        else:
            merged[milestone.key] = milestone
    order = merged_order([m.key for m in base], [(m.key, m.remove) for m in child])
    return [merged[k] for k in order if k in merged]


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


def _override(base: Story | Epic | Milestone, child: Story | Epic | Milestone, exclude: set[str] = frozenset()):
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
