"""Reading progress from a file: a CSV export (one row per issue) or JSON (rows, optionally with the sprints).

Columns / fields (README.md, "Tracking progress"): `key`, `status`, `points`, `sprint` are required (points and
sprint may be empty); `sprint_state` (future / active / closed), `issue`, `epic` and `title` are optional; other
columns are ignored, so a tracker's export can be fed as it is. JSON is either a list of rows or
`{"stories": [rows], "sprints": [{"name": ..., "state": ...}]}`. Every error names the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from sprintgen.errors import InputError
from sprintgen.inputs.yamlio import read_text
from sprintgen.model.progress import ItemProgress, Progress, ProgressRow, SprintProgress, status_of

REQUIRED_COLUMNS = ("key", "status", "points", "sprint")
OPTIONAL_COLUMNS = ("sprint_state", "issue", "epic", "title")


def load_progress(path: str | Path) -> Progress:
    """Progress from a .csv or .json file (by suffix; content starting with '[' or '{' is read as JSON)."""
    text = read_text(path, "progress file")
    name = str(path)
    if Path(name).suffix.lower() == ".json" or (Path(name).suffix.lower() != ".csv" and text.lstrip()[:1] in "[{"
                                                and text.strip()):
        rows, sprints = _json_rows(text, name)
    else:
        rows, sprints = _csv_rows(text, name)
    return _progress(rows, sprints, name)


def _error(file: str, line: Optional[int], message: str, where: Optional[str] = None) -> InputError:
    return InputError(message, file=file, line=line, where=where,
                      hint="see the progress file format in README.md ('Tracking progress')")


def _row(data: Any, file: str, line: Optional[int]) -> ProgressRow:
    if not isinstance(data, dict):
        raise _error(file, line, "a row must be an object with key, status, points and sprint")
    try:
        return ProgressRow.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "row"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "is missing (write it, empty if unknown)"
        elif first["type"] in ("float_parsing", "float_type"):
            message = f"'{first.get('input')}' is not a number of points"
        raise _error(file, line, message, where=field) from None


def _csv_rows(text: str, file: str) -> tuple[list[tuple[int, ProgressRow]], list[SprintProgress]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise _error(file, None, "the progress file is empty") from None
    except csv.Error as exc:
        raise _error(file, 1, f"not readable as CSV: {exc}") from None
    columns = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _error(file, 1, f"the header has no column {', '.join(repr(c) for c in missing)}",
                     where="header")
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
            cells = {c: (v.strip() or None) for c, v in zip(columns, values) if c in known}
            for column in REQUIRED_COLUMNS:
                cells.setdefault(column, None)
            if cells.get("key") is None or cells.get("status") is None:
                column = "key" if cells.get("key") is None else "status"
                raise _error(file, line, "is empty", where=column)
            rows.append((line, _row(cells, file, line)))
    except csv.Error as exc:
        raise _error(file, reader.line_num, f"not readable as CSV: {exc}") from None
    return rows, []


def _json_rows(text: str, file: str) -> tuple[list[tuple[int, ProgressRow]], list[SprintProgress]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(file, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise _error(file, None, "nested too deeply to be a progress file") from None
    lines = _item_lines(text)
    sprints: list[SprintProgress] = []
    if isinstance(data, dict):
        if not isinstance(data.get("stories"), list):
            raise _error(file, 1, "a JSON progress file is a list of rows or an object with a 'stories' list",
                         where="stories")
        for number, item in enumerate(data.get("sprints") or []):
            try:
                sprints.append(SprintProgress.model_validate(item))
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                raise _error(file, None, first["msg"], where=f"sprints[{number}]") from None
        items = data["stories"]
    elif isinstance(data, list):
        items = data
    else:
        raise _error(file, 1, "a JSON progress file is a list of rows or an object with a 'stories' list")
    rows = []
    for number, item in enumerate(items):
        line = lines[number] if number < len(lines) else None
        rows.append((line, _row(item, file, line)))
    return rows, sprints


def _item_lines(text: str) -> list[int]:
    """The line of each story row, from the YAML loader (JSON is YAML); empty when it cannot tell."""
    from sprintgen.inputs.yamlio import LineDict, LineList, parse_yaml

    try:
        data = parse_yaml(text, "progress")
    except InputError:
        return []
    if isinstance(data, LineDict) and isinstance(data.get("stories"), LineList):
        return list(data["stories"].lines)
    return list(data.lines) if isinstance(data, LineList) else []


def _progress(rows: list[tuple[Optional[int], ProgressRow]], sprints: list[SprintProgress], file: str) -> Progress:
    states: dict[str, Optional[str]] = {s.name: s.state for s in sprints}
    order = [s.name for s in sprints]
    items: list[ItemProgress] = []
    seen: dict[str, Optional[int]] = {}
    for line, row in rows:
        if row.key in seen:
            raise _error(file, line, f"'{row.key}' appears twice (first on line {seen[row.key]})", where="key")
        seen[row.key] = line
        if row.sprint is not None:
            if row.sprint not in states:
                order.append(row.sprint)
                states[row.sprint] = row.sprint_state
            elif row.sprint_state is not None and states[row.sprint] not in (None, row.sprint_state):
                raise _error(file, line, f"sprint '{row.sprint}' is '{states[row.sprint]}' earlier in the file and "
                                         f"'{row.sprint_state}' here", where="sprint_state")
            elif row.sprint_state is not None:
                states[row.sprint] = row.sprint_state
        items.append(ItemProgress(key=row.key, status=status_of(row.status), points=row.points, sprint=row.sprint,
                                  issue=row.issue, epic=row.epic, title=row.title or ""))
    return Progress(source=Path(file).name, tracker="file", items=items,
                    sprints=[SprintProgress(name=name, state=states[name]) for name in order])
