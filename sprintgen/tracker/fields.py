"""Field discovery and create-screen checks, done before anything is written.

Jira sites differ: the story points field is "Story Points" (a number custom field, company-managed) or "Story point
estimate" (team-managed), with site-specific ids; the epic relation is the `parent` field (Cloud) or the "Epic Link"
custom field (Data Center); Data Center epics need "Epic Name". Nothing here hard-codes a custom field id: fields are
found by their schema type, the board's estimation configuration, then their name, and checked against the project's
create screens (createmeta), so a missing field stops the push with an error that says how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from sprintgen.tracker.connection import JiraConnection
from sprintgen.tracker.problems import JiraSetupError

POINTS_TYPE = "com.pyxis.greenhopper.jira:jsw-story-points"  # "Story point estimate"
NUMBER_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:float"
EPIC_LINK_TYPE = "com.pyxis.greenhopper.jira:gh-epic-link"
EPIC_NAME_TYPE = "com.pyxis.greenhopper.jira:gh-epic-label"
SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
POINTS_NAMES = ("story points", "story point estimate")

#: Fields a push fills itself (a required field outside this set and without a default stops the push).
SYSTEM_FILLED = {"project", "issuetype", "summary", "description", "labels", "reporter", "parent"}


@dataclass(frozen=True)
class FieldInfo:
    """One field of the site (GET /field)."""

    id: str
    name: str
    custom_type: str = ""
    schema_type: str = ""


@dataclass
class IssueType:
    """An issue type of the project with the fields of its create screen (createmeta)."""

    id: str
    name: str
    subtask: bool
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # field id -> {name, required, hasDefaultValue}
    hierarchy_level: Optional[int] = None  # Cloud: 1 epic, 0 story/task/bug, -1 sub-task
    avatar_id: Optional[int] = None  # Jira's default avatars tell the types apart where names are localised


@dataclass
class FieldPlan:
    """Which fields a push writes, resolved for this site and project."""

    types: dict[str, IssueType]  # "epic" | "story" | "subtask" -> issue type
    points: Optional[str]
    epic_relation: str  # "parent" | "epic_link"
    epic_link: Optional[str] = None
    epic_name: Optional[str] = None
    sprint: Optional[str] = None
    points_name: str = ""
    #: the board whose Agile estimation API sets the points, when the field is not on the Story screens
    points_board: Optional[int] = None

    def search_fields(self) -> list[str]:
        """Fields to ask for when reading this plan's issues back."""
        wanted = ["summary", "labels", "issuetype", "status", "issuelinks", "parent"]
        wanted += [f for f in (self.points, self.epic_link, self.sprint) if f]
        return wanted


def load_fields(connection: JiraConnection) -> list[FieldInfo]:
    """Every field of the site."""
    result = []
    for item in connection.get(connection.api("field")) or []:
        schema = item.get("schema") or {}
        result.append(FieldInfo(id=str(item.get("id")), name=str(item.get("name") or ""),
                                custom_type=str(schema.get("custom") or ""), schema_type=str(schema.get("type") or "")))
    return result


def load_issue_types(connection: JiraConnection, project: str, kinds: Iterable[str],
                     names: Optional[dict[str, Optional[str]]] = None) -> dict[str, IssueType]:
    """The project's Epic, Story and (when asked) sub-task types, with their create-screen fields.

    Reads the paged createmeta endpoints, whose page shape differs: Cloud answers {issueTypes: [...]} and
    {fields: [...]}, Data Center {values: [...]} for both. `names` ({"epic": ..., "story": ...}, from --epic-type
    and --story-type) name the types where the site's names are neither English nor recognisable.
    """
    base = connection.api(f"issue/createmeta/{project}/issuetypes")
    available = [IssueType(id=str(t["id"]), name=str(t.get("name", "")), subtask=bool(t.get("subtask")),
                           hierarchy_level=t.get("hierarchyLevel") if isinstance(t.get("hierarchyLevel"), int)
                           else None, avatar_id=_avatar(t))
                 for t in _pages(connection, base, ("issueTypes", "values"))]
    chosen: dict[str, IssueType] = {}
    for kind in kinds:
        given = (names or {}).get(kind)
        issue_type = _named_type(available, given) if given else _pick_type(available, kind)
        if issue_type is None:
            listed = ", ".join(t.name for t in available) or "none"
            wanted = f"'{given}'" if given else {"epic": "Epic", "story": "Story", "subtask": "a sub-task"}[kind]
            option = {"epic": "--epic-type NAME", "story": "--story-type NAME"}.get(kind)
            raise JiraSetupError(f"project {project} has no {wanted} issue type you can create (it has: {listed})",
                                 hint=(f"name the project's {kind} type with {option}, " if option else "")
                                 + "add the issue type to the project's issue type scheme, or check the token's "
                                   "Create issues permission")
        for item in _pages(connection, f"{base}/{issue_type.id}", ("fields", "values")):
            issue_type.fields[str(item.get("fieldId") or item.get("key"))] = item
        chosen[kind] = issue_type
    return chosen


#: Jira's default avatars of the Epic and Story types (the same on Cloud and Data Center)
DEFAULT_AVATARS = {"epic": 10307, "story": 10315}


def _pick_type(available: list[IssueType], kind: str) -> Optional[IssueType]:
    """By English name, else by hierarchy level (Cloud: 1 is the epic level), else by the default avatar."""
    if kind == "subtask":
        return next((t for t in available if t.subtask), None)
    standard = [t for t in available if not t.subtask]
    by_name = next((t for t in standard if t.name.lower() == kind), None)
    if by_name is not None:
        return by_name
    if kind == "epic":
        level = [t for t in standard if t.hierarchy_level == 1]
        if len(level) == 1:
            return level[0]
    avatar = [t for t in standard if t.avatar_id == DEFAULT_AVATARS[kind]]
    return avatar[0] if len(avatar) == 1 else None


