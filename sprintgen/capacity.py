"""The team: loading a team file, applying command-line overrides, and the capacity of each sprint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sprintgen.errors import TeamError
from sprintgen.model import MAX_SPRINTS, Member, Team
from sprintgen.inputs.validation import from_validation_error, validate_document
from sprintgen.inputs.yamlio import load_yaml

DEFAULT_TEAM_FILES = ("sprintgen.yaml", "team.yaml")


def find_team_file(explicit: str | None, cwd: Path | None = None) -> str | None:
    """The team file to use: the one given, else sprintgen.yaml or team.yaml in the current directory."""
    if explicit:
        return explicit
    cwd = cwd or Path.cwd()
    for name in DEFAULT_TEAM_FILES:
        if (cwd / name).is_file():
            return str(cwd / name)
    return None


def load_team(path: str | None = None, overrides: dict[str, Any] | None = None) -> Team:
    """The team from a file (or the defaults), with command-line overrides applied and validated."""
    raw: Any = {}
    if path:
        raw = load_yaml(path, "team file")
        if raw is None:
            raw = {}
        validate_document(Team, raw, path, TeamError, "team file")
    data = dict(raw)
    if "sprint" in data and isinstance(data["sprint"], dict):
        data["sprint"] = dict(data["sprint"])
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name in ("length_days", "start"):
            data.setdefault("sprint", {})
            data["sprint"] = {**data["sprint"], name: value}
        else:
            data[name] = value
    try:
        team = Team.model_validate(data)
    except ValidationError as exc:
        error = from_validation_error(exc, data, path or "command line", TeamError)
        if error.where and error.where.split(".")[-1] in ("velocity", "length_days", "start", "dependencies"):
            error.file, error.line = "command line", None
        raise error from None
    _check_unique_sprint_overrides(team, raw, path)
    if (overrides or {}).get("velocity") is not None:
        team = velocity_overrides_members(team)
    _check_workable(team, raw, path)
    return team


def velocity_overrides_members(team: Team) -> Team:
    """`--velocity N` wins over member capacities: scale them so they add up to N.

    Each member keeps their share (skill checks still see who carries what), and availability, holidays, sprint
    overrides and the focus factor adjust every sprint exactly as they adjust member capacities.
    """
    if not base_capacity_from_members(team):
        return team
    total = sum(m.capacity or 0.0 for m in team.members)
    if total <= 0:  # nobody has a share to scale: share the velocity equally instead
        members = [m.model_copy(update={"capacity": None}) for m in team.members]
    else:
        members = [m.model_copy(update={"capacity": None if m.capacity is None else
                                        round(m.capacity * team.velocity / total, 6)}) for m in team.members]
    return team.model_copy(update={"members": members})



def _check_unique_sprint_overrides(team: Team, raw: Any, path: str | None) -> None:
    """Two overrides for one sprint: which should win is the user's call, not the loader's (it used the first)."""
    first: dict[int, int] = {}
    raw_sprints = raw.get("sprints") if isinstance(raw, dict) else None
    for index, override in enumerate(team.sprints):
        if override.number in first:
            line = raw_sprints.lines[index] if hasattr(raw_sprints, "lines") else None
            raise TeamError(f"sprint {override.number} has two overrides (also sprints[{first[override.number]}])",
                            file=path or "command line", line=line, where=f"sprints[{index}].number",
                            hint="merge them into one entry per sprint")
        first[override.number] = index


def _check_workable(team: Team, raw: Any, path: str | None) -> None:
    """Refuse a team that can never finish anything: no capacity at all, or a calendar past year 9999."""
    lines = getattr(raw, "lines", {})
    if round(base_capacity(team) * team.focus_factor, 4) <= 0:
        if any(m.capacity is not None for m in team.members):
            problem, where = "every member's capacity is 0", "members"
            hint = "give at least one member a capacity above 0, or leave capacities out to use velocity"
        else:
            problem, where, hint = "velocity x focus_factor rounds to 0 points", "velocity", "raise the velocity"
        raise TeamError(f"the team has no capacity: {problem}", file=path or "command line",
                        line=lines.get(where), where=where, hint=hint)
    try:
        sprint_dates(team, 1)
    except TeamError as error:
        error.file, error.line = path or "command line", lines.get("sprint")
        raise


def base_capacity(team: Team) -> float:
    """Points per sprint before availability: the members' capacities when given, else the velocity."""
    member_capacity = [m.capacity for m in team.members if m.capacity is not None]
    return float(sum(member_capacity)) if member_capacity else float(team.velocity)


