"""Where profiles and templates come from: entry points, the project directory, the user's config directory.

The built-in profiles are registered in pyproject.toml under the entry-point group `sprintgen.profiles`, exactly as a
plugin package registers its own. An entry point names an importable package (or module) that holds `*.yaml` files.

Precedence, first wins: built-in, plugins (ordered by distribution name, so the result never depends on install
order), the user's profiles directory, then `./profiles/` in the project. A later source never replaces an earlier
one; every clash is recorded (see `scan_profiles`) so `sprintgen plugins` can report it. A profile that shadows a
built-in id is an error (the built-in is used), a clash between two plugins (or user/project files) a warning.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PROFILE_GROUP = "sprintgen.profiles"
BUILTIN_DISTRIBUTION = "sprintgen"
DISABLE_ENV = "SPRINTGEN_DISABLE_PLUGINS"


@dataclass(frozen=True)
class ProfileSource:
    """One profile file and who provides it."""

    id: str
    path: Path
    origin: str  # "built-in", "plugin <dist>", "project", "user"


@dataclass(frozen=True)
class SourceProblem:
    """Something wrong with a plugin or a profile location, reported by `sprintgen plugins`."""

    level: str  # "error" or "warning"
    plugin: str  # who is concerned: "plugin <dist> (<entry point>)", "user", "project"
    message: str


@dataclass
class ProfileScan:
    """The result of discovery: the profiles that won, every clash and every plugin that failed to load."""

    profiles: dict[str, ProfileSource] = field(default_factory=dict)
    problems: list[SourceProblem] = field(default_factory=list)


def config_dir() -> Path:
    """The user's sprintgen config directory: $SPRINTGEN_HOME, else $XDG_CONFIG_HOME/sprintgen, else ~/.config."""
    if os.environ.get("SPRINTGEN_HOME"):
        return Path(os.environ["SPRINTGEN_HOME"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sprintgen"


def plugins_disabled() -> bool:
    """True when $SPRINTGEN_DISABLE_PLUGINS turns third-party plugins off (any value but '', 0, false, no, off)."""
    value = os.environ.get(DISABLE_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def is_builtin(ep: metadata.EntryPoint) -> bool:
    """True for the entry points sprintgen itself declares."""
    return distribution_name(ep) == BUILTIN_DISTRIBUTION


_DIST_NAMES: dict[str, str] = {}


def distribution_name(ep: metadata.EntryPoint) -> str:
    """The name of the distribution that declares an entry point ('?' when unknown).

    `Distribution.name` parses the METADATA file on every access; start-up asks it for every entry point several
    times, so each distribution's name is read once per process (keyed by its metadata directory).
    """
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "?"
    key = str(getattr(dist, "_path", "")) or repr(dist)
    if key not in _DIST_NAMES:
        _DIST_NAMES[key] = dist.name or "?"
    return _DIST_NAMES[key]


def plugin_label(ep: metadata.EntryPoint) -> str:
    """How an entry point is named in reports: 'plugin <dist> (<name> = <value>)'."""
    return f"plugin {distribution_name(ep)} ({ep.name} = {ep.value})"


def entry_points(group: str) -> list[metadata.EntryPoint]:
    """The entry points of a group: built-ins first, then plugins sorted by distribution and name.

    The same distribution can be seen twice (an editable install plus an egg-info on sys.path): duplicates are
    dropped. Third-party entry points are left out when plugins are disabled.
    """
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for ep in metadata.entry_points(group=group):
        identity = (distribution_name(ep), ep.name, ep.value)
        if identity in seen:
            continue
        seen.add(identity)
        if plugins_disabled() and not is_builtin(ep):
            continue
        unique.append(ep)
    return sorted(unique, key=lambda ep: (not is_builtin(ep), distribution_name(ep).lower(), ep.name))


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _profile_id(path: Path) -> str:
    """A profile's id is its file name without the extension (the `id` field inside must agree)."""
    return path.stem


def package_dir(name: str) -> Path:
    """The directory of an importable package (or of a module's file), without importing the package itself.

    `importlib.resources.files` is not enough: for a namespace package (the built-in `profiles/` has no
    __init__.py) it returns a MultiplexedPath whose str() is not a path. The first search location wins, in
    sys.path order, so an installed wheel is never mixed with a source checkout.
    """
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named '{name}'")
    locations = [loc for loc in (spec.submodule_search_locations or []) if Path(loc).is_dir()]
    if locations:
        return Path(locations[0])
    if spec.origin and Path(spec.origin).is_file():
        return Path(spec.origin).parent
    raise NotADirectoryError(f"'{name}' is not a package with a directory")


def _package_dir(ep: metadata.EntryPoint) -> Path:
    """The directory of the package an entry point in the profiles group names."""
    return package_dir(ep.value.split(":", 1)[0].strip())


def failure_text(exc: BaseException) -> str:
    """What went wrong inside a plugin, in one line: 'RuntimeError: boom', or 'it called sys.exit(3)'."""
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def scan_entry_point_profile_dirs() -> tuple[list[tuple[str, Path]], list[SourceProblem]]:
    """(origin, directory) for every entry point in the profiles group, and the plugins that failed to load."""
    found: list[tuple[str, Path]] = []
    problems: list[SourceProblem] = []
    for ep in entry_points(PROFILE_GROUP):
        origin = "built-in" if is_builtin(ep) else f"plugin {distribution_name(ep)}"
        try:
            directory = _package_dir(ep)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a broken plugin (even one calling sys.exit at
            # import) must never break the rest
            if is_builtin(ep):
                continue  # run from a source checkout: builtin_profiles_dir() finds the repository's profiles/
            problems.append(SourceProblem("error", plugin_label(ep), f"failed to load: {failure_text(exc)}"))
            continue
        found.append((origin, directory))
    if not any(origin == "built-in" for origin, _ in found):
        found.insert(0, ("built-in", builtin_profiles_dir()))
    return found, problems


def builtin_profiles_dir() -> Path:
    """The built-in profiles: inside the installed package, or the repository's top-level profiles/."""
    try:
        return package_dir("sprintgen.builtin_profiles")
    except (ModuleNotFoundError, NotADirectoryError):
        return Path(__file__).resolve().parents[2] / "profiles"


def display_source(path: str) -> str:
    """Where a profile came from, without machine-specific paths: 'built-in', or the path as relative as possible."""
    resolved = Path(path).resolve()
    if resolved.parent == builtin_profiles_dir().resolve():
        return "built-in"
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def builtin_templates_dir() -> Path:
    """The built-in templates: inside the installed package, or the repository's top-level templates/."""
    try:
        return package_dir("sprintgen.builtin_templates")
    except (ModuleNotFoundError, NotADirectoryError):
        return Path(__file__).resolve().parents[2] / "templates"


def user_profiles_dir() -> Path:
    """The user's own profiles: `<config_dir>/profiles`."""
    return config_dir() / "profiles"


def project_profiles_dir() -> Path:
    """The project's profiles: `./profiles` in the current directory."""
    return Path.cwd() / "profiles"


def same_file(a: Path, b: Path) -> bool:
    """True when two paths name the same file (False when either cannot be resolved)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def scan_profiles() -> ProfileScan:
    """Every profile sprintgen can find by id, with every clash and broken plugin recorded."""
    scan = ProfileScan()
    directories, scan.problems = scan_entry_point_profile_dirs()
    locations = directories + [("user", user_profiles_dir()), ("project", project_profiles_dir())]
    for origin, directory in locations:
        for path in _yaml_files(directory):
            profile_id = _profile_id(path)
            winner = scan.profiles.get(profile_id)
            if winner is None:
                scan.profiles[profile_id] = ProfileSource(profile_id, path, origin)
            elif not same_file(winner.path, path):
                # e.g. running inside the sprintgen repository: ./profiles/ *is* the built-in directory
                scan.problems.append(_clash(profile_id, winner, origin, path))
    return scan


def _clash(profile_id: str, winner: ProfileSource, origin: str, path: Path) -> SourceProblem:
    if winner.origin == "built-in":
        return SourceProblem("error", origin, f"profile '{profile_id}' ({path}) shadows the built-in profile; "
                                              "the built-in is used: rename this profile")
    return SourceProblem("warning", origin, f"profile '{profile_id}' ({path}) is also provided by {winner.origin} "
                                            f"({winner.path}), which is used; rename one of them")


def discover_profiles() -> dict[str, ProfileSource]:
    """Every profile sprintgen can find by id. Later sources (plugins, user, project) do not shadow earlier ones."""
    return scan_profiles().profiles
