"""Boards and sprints (Jira Software agile API): find the board, its estimation field, its sprints."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

from sprintgen.tracker.connection import JiraConnection
from sprintgen.tracker.problems import JiraSetupError

#: Data Center's REST v2 renders the sprint field as strings like "com.atlassian.greenhopper...Sprint@1a[id=3,...]".
_SPRINT_TEXT = re.compile(r"\bid=(\d+)")
_SPRINT_STATE = re.compile(r"\bstate=(\w+)")


@dataclass(frozen=True)
class Board:
    """A scrum board and the field its estimation statistic uses (None: not estimating by a field)."""

    id: int
    name: str
    points_field: Optional[str] = None


@dataclass(frozen=True)
class RemoteSprint:
    """A sprint on the board."""

    id: int
    name: str
    state: str  # future | active | closed
    start: str = ""
    end: str = ""

    def dated(self, spec: Any) -> bool:
        """Whether the sprint already has the dates a plan sprint (SprintSpec) would send."""
        want = sprint_times(spec.start, spec.end, spec.timezone)
        return (parse_time(self.start), parse_time(self.end)) == want


def find_board(connection: JiraConnection, project: str, board_id: Optional[int], *,
               required: bool = True) -> Optional[Board]:
    """The board given by --board, else the project's only scrum board (JiraSetupError when none or several;
    None instead when not `required`)."""
    if board_id is not None:
        data = connection.get(connection.agile(f"board/{board_id}")) or {}
        board = Board(id=int(data.get("id", board_id)), name=str(data.get("name", "")))
    else:
        boards = [b for b in project_boards(connection, project) if b.get("type") == "scrum"]
        if not required and len(boards) != 1:
            return None
        if not boards:
            raise JiraSetupError(f"project {project} has no scrum board to hold the sprints",
                                 hint="create a scrum board for the project, pass --board ID, or push without "
                                      "sprints with --without-sprints")
        if len(boards) > 1:
            listed = ", ".join(f"{b.get('id')} ({b.get('name')})" for b in boards)
            raise JiraSetupError(f"project {project} has several scrum boards: {listed}",
                                 hint="choose one with --board ID")
        board = Board(id=int(boards[0]["id"]), name=str(boards[0].get("name", "")))
    config = connection.get(connection.agile(f"board/{board.id}/configuration")) or {}
    estimation = config.get("estimation") or {}
    points_field = (estimation.get("field") or {}).get("fieldId") if estimation.get("type") == "field" else None
    return Board(id=board.id, name=board.name, points_field=points_field)


def project_boards(connection: JiraConnection, project: str) -> list[dict[str, Any]]:
    """Every board of the project, all pages (Jira answers at most 50 a page). Filtering by type happens in the
    caller: the published spec types the `type` parameter as an object."""
    boards: list[dict[str, Any]] = []
    while True:
        page = connection.get(connection.agile("board"), params={"projectKeyOrId": project, "startAt": len(boards),
                                                                "maxResults": 50}) or {}
        values = page.get("values") or []
        boards += values
        if not values or page.get("isLast", True):
            return boards


def board_sprints(connection: JiraConnection, board_id: int) -> list[RemoteSprint]:
    """Every sprint on the board (future, active and closed: a closed sprint's name must not be reused)."""
    sprints: list[RemoteSprint] = []
    start = 0
    while True:
        page = connection.get(connection.agile(f"board/{board_id}/sprint"),
                              params={"startAt": start, "maxResults": 50}) or {}  # all states by default
        values = page.get("values") or []
        # Jira trims sprint names: compare them trimmed too
        sprints += [RemoteSprint(id=int(v["id"]), name=str(v.get("name", "")).strip(),
                                 state=str(v.get("state", "future")), start=str(v.get("startDate") or ""),
                                 end=str(v.get("endDate") or "")) for v in values]
        start += len(values)
        if not values or page.get("isLast", True):
            return sprints


def board_sprint_name(prefix: str, number: int) -> str:
    """The board name of plan sprint `number`: '<prefix>Sprint N', trimmed as Jira trims it (else it never matches
    again and every push would create the sprint anew)."""
    return f"{prefix}Sprint {number}".strip()


def sprint_refs(value: Any) -> list[tuple[int, str]]:
    """(sprint id, state) pairs from a sprint field value: Cloud objects or Data Center strings."""
    refs: list[tuple[int, str]] = []
    for item in value or []:
        if isinstance(item, dict) and "id" in item:
            refs.append((int(item["id"]), str(item.get("state", "")).lower()))
        elif isinstance(item, str):
            found = _SPRINT_TEXT.search(item)
            state = _SPRINT_STATE.search(item)
            if found:
                refs.append((int(found.group(1)), state.group(1).lower() if state else ""))
        elif isinstance(item, int):
            refs.append((item, ""))
    return refs


def sprint_times(start: dt.date, end: dt.date, timezone: Optional[str]) -> tuple[dt.datetime, dt.datetime]:
    """09:00 on the first day and 17:00 on the last, in the team's time zone (None: the machine's), so the board
    shows the plan's days wherever the team is."""
    if timezone:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(timezone)
        return (dt.datetime.combine(start, dt.time(9), zone), dt.datetime.combine(end, dt.time(17), zone))
    return (dt.datetime.combine(start, dt.time(9)).astimezone(), dt.datetime.combine(end, dt.time(17)).astimezone())


def jira_time(moment: dt.datetime) -> str:
    """2027-01-04T09:00:00.000+10:00"""
    return moment.isoformat(timespec="milliseconds")


def parse_time(text: str) -> Optional[dt.datetime]:
    """A Jira timestamp ('...Z', '...+0000', '...+10:00') as an aware datetime; None when empty or unreadable."""
    text = (text or "").strip()
    text = re.sub(r"Z$", "+00:00", text)
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def sprint_payload(name: str, board_id: int, start: dt.date, end: dt.date,
                   timezone: Optional[str] = None) -> dict[str, Any]:
    """The body of POST /rest/agile/1.0/sprint for a plan sprint."""
    first, last = sprint_times(start, end, timezone)
    return {"name": name, "originBoardId": board_id, "startDate": jira_time(first), "endDate": jira_time(last)}
