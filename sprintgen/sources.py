"""Where profiles and templates come from: entry points, the project directory, the user's config directory.

The built-in profiles are registered in pyproject.toml under the entry-point group `sprintgen.profiles`, exactly as a
plugin package registers its own. An entry point names an importable package (or module) that holds `*.yaml` files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

PROFILE_GROUP = "sprintgen.profiles"
BUILTIN_DISTRIBUTION = "sprintgen"


@dataclass(frozen=True)
class ProfileSource:
    """One profile file and who provides it."""

    id: str
    path: Path
    origin: str  # "built-in", "plugin <dist>", "project", "user"


def config_dir() -> Path:
    """The user's sprintgen config directory: $SPRINTGEN_HOME, else $XDG_CONFIG_HOME/sprintgen, else ~/.config."""
    if os.environ.get("SPRINTGEN_HOME"):
        return Path(os.environ["SPRINTGEN_HOME"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sprintgen"


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _profile_id(path: Path) -> str:
    """A profile's id is its file name without the extension (the `id` field inside must agree)."""
    return path.stem


def entry_point_profile_dirs() -> list[tuple[str, Path]]:
    """(origin, directory) for every entry point in the profiles group; built-ins first."""
    found: list[tuple[str, Path]] = []
    for ep in metadata.entry_points(group=PROFILE_GROUP):
        dist = ep.dist.name if ep.dist else "?"
        origin = "built-in" if dist == BUILTIN_DISTRIBUTION else f"plugin {dist}"
        try:
            directory = Path(str(resources.files(ep.value)))
        except (ModuleNotFoundError, TypeError):
            continue
        found.append((origin, directory))
    if not any(origin == "built-in" for origin, _ in found):
        found.insert(0, ("built-in", builtin_profiles_dir()))
    found.sort(key=lambda item: item[0] != "built-in")
    return found


def builtin_profiles_dir() -> Path:
    """The built-in profiles: inside the installed package, or the repository's top-level profiles/."""
    try:
        return Path(str(resources.files("sprintgen.builtin_profiles")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "profiles"


def builtin_templates_dir() -> Path:
    """The built-in templates: inside the installed package, or the repository's top-level templates/."""
    try:
        return Path(str(resources.files("sprintgen.builtin_templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "templates"


def discover_profiles() -> dict[str, ProfileSource]:
    """Every profile sprintgen can find by id. Later sources (project, user) do not shadow earlier ones."""
    found: dict[str, ProfileSource] = {}
    locations = entry_point_profile_dirs() + [
        ("user", config_dir() / "profiles"),
        ("project", Path.cwd() / "profiles"),
    ]
    for origin, directory in locations:
        for path in _yaml_files(directory):
            profile_id = _profile_id(path)
            found.setdefault(profile_id, ProfileSource(profile_id, path, origin))
    return found