def sprint_dates(team: Team, number: int) -> tuple[dt.date, dt.date]:
    """First and last calendar day of sprint `number` (1-based)."""
    try:
        start = team.sprint.start + dt.timedelta(days=(number - 1) * team.sprint.length_days)
        return start, start + dt.timedelta(days=team.sprint.length_days - 1)
    except OverflowError:
        raise TeamError(f"sprint {number} would end after 9999-12-31", where="sprint.start",
                        hint="choose an earlier start date or shorter sprints") from None


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def sprint_capacity(team: Team, number: int) -> float:
    """Capacity of sprint `number`: members' availability, public holidays, overrides, then the focus factor."""
    override = next((o for o in team.sprints if o.number == number), None)
    if override is not None and override.capacity is not None:
        return round(override.capacity, 4)
    if any(m.capacity is not None for m in team.members):
        capacity = sum((m.capacity or 0) * m.availability.get(number, 1.0) for m in team.members)
    elif team.members:
        share = team.velocity / len(team.members)
        capacity = sum(share * m.availability.get(number, 1.0) for m in team.members)
    else:
        capacity = team.velocity
    if team.holidays:
        start, end = sprint_dates(team, number)
        working = _working_days(start, end)
        if working:
            holidays = set(team.holidays)  # once per sprint, not once per day (10,000 holidays are allowed)
            off = sum(1 for d in working if d in holidays)
            capacity *= (len(working) - off) / len(working)
    if override is not None and override.factor is not None:
        capacity *= override.factor
    return round(capacity * team.focus_factor, 4)


def holiday_sprint(team: Team, day: dt.date) -> int:
    """The sprint a date falls in (0 for a date before sprint 1)."""
    offset = (day - team.sprint.start).days
    return offset // team.sprint.length_days + 1 if offset >= 0 else 0


def member_capacity(team: Team, member: Member, number: int) -> float:
    """What one member can carry in sprint `number`: their share, availability, holidays, overrides, focus factor.

    A member without a `capacity` gets an equal share of the velocity (or nothing when others give capacities).
    """
    regular = sum(_raw_member(team, m, number) for m in team.members)
    if regular <= 0:
        return 0.0
    # the sprint's own adjustments (holidays, overrides, focus factor) scale every member alike
    return round(sprint_capacity(team, number) * _raw_member(team, member, number) / regular, 4)


def base_capacity_from_members(team: Team) -> bool:
    """True when the members' capacities (not the velocity) give the team's capacity."""
    return any(m.capacity is not None for m in team.members)


def _raw_member(team: Team, member: Member, number: int) -> float:
    base = (member.capacity or 0.0) if base_capacity_from_members(team) else team.velocity / len(team.members)
    return base * member.availability.get(number, 1.0)


class Capacities:
    """Capacity per sprint number, computed on demand and cached (plans may need many sprints)."""

    def __init__(self, team: Team) -> None:
        self.team = team
        self._cache: dict[int, float] = {}
        last_special = max([o.number for o in team.sprints] +
                           [n for m in team.members for n in m.availability] +
                           [holiday_sprint(team, day) for day in team.holidays
                            if holiday_sprint(team, day) <= MAX_SPRINTS] + [0])
        # A holiday past MAX_SPRINTS (no plan gets there) must not make every sprint up to it "irregular".
        self.steady_from = last_special + 1  # every sprint from here on has the same capacity

    def __call__(self, number: int) -> float:
        if number not in self._cache:
            self._cache[number] = sprint_capacity(self.team, number)
        return self._cache[number]

    def regular(self) -> float:
        """The capacity of an ordinary sprint (no overrides, absences or holidays)."""
        return round(base_capacity(self.team) * self.team.focus_factor, 4)
