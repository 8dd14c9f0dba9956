"""The team: loading a team file, applying command-line overrides, and the capacity of each sprint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import TeamError
from .model import Team
from .validation import from_validation_error, validate_document
from .yamlio import load_yaml

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
        return Team.model_validate(data)
    except ValidationError as exc:
        error = from_validation_error(exc, data, path or "command line", TeamError)
        if error.where and error.where.split(".")[-1] in ("velocity", "length_days", "start", "dependencies"):
            error.file, error.line = "command line", None
        raise error from None


def base_capacity(team: Team) -> float:
    """Points per sprint before availability: the members' capacities when given, else the velocity."""
    member_capacity = [m.capacity for m in team.members if m.capacity is not None]
    return float(sum(member_capacity)) if member_capacity else float(team.velocity)


def sprint_dates(team: Team, number: int) -> tuple[dt.date, dt.date]:
    """First and last calendar day of sprint `number` (1-based)."""
    start = team.sprint.start + dt.timedelta(days=(number - 1) * team.sprint.length_days)
    return start, start + dt.timedelta(days=team.sprint.length_days - 1)


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
            off = sum(1 for d in working if d in set(team.holidays))
            capacity *= (len(working) - off) / len(working)
    if override is not None and override.factor is not None:
        capacity *= override.factor
    return round(capacity * team.focus_factor, 4)


class Capacities:
    """Capacity per sprint number, computed on demand and cached (plans may need many sprints)."""

    def __init__(self, team: Team) -> None:
        self.team = team
        self._cache: dict[int, float] = {}
        last_special = max([o.number for o in team.sprints] +
                           [n for m in team.members for n in m.availability] + [0])
        self.steady_from = last_special + 1  # with no holidays, every sprint from here on has the same capacity

    def __call__(self, number: int) -> float:
        if number not in self._cache:
            self._cache[number] = sprint_capacity(self.team, number)
        return self._cache[number]

    def regular(self) -> float:
        """The capacity of an ordinary sprint (no overrides, absences or holidays)."""
        return round(base_capacity(self.team) * self.team.focus_factor, 4)
