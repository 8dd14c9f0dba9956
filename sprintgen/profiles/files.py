"""Reading the files of one profile: the profile, the epic files it includes, the profiles it extends.

Every file is read and validated once per load, however often an `extends` lattice names it, and all of them together
are bounded: at most `MAX_PROFILE_FILES` files and `MAX_TOTAL_BYTES` bytes (each file also stays under the per-file
limit `yamlio.MAX_FILE_BYTES`). Line numbers are found only when an error needs one (`YamlDocument.line`).

`include:` lists epic files, or directories whose `*.yaml` / `*.yml` files (sorted by name, not recursive) are epic
files, relative to the including file. An epic file holds `epics:` written exactly as in a profile. Included epics
come first, in the order listed, then the profile's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sprintgen.errors import ProfileError
from sprintgen.inputs.validation import validate_document
from sprintgen.inputs.yamlio import MAX_FILE_BYTES, YamlDocument, parse_yaml, read_text
from sprintgen.model import Epic, EpicFile, Profile

#: All the files of one profile (included and extended ones too) together; about 24 times the 10,000-story profile.
MAX_TOTAL_BYTES = 32 * 1024 * 1024
#: Files one profile may read in all (the profile, its includes, its parents and theirs).
MAX_PROFILE_FILES = 2_000


class Origin:
    """Where an epic or story was written, for error messages; the line is looked up only when asked for."""

    __slots__ = ("file", "_line", "_document", "_loc")

    def __init__(self, file: str, line: Optional[int] = None, document: Optional[YamlDocument] = None,
                 loc: tuple = ()) -> None:
        self.file = file
        self._line = line
        self._document = document
        self._loc = loc

    @property
    def line(self) -> Optional[int]:
        if self._line is None and self._document is not None:
            self._line = self._document.line(self._loc)
            self._document = None
        return self._line


@dataclass
class PlacedEpic:
    """An epic and the file (and index in its `epics:`) it was written in."""

    epic: Epic
    document: YamlDocument
    index: int

    def origin(self, story_index: Optional[int] = None) -> Origin:
        loc = ("epics", self.index) if story_index is None else ("epics", self.index, "stories", story_index)
        return Origin(self.document.path, document=self.document, loc=loc)


@dataclass
class LoadedProfile:
    """A validated profile file with its included epics, and where everything came from."""

    profile: Profile  # its epics are the included ones, then its own
    path: str
    document: YamlDocument
    placed: list[PlacedEpic]

    def line(self, key: str) -> Optional[int]:
        """The line of a top-level key of the profile file (e.g. 'extends')."""
        return self.document.line((key,))


class ProfileFiles:
    """The files read for one profile load: each once, their number and total size bounded."""

    def __init__(self) -> None:
        self.total_bytes = 0
        self._documents: dict[str, YamlDocument] = {}
        self._profiles: dict[str, LoadedProfile] = {}
        self._epic_files: dict[str, list[PlacedEpic]] = {}

    def read(self, path: str | Path, what: str) -> YamlDocument:
        """Read and parse a file (once); refuse it when the files of this profile grow past the limits."""
        key = file_key(path)
        if key in self._documents:
            return self._documents[key]
        if len(self._documents) >= MAX_PROFILE_FILES:
            raise ProfileError(f"more than {MAX_PROFILE_FILES:,} files in one profile (includes and extends)",
                               file=path, hint="merge small epic files into larger ones")
        text = read_text(path, what)
        self.total_bytes += len(text.encode("utf-8", "surrogatepass"))
        if self.total_bytes > MAX_TOTAL_BYTES:
            raise ProfileError(f"the profile's files come to more than {MAX_TOTAL_BYTES:,} bytes with this one",
                               file=path, hint="plan the programme as several smaller profiles")
        document = YamlDocument(str(path), text, parse_yaml(text, str(path), lines=False))
        self._documents[key] = document
        return document

    def profile(self, path: str | Path) -> LoadedProfile:
        """A profile file read, validated and with its includes loaded (once per path)."""
        key = file_key(path)
        if key not in self._profiles:
            self._profiles[key] = self._load_profile(str(path))
        return self._profiles[key]

    def _load_profile(self, path: str) -> LoadedProfile:
        document = self.read(path, "profile")
        profile = validate_document(Profile, document.release(), path, ProfileError, "profile",
                                    locate=document.line)
        placed: list[PlacedEpic] = []
        for index, ref in enumerate(profile.include):
            for file in self._included_files(ref, path, document, index):
                placed += self._epic_file(file)
        placed += [PlacedEpic(epic, document, i) for i, epic in enumerate(profile.epics)]
        _check_unique_keys(placed)
        if profile.include:
            profile = profile.model_copy(update={"epics": [p.epic for p in placed]})
        return LoadedProfile(profile, path, document, placed)

    def _epic_file(self, path: Path) -> list[PlacedEpic]:
        key = file_key(path)
        if key not in self._epic_files:
            document = self.read(path, "epic file")
            epics = validate_document(EpicFile, document.release(), str(path), ProfileError, "epic file",
                                      locate=document.line).epics
            self._epic_files[key] = [PlacedEpic(epic, document, i) for i, epic in enumerate(epics)]
        return self._epic_files[key]

    def _included_files(self, ref: str, path: str, document: YamlDocument, index: int) -> list[Path]:
        target = Path(ref) if Path(ref).is_absolute() else Path(path).parent / ref
        if target.is_dir():
            return sorted(p for p in target.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if target.is_file():
            return [target]
        raise ProfileError(f"included file '{ref}' does not exist (looked for {target})", file=path,
                           line=document.line(("include", index)), where=f"include[{index}]",
                           hint="a path in 'include' is relative to this file: an epic file or a directory of them")


def file_key(path: str | Path) -> str:
    """One key per file, however it is named (relative, absolute, through '..')."""
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def _check_unique_keys(placed: list[PlacedEpic]) -> None:
    seen_epics: dict[str, PlacedEpic] = {}
    for entry in placed:
        epic = entry.epic
        first = seen_epics.get(epic.key)
        if first is not None:
            also = f"epics[{first.index}]" if first.document is entry.document else \
                f"{first.document.path}:{first.origin().line}"
            raise ProfileError(f"duplicate epic key '{epic.key}' (also {also})", file=entry.document.path,
                               line=entry.origin().line, where=f"epics[{entry.index}].key",
                               hint="epic keys must be unique")
        seen_epics[epic.key] = entry
        seen_stories: dict[str, int] = {}
        for story_index, story in enumerate(epic.stories):
            if story.key in seen_stories:
                raise ProfileError(
                    f"duplicate story key '{epic.key}.{story.key}' (also stories[{seen_stories[story.key]}])",
                    file=entry.document.path, line=entry.origin(story_index).line,
                    where=f"epics[{entry.index}].stories[{story_index}].key", hint="story keys must be unique",
                )
            seen_stories[story.key] = story_index


__all__ = ["MAX_FILE_BYTES", "MAX_TOTAL_BYTES", "MAX_PROFILE_FILES", "Origin", "PlacedEpic", "LoadedProfile",
           "ProfileFiles", "file_key"]
