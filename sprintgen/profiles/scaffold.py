"""`sprintgen init`: scaffold a commented team file and a custom profile that extends a built-in one.

Nothing is written until every file has been generated and checked, and no existing file is replaced unless the
caller says so (`--force`); each file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sprintgen.errors import InputError
from sprintgen.model import KEY_PATTERN, Backlog, next_monday

TEAM_FILE = "team.yaml"
PROFILES_DIR = "profiles"


@dataclass
class Scaffold:
    """The files `init` writes (relative path -> text) and the command to run next."""

    base: str
    profile_id: str
    files: dict[str, str] = field(default_factory=dict)
    next_command: str = ""
    notes: list[str] = field(default_factory=list)


def make_scaffold(base: str, profile_id: str | None = None, defaults: dict[str, Any] | None = None,
                  origin: str = "", today: dt.date | None = None) -> Scaffold:
    """Generate the team file and the custom profile for a built-in (or any discoverable) base profile.

    `defaults` become the custom profile's parameter defaults (e.g. from `recommend`); `origin` says where they
    came from, for the comment above them.
    """
    from sprintgen.profiles.resolve import resolve
    from sprintgen.profiles.parameters import coerce
    from sprintgen.profiles.merge import load_merged
    from sprintgen.profiles.discovery import discover_profiles

    profile_id = profile_id or f"my-{base}"
    if not re.match(KEY_PATTERN, profile_id):
        raise InputError(f"'{profile_id}' is not a valid profile id", where="--name",
                         hint="use lower-case letters, digits, '-' and '_'")
    known = discover_profiles()
    if profile_id in known and known[profile_id].origin == "built-in":
        raise InputError(f"'{profile_id}' is a built-in profile id", where="--name",
                         hint="choose another name for your profile")
    if profile_id == base:
        raise InputError("the new profile cannot have the id of the profile it extends", where="--name",
                         hint=f"e.g. --name my-{base}")
    merged = load_merged(base)
    declared = merged.profile.parameters
    overrides: dict[str, dict[str, Any]] = {}
    for name, value in (defaults or {}).items():
        if name not in declared:
            raise InputError(f"profile '{base}' has no parameter '{name}'", where="--param",
                             hint="its parameters: " + (", ".join(sorted(declared)) or "none"))
        spec = declared[name]
        typed = coerce(name, spec, value, None, where="--param")
        overrides[name] = {**spec.model_dump(exclude_none=True, exclude_defaults=True), "type": spec.type,
                           "default": typed}
    backlog = resolve(merged, {name: spec["default"] for name, spec in overrides.items()})
    scaffold = Scaffold(base=base, profile_id=profile_id)
    scaffold.files[TEAM_FILE] = team_text(backlog, today)
    scaffold.files[f"{PROFILES_DIR}/{profile_id}.yaml"] = profile_text(base, profile_id, backlog, declared,
                                                                      overrides, origin)
    scaffold.next_command = f"sprintgen plan --profile {profile_id} --team {TEAM_FILE}"
    return scaffold


def _skills_needed(backlog: Backlog) -> list[str]:
    points: dict[str, float] = {}
    for story in backlog.stories:
        for skill in story.skills:
            points[skill] = points.get(skill, 0) + story.estimate.likely
    return sorted(points, key=lambda s: -points[s])


def team_text(backlog: Backlog, today: dt.date | None = None) -> str:
    """A commented team.yaml with the built-in defaults and example members covering the profile's skills."""
    skills = _skills_needed(backlog)
    start = next_monday(today)
    groups = [skills[i::3] for i in range(3)] if skills else [["backend"]]
    members = "\n".join(
        f"#   - {{name: {name}, skills: [{', '.join(group)}], capacity: 10}}"
        for name, group in zip(("Ana", "Ben", "Chen"), groups) if group
    )
    return f"""\
# team.yaml: the team sprintgen plans for (written by `sprintgen init`; format: README.md, "Team format").
# Every field has a default, so delete what you do not need.
name: My team
sprint:
  length_days: 14            # calendar days per sprint
  start: {start.isoformat()}          # first day of sprint 1 (YYYY-MM-DD)
velocity: 30                 # points per sprint; used when no member below gives a capacity
# velocity_history: [28, 31, 25]   # your last sprints' velocities: the forecast samples from them
focus_factor: 1.0            # share of capacity for planned work; e.g. 0.8 when support and meetings take a fifth
dependencies: sequential     # or concurrent: a story may share its blocker's sprint
# holidays: [{start.year}-12-25]        # working days lost lower that sprint's capacity
#
# Who does the work. With members listed, capacity is the sum of their `capacity` and the plan warns about any
# skill nobody holds. The profile '{backlog.profile_id}' needs: {', '.join(skills) or 'no named skills'}.
# members:
{members}
"""