def _named_type(available: list[IssueType], name: str) -> Optional[IssueType]:
    return next((t for t in available if t.name.casefold() == name.strip().casefold()), None)


def _avatar(item: dict[str, Any]) -> Optional[int]:
    if isinstance(item.get("avatarId"), int):
        return item["avatarId"]
    found = re.search(r"avatarId=(\d+)", str(item.get("iconUrl") or ""))
    return int(found.group(1)) if found else None


def _pages(connection: JiraConnection, path: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    start = 0
    while True:
        page = connection.get(path, params={"startAt": start, "maxResults": 100}) or {}
        batch = next((page[k] for k in keys if isinstance(page.get(k), list)), [])
        items.extend(batch)
        start += len(batch)
        total = page.get("total")
        if not batch or page.get("isLast") or (isinstance(total, int) and start >= total):
            return items


def resolve_fields(site_fields: list[FieldInfo], types: dict[str, IssueType], *, project: str,
                   team_managed: bool, board: Optional[Any] = None) -> FieldPlan:
    """Choose the points / epic / sprint fields and check the create screens; JiraSetupError names what is missing.

    Story points not on the Story create screen are set through the board (PUT /rest/agile/1.0/issue/{key}/
    estimation?boardId=N writes the board's estimation field whatever the screens say) when `board` estimates with
    that field; only without such a board is it an error, naming both ways."""
    story = types["story"]
    by_id = {f.id: f for f in site_fields}
    board_points_field = board.points_field if board is not None else None
    points = _points_field(site_fields, by_id, story, board_points_field)
    where = _screen_hint(team_managed)
    for issue_type in types.values():
        for needed in ("summary", "labels", "description"):
            if needed not in issue_type.fields:
                why = "; sprintgen finds its issues again by their label" if needed == "labels" else ""
                raise JiraSetupError(
                    f"the field '{needed}' is not on the create screen of {issue_type.name} in project {project}",
                    hint=f"add it ({where(issue_type.name)}){why}")
    points_board = None
    if points and points.id not in story.fields:
        if board is not None and board_points_field == points.id:
            points_board = board.id
        else:
            raise PointsOffScreen(
                f"the story points field '{points.name}' ({points.id}) is not on the create screen of {story.name} "
                f"in project {project}, and no scrum board of the project estimates with it",
                hint=f"add '{points.name}' to the screen ({where(story.name)}), or set the board's estimation to "
                     f"'{points.name}' (Board settings > Estimation) so sprintgen sets points through the board")
    epic_link = next((f for f in site_fields if f.custom_type == EPIC_LINK_TYPE), None)
    if "parent" in story.fields:
        relation = "parent"
    elif epic_link and epic_link.id in story.fields:
        relation = "epic_link"
    else:
        name = f"'{epic_link.name}' ({epic_link.id})" if epic_link else "'parent'"
        raise JiraSetupError(
            f"neither 'parent' nor an Epic Link field is on the create screen of {story.name} in project {project}",
            hint=f"add {name} to the screen ({where(story.name)})")
    epic_name = next((f for f in site_fields if f.custom_type == EPIC_NAME_TYPE and f.id in types["epic"].fields),
                     None)
    sprint = next((f for f in site_fields if f.custom_type == SPRINT_TYPE), None)
    plan = FieldPlan(types=types, points=points.id if points else None, points_name=points.name if points else "",
                     epic_relation=relation, epic_link=epic_link.id if relation == "epic_link" and epic_link else None,
                     epic_name=epic_name.id if epic_name else None, sprint=sprint.id if sprint else None,
                     points_board=points_board)
    _check_required(plan, project, where)
    return plan


class PointsOffScreen(JiraSetupError):
    """The story points field is on no Story screen and no board can set it."""


def _points_field(site_fields: list[FieldInfo], by_id: dict[str, FieldInfo], story: IssueType,
                  board_points_field: Optional[str]) -> Optional[FieldInfo]:
    if board_points_field and board_points_field in by_id:
        return by_id[board_points_field]  # the board's estimation statistic is what its reports sum
    candidates = [f for f in site_fields if f.custom_type == POINTS_TYPE]
    candidates += [f for f in site_fields if f.custom_type == NUMBER_TYPE and f.name.lower() in POINTS_NAMES]
    if not candidates:
        raise JiraSetupError("this Jira site has no story points field",
                             hint="enable estimation with story points on the board (Board settings > Estimation)")
    # Sites often have both "Story Points" and "Story point estimate": the one on the Story screen is in use.
    return next((f for f in candidates if f.id in story.fields), candidates[0])


def _check_required(plan: FieldPlan, project: str, where: Any) -> None:
    filled = set(SYSTEM_FILLED) | {f for f in (plan.points, plan.epic_link, plan.epic_name) if f}
    for issue_type in plan.types.values():
        for field_id, meta in issue_type.fields.items():
            if meta.get("required") and not meta.get("hasDefaultValue") and field_id not in filled:
                name = meta.get("name") or field_id
                raise JiraSetupError(
                    f"Jira requires the field '{name}' ({field_id}) to create a {issue_type.name} in project "
                    f"{project}, and sprintgen has no value for it",
                    hint=f"make the field optional or give it a default value ({where(issue_type.name)})")


def _screen_hint(team_managed: bool):
    if team_managed:
        return lambda type_name: f"team-managed project: Project settings > Issue types > {type_name}"
    return lambda type_name: ("company-managed project: Project settings > Screens, the create screen used by "
                              f"{type_name}, or the field configuration")
