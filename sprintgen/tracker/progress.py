"""Reading a plan's progress from Jira for `sprintgen status`: read-only, Cloud and Data Center, in paged searches.

Requests (README.md, "Tracking progress"): serverInfo, the site's fields, the board and its configuration (the
estimation field), the board's sprints (paged), one paged JQL search for the issues carrying the plan label (with
the `sprintgen` issue property on Cloud; Data Center's search returns no properties, so the property is read per
issue there), and one paged search for issues people added to the plan's epics. Never a write.
"""

from __future__ import annotations

from typing import Any, Optional

from sprintgen.model import Plan
from sprintgen.model.progress import ItemProgress, Progress, SprintProgress, status_of
from sprintgen.tracker.connection import JiraConnection
from sprintgen.tracker.desired import PROPERTY_KEY, plan_label
from sprintgen.tracker.fields import (EPIC_LINK_TYPE, NUMBER_TYPE, POINTS_NAMES, POINTS_TYPE, SPRINT_TYPE, FieldPlan,
                                      load_fields)
from sprintgen.tracker.inventory import parse_issue, read_property, search_issues
from sprintgen.tracker.sprints import RemoteSprint, board_sprints, find_board, project_boards

_CATEGORY = {"new": "todo", "indeterminate": "in_progress", "done": "done"}


def read_progress(connection: JiraConnection, plan: Plan, project: str, board_id: Optional[int] = None,
                  sprint_prefix: str = "") -> Progress:
    """The progress of the plan's issues in a Jira project (nothing is written). A project without a scrum board (a
    plan pushed --without-sprints) has no sprints: everything is counted, no sprint is closed."""
    board = find_board(connection, project, board_id, required=False)
    if board is None and [b for b in project_boards(connection, project) if b.get("type") == "scrum"]:
        find_board(connection, project, board_id)  # several scrum boards: its error asks for --board
    fields = _reading_fields(connection, board.points_field if board else None)
    sprints = board_sprints(connection, board.id) if board else []
    label = plan_label(str(plan.profile.get("id", "plan")))
    ours = _search(connection, f'project = "{project}" AND labels = "{label}" ORDER BY created ASC', fields,
                   properties=True)
    epics = {_identity(item).split(":", 1)[1]: item["key"] for item in ours if _identity(item).startswith("epic:")}
    seen = {item["key"] for item in ours}
    added: list[dict[str, Any]] = []
    if epics:
        listed = ", ".join(sorted(epics.values()))
        clause = f"parent in ({listed})" if connection.cloud or not fields.epic_link else \
            f"cf[{fields.epic_link.split('_')[-1]}] in ({listed})"
        added = [item for item in _search(connection, f'project = "{project}" AND {clause} ORDER BY created ASC',
                                          fields, properties=False) if item["key"] not in seen]
    epic_of_key = {key: epic for epic, key in epics.items()}
    plan_keys = {s.key for s in plan.stories}
    items = []
    for item in ours + added:
        identity = _identity(item)
        if identity.startswith(("epic:", "task:")) or _kind(item) in ("epic", "subtask"):
            continue
        remote = parse_issue(item, fields, "Blocks")
        story = identity.split(":", 1)[1] if identity.startswith("story:") else ""
        note = ""
        if story not in plan_keys:
            note = (f"added to epic {epic_of_key.get(remote.epic_key or '', remote.epic_key)} in Jira"
                    if item in added else "carries the plan label but no sprintgen identity" if not story
                    else f"pushed as {story}, which the plan no longer has")
        items.append(ItemProgress(
            key=story if story in plan_keys else remote.key, status=_status(item), points=remote.points,
            sprint=_sprint_name(remote.sprints, sprints), issue=remote.key,
            epic=epic_of_key.get(remote.epic_key or ""), title=remote.summary, note=note))
    where = f"board {board.id}" if board else "no scrum board"
    return Progress(source=f"Jira {project} ({where})", tracker="jira", items=items,
                    sprints=_sprints(sprints, items, plan, sprint_prefix))


def _reading_fields(connection: JiraConnection, board_points: Optional[str]) -> FieldPlan:
    """Points (the board's estimation field first), sprint and Epic Link fields, without reading create screens."""
    site = load_fields(connection)
    ids = {f.id for f in site}
    points = board_points if board_points in ids else next(
        (f.id for f in site if f.custom_type == POINTS_TYPE or (f.custom_type == NUMBER_TYPE
                                                                and f.name.lower() in POINTS_NAMES)), None)
    epic_link = next((f.id for f in site if f.custom_type == EPIC_LINK_TYPE), None)
    sprint = next((f.id for f in site if f.custom_type == SPRINT_TYPE), None)
    return FieldPlan(types={}, points=points, epic_relation="parent" if connection.cloud else "epic_link",
                     epic_link=None if connection.cloud else epic_link, sprint=sprint)


def _search(connection: JiraConnection, jql: str, fields: FieldPlan, *, properties: bool) -> list[dict[str, Any]]:
    wanted = fields.search_fields() + ["resolution"]
    items = search_issues(connection, jql, wanted, [PROPERTY_KEY] if properties else [])
    if properties:
        for item in items:
            if "properties" not in item:  # Data Center: the search has no `properties` parameter
                item["properties"] = read_property(connection, str(item.get("key")))
    return items


def _identity(item: dict[str, Any]) -> str:
    prop = (item.get("properties") or {}).get(PROPERTY_KEY)
    return str(prop.get("identity") or "") if isinstance(prop, dict) else ""


def _kind(item: dict[str, Any]) -> str:
    issue_type = (item.get("fields") or {}).get("issuetype") or {}
    if issue_type.get("subtask"):
        return "subtask"
    return "epic" if str(issue_type.get("name", "")).lower() == "epic" else "issue"


def _status(item: dict[str, Any]) -> str:
    """The status category; done with a resolution (or a status) that means cancelled is 'removed'."""
    values = item.get("fields") or {}
    status = values.get("status") or {}
    category = _CATEGORY.get(str((status.get("statusCategory") or {}).get("key", "")))
    resolution = str((values.get("resolution") or {}).get("name", ""))
    if status_of(str(status.get("name", ""))) == "removed" or (category == "done" and status_of(resolution) ==
                                                                "removed"):
        return "removed"
    return category or status_of(str(status.get("name", ""))) or "todo"


def _sprint_name(refs: list[tuple[int, str]], board: list[RemoteSprint]) -> Optional[str]:
    """The sprint an issue is in: its open sprint, else the last closed one it was in (board order)."""
    position = {s.id: (n, s) for n, s in enumerate(board)}
    known = [position[i] for i, _ in refs if i in position]
    open_ones = [s for _, s in known if s.state != "closed"]
    if open_ones:
        return open_ones[-1].name
    if known:
        return max(known, key=lambda entry: entry[0])[1].name
    return f"sprint {refs[-1][0]}" if refs else None


def _sprints(board: list[RemoteSprint], items: list[ItemProgress], plan: Plan, prefix: str) -> list[SprintProgress]:
    """The board's sprints that belong to the plan: named like a plan sprint, or holding one of its issues."""
    used = {i.sprint for i in items if i.sprint}
    names = {prefix + s.name for s in plan.sprints}
    return [SprintProgress(name=s.name, state=s.state if s.state in ("future", "active", "closed") else None)
            for s in board if s.name in names or s.name in used]