def profile_text(base: str, profile_id: str, backlog: Backlog, declared: dict[str, Any],
                 overrides: dict[str, dict[str, Any]], origin: str) -> str:
    """A custom profile that extends `base`, with parameter overrides and commented examples using real keys."""
    lines = [
        f"# {PROFILES_DIR}/{profile_id}.yaml: your own profile, based on the built-in '{base}' "
        "(written by `sprintgen init`).",
        f"# It inherits every epic, story, parameter, risk and Definition-of-Done item of '{base}'; anything you set",
        "# here is merged by key (format: README.md, \"Profile format\"). See what you inherit:",
        f"#   sprintgen show {base}",
        f"id: {profile_id}",
        f"name: {_yaml_scalar('My ' + backlog.profile_name)}",
        f"extends: [{base}]",
    ]
    if overrides:
        lines.append(f"# Parameter defaults{(' from ' + origin) if origin else ''} "
                     "(each entry replaces the inherited definition):")
        dumped = yaml.safe_dump({"parameters": overrides}, sort_keys=False, default_flow_style=None, width=110,
                                allow_unicode=True)
        lines += dumped.rstrip("\n").splitlines()
    others = {n: s for n, s in declared.items() if n not in overrides}
    if others:
        lines.append("# Inherited parameters (set with --param NAME=VALUE, or redefine here to change a default):")
        for name, spec in others.items():
            default = spec.default
            if isinstance(default, list):
                default = ",".join(str(d) for d in default)
            elif isinstance(default, bool):
                default = "true" if default else "false"
            lines.append(f"#   {name} ({spec.type}, default {default}): {spec.help}".rstrip(": "))
    lines += _examples(backlog)
    return "\n".join(lines) + "\n"


def _examples(backlog: Backlog) -> list[str]:
    if not backlog.epics:
        return ["# epics: add your own epics and stories here"]
    first, last = backlog.epics[0], backlog.epics[-1]
    story = backlog.story(first.stories[0]) if first.stories else None
    out = [
        "#",
        "# Examples: uncomment and adapt.",
        "# definition_of_done: [Product owner accepted the demo]   # added to every story",
        "# epics:",
        f"#   - key: {first.key}                 # an inherited epic: the fields you set replace the parent's",
        "#     stories:",
    ]
    if story is not None:
        short = story.key.split(".", 1)[1]
        out += [f"#       - key: {short}        # '{_comment(story.title)}', estimated {story.estimate}",
                "#         estimate: 5-13        # override one field of an inherited story"]
    # Only a story nothing depends on can be dropped without breaking a dependency: pick the first such one.
    needed = {dep for s in backlog.stories for dep in s.depends_on}
    leaf = next((s for s in backlog.stories if s.key not in needed and s.key != (story.key if story else "")), None)
    if leaf is not None:
        if leaf.epic != first.key:
            out += [f"#   - key: {leaf.epic}", "#     stories:"]
        out += [f"#       - key: {leaf.key.split('.', 1)[1]}        # '{_comment(leaf.title)}'",
                "#         remove: true          # drop an inherited story"]
    # A new epic key must not be an inherited epic or story key: a bare name in `depends_on` resolves to an epic
    # first, so reusing a story's short key would capture the parent's references to that story.
    taken = {e.key for e in backlog.epics} | {s.key.split(".", 1)[1] for s in backlog.stories}
    extra = next(k for k in ("team-extras", "team-extras-2", "team-extras-3", "my-extras") if k not in taken)
    out += [
        f"#   - key: {extra}            # a new epic, planned after the inherited work it depends on",
        "#     title: Team-specific work",
        "#     stories:",
        "#       - key: review",
        "#         title: Review the first month of failed answers with the business owner",
        "#         description: As a product owner, I want the failed answers reviewed, so that the next "
        "increment fixes what users hit",
        "#         acceptance: [Every failed answer is labelled with a cause, The top three causes have a story]",
        "#         estimate: 3-5",
        "#         skills: [product]",
        f"#         depends_on: [{last.key}]",
    ]
    return out


def _comment(text: str) -> str:
    return " ".join(text.split()).replace("'", "")


def _yaml_scalar(text: str) -> str:
    return yaml.safe_dump(text, default_style=None, width=1000).strip().removesuffix("...").strip()


def existing(scaffold: Scaffold, directory: Path) -> list[Path]:
    """The files of a scaffold that already exist in `directory`."""
    return [directory / rel for rel in scaffold.files if (directory / rel).exists()]


def write_scaffold(scaffold: Scaffold, directory: Path, force: bool = False) -> list[Path]:
    """Write the files (atomically each); refuse to replace any existing file unless `force`."""
    from sprintgen.inputs.atomic import check_inside, write_output

    clash = existing(scaffold, directory)
    if clash and not force:
        names = ", ".join(str(p.relative_to(directory)) for p in clash)
        raise InputError(f"{names} already exist{'s' if len(clash) == 1 else ''}; nothing was written",
                         file=clash[0], hint="use --force to overwrite, or run init in another directory")
    targets = [directory / rel for rel in scaffold.files]
    for target in targets:  # every check before the first write, so a failure leaves nothing behind
        check_inside(target, directory, "init")  # --force never writes through a link leading out of the project
        if target.is_dir():
            raise InputError("is a directory", file=target, hint="remove it or run init in another directory")
        if target.parent.exists() and not target.parent.is_dir():
            raise InputError("cannot create the directory: a file is in the way", file=target.parent,
                             hint="move the file away or run init in another directory")
    for target, text in zip(targets, scaffold.files.values()):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the directory: {exc.strerror}", file=target.parent) from None
        write_output(target, text, option="init", inside=directory)
    return targets
