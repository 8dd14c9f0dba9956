"""The fake Jira's data and rules: issues, properties, links, boards, sprints; what Jira refuses and why."""

from __future__ import annotations

import itertools
import time
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

from .refusal import JiraRefusal
from .variants import Variant
from .workflow import CATEGORIES, Workflow

TYPE_NAMES_ES = {"Epic": "Épica", "Story": "Historia", "Task": "Tarea", "Sub-task": "Subtarea", "Subtask": "Subtarea"}
TYPE_AVATARS = {"Epic": 10307, "Story": 10315, "Task": 10318}  # Jira's default issue type avatars (sub-task 10316)
TYPE_LEVELS = {"Epic": 1, "Story": 0, "Task": 0}  # Cloud's hierarchyLevel (sub-tasks -1)
BLOCKS = {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
LINK_TYPES = [BLOCKS,
              {"id": "10001", "name": "Cloners", "inward": "is cloned by", "outward": "clones"},
              {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"}]


@dataclass
class Issue:
    id: int
    key: str
    type_name: str
    fields: dict[str, Any]
    properties: dict[str, Any] = field(default_factory=dict)
    status: str = "To Do"  # a name in workflow.STATUSES
    created: float = 0.0  # time.monotonic() at creation (for the search lag of Cloud's eventual consistency)


@dataclass
class Sprint:
    id: int
    name: str
    board_id: int
    state: str = "future"
    start: str = ""
    end: str = ""
    goal: str = ""
    complete: str = ""  # completeDate, set when the sprint is closed


class JiraState(Workflow):
    """One project on one site. Thread-safe: the HTTP server handles requests on several threads."""

    def __init__(self, variant: Variant, project: str = "RAG", *, boards: int = 1, kanban_boards: int = 0,
                 language: str = "en") -> None:
        self.variant = variant
        self.project = project
        self.project_id = "10000"
        self.lock = threading.RLock()
        self.issues: dict[str, Issue] = {}
        self.links: list[tuple[str, str, str]] = []  # (type name, inward key, outward key): inward <outward> outward
        # kanban boards (no sprints) come first in the listing: with 50 or more, the scrum board is on a later page
        self.boards = [{"id": 100 + n, "name": f"{project} kanban {n}", "type": "kanban"} for n in range(kanban_boards)]
        self.boards += [{"id": n, "name": f"{project} board {n}", "type": "scrum"} for n in range(1, boards + 1)]
        self.edit_hidden: set[str] = set()  # fields on the create screens but not on the edit screens
        self.board_estimates = True  # False: boards estimate by issue count (no field, no estimation API)
        #: Cloud's enhanced search is eventually consistent: issues younger than this many seconds are missing
        #: from search results unless their id is in `reconcileIssues` (GET /issue/{key} always sees them)
        self.search_lag = 0.0
        self.sprints: dict[int, Sprint] = {}
        self.issue_sprints: dict[str, list[int]] = {}
        self._ids = itertools.count(10001)
        self._numbers = itertools.count(1)
        self._sprint_ids = itertools.count(1)
        type_names = ["Epic", "Story", "Task", variant.subtask_name]
        # keyed by the English name; "name" is what the site shows (language="es": a Spanish site, where only the
        # hierarchy level (Cloud) and the default avatars tell an epic and a story apart)
        shown = TYPE_NAMES_ES if language == "es" else {}
        self.types = {name: {"id": str(10000 + i), "name": shown.get(name, name),
                             "subtask": name == variant.subtask_name,
                             "description": name, "avatarId": TYPE_AVATARS.get(name, 10316),
                             **({"hierarchyLevel": TYPE_LEVELS.get(name, -1)} if variant.cloud else {})}
                      for i, name in enumerate(type_names)}
        self.type_names = {t["id"]: name for name, t in self.types.items()}
        base = {"summary": True, "description": False, "labels": False, "issuetype": True, "project": True,
                "reporter": False}
        self.screens = {name: {**base, **variant.screens.get(name, {})} for name in type_names}

    # --- metadata ----------------------------------------------------------------------------------------------
    def field_meta(self, field_id: str) -> dict[str, Any]:
        return next(f for f in self.variant.fields if f["id"] == field_id)

    def screen_fields(self, type_name: str) -> list[dict[str, Any]]:
        """createmeta fields of an issue type."""
        result = []
        for field_id, required in self.screens[type_name].items():
            meta = self.field_meta(field_id)
            result.append({"fieldId": field_id, "key": field_id, "name": meta["name"], "required": required,
                           "hasDefaultValue": field_id == "reporter", "schema": meta["schema"],
                           "operations": ["set"]})
        return result

    def type_by_id(self, type_id: str) -> dict[str, Any]:
        for issue_type in self.types.values():
            if issue_type["id"] == str(type_id):
                return issue_type
        raise JiraRefusal(400, errors={"issuetype": "valid issue type is required"})

    # --- issues --------------------------------------------------------------------------------------------------
    def create(self, payload: dict[str, Any], api_version: str) -> Issue:
        """Validate and create one issue (POST /issue, or one element of /issue/bulk)."""
        values = dict(payload.get("fields") or {})
        project = (values.get("project") or {}).get("key") or (values.get("project") or {}).get("id")
        if project not in (self.project, self.project_id):
            raise JiraRefusal(400, errors={"project": "valid project is required"})
        issue_type = self.type_by_id((values.get("issuetype") or {}).get("id", ""))
        name = self.type_names[issue_type["id"]]
        screen = self.screens[name]
        errors = {}
        for field_id in values:
            if field_id not in screen:
                errors[field_id] = (f"Field '{field_id}' cannot be set. It is not on the appropriate screen, "
                                    "or unknown.")
        for field_id, required in screen.items():
            if required and field_id not in values and field_id != "reporter":
                errors[field_id] = f"{self.field_meta(field_id)['name']} is required."
        errors.update(self._check_values(values, name, api_version))
        if errors:
            raise JiraRefusal(400, errors=errors)
        with self.lock:
            number = next(self._numbers)
            issue = Issue(id=next(self._ids), key=f"{self.project}-{number}", type_name=name, fields={},
                          created=time.monotonic())
            self._apply(issue, values)
            issue.fields.setdefault("labels", [])
            for prop in payload.get("properties") or []:
                issue.properties[prop["key"]] = prop["value"]
            self.issues[issue.key] = issue
            return issue

    def _check_values(self, values: dict[str, Any], type_name: str, api_version: str) -> dict[str, str]:
        errors: dict[str, str] = {}
        summary = values.get("summary")
        if not isinstance(summary, str) or not summary.strip() or len(summary) > 255:
            errors["summary"] = "You must specify a summary of the issue (at most 255 characters)."
        if "description" in values:
            text = values["description"]
            if api_version == "3" and not (isinstance(text, dict) and text.get("type") == "doc"):
                errors["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document " \
                                        "Format)"
            if api_version == "2" and not isinstance(text, str):
                errors["description"] = "Operation value must be a string"
        labels = values.get("labels", [])
        if not isinstance(labels, list) or any(not isinstance(x, str) or re.search(r"\s", x) for x in labels):
            errors["labels"] = "The label must not contain spaces."
        points = self.variant.points_field
        if points in values and not isinstance(values[points], (int, float)):
            errors[points] = "Operation value must be a number."
        if "parent" in values:
            parent = self.issues.get((values["parent"] or {}).get("key", ""))
            wanted = "Story" if type_name == self.variant.subtask_name else "Epic"
            if parent is None or parent.type_name != wanted:
                errors["parent"] = f"Given parent work item does not belong to appropriate hierarchy ({wanted})."
        link = self.variant.epic_link_field
        if link and link in values:
            epic = self.issues.get(values[link] or "")
            if epic is None or epic.type_name != "Epic":
                errors[link] = f"The issue {values[link]} is not an epic"
        return errors

    def _apply(self, issue: Issue, values: dict[str, Any]) -> None:
        for field_id, value in values.items():
            if field_id in ("project", "issuetype"):
                continue
            if field_id == "parent":
                issue.fields["parent"] = self.issues[value["key"]].key
            else:
                issue.fields[field_id] = value

    def edit(self, key: str, body: dict[str, Any], api_version: str) -> None:
        """PUT /issue/{key}: fields must be on the screen; labels may be changed with add/remove operations."""
        issue = self.get(key)
        values = dict(body.get("fields") or {})
        screen = self.screens[issue.type_name]
        errors = {f: f"Field '{f}' cannot be set. It is not on the appropriate screen, or unknown."
                  for f in values if f not in screen or f in self.edit_hidden}
        errors.update({k: v for k, v in self._check_values({"summary": issue.fields["summary"], **values},
                                                           issue.type_name, api_version).items()})
        if errors:
            raise JiraRefusal(400, errors=errors)
        with self.lock:
            self._apply(issue, values)
            for operation in (body.get("update") or {}).get("labels", []):
                if "add" in operation and operation["add"] not in issue.fields["labels"]:
                    issue.fields["labels"].append(operation["add"])
                if "remove" in operation and operation["remove"] in issue.fields["labels"]:
                    issue.fields["labels"].remove(operation["remove"])
            for prop in body.get("properties") or []:
                issue.properties[prop["key"]] = prop["value"]

    def get(self, key: str) -> Issue:
        issue = self.issues.get(key) or next((i for i in self.issues.values() if str(i.id) == key), None)
        if issue is None:
            raise JiraRefusal(404, ["Issue does not exist or you do not have permission to see it."])
        return issue

    def delete(self, key: str, subtasks: bool) -> None:
        issue = self.get(key)
        children = [i for i in self.issues.values() if i.fields.get("parent") == issue.key
                    and i.type_name == self.variant.subtask_name]
        if children and not subtasks:
            raise JiraRefusal(400, ["The issue has subtasks; set deleteSubtasks=true to delete them."])
        with self.lock:
            for victim in children + [issue]:
                self.issues.pop(victim.key, None)
                self.issue_sprints.pop(victim.key, None)
                self.links = [link for link in self.links if victim.key not in (link[1], link[2])]

    def link(self, type_name: str, inward: str, outward: str) -> None:
        """POST /issueLink: 'inward <outward description> outward' (inward blocks outward). Duplicates ignored."""
        if type_name not in {t["name"] for t in LINK_TYPES}:
            raise JiraRefusal(404, [f"No issue link type with name '{type_name}' found."])
        self.get(inward), self.get(outward)
        with self.lock:
            if (type_name, inward, outward) not in self.links:
                self.links.append((type_name, inward, outward))

    def blockers_of(self, key: str) -> set[str]:
        """Keys of the issues that block `key` (for assertions)."""
        return {i for t, i, o in self.links if t == "Blocks" and o == key}

    # --- sprints -------------------------------------------------------------------------------------------------
    def add_sprint(self, name: str, board_id: int, *, state: str = "future", start: str = "", end: str = "") -> Sprint:
        with self.lock:
            sprint = Sprint(id=next(self._sprint_ids), name=name, board_id=board_id, state=state, start=start, end=end)
            self.sprints[sprint.id] = sprint
            return sprint

    def move_to_sprint(self, sprint_id: int, keys: list[str]) -> None:
        sprint = self.sprints.get(sprint_id)
        if sprint is None:
            raise JiraRefusal(404, ["Sprint does not exist"])
        if sprint.state == "closed":
            raise JiraRefusal(400, ["Cannot move issues to a closed sprint"])
        if len(keys) > 50:
            raise JiraRefusal(400, ["Cannot move more than 50 issues at once"])
        issues = [self.get(k) for k in keys]
        with self.lock:
            for issue in issues:
                kept = [s for s in self.issue_sprints.get(issue.key, []) if self.sprints[s].state == "closed"]
                self.issue_sprints[issue.key] = kept + [sprint_id]

    def sprint_value(self, key: str) -> Optional[list[Any]]:
        """The sprint field as the variant renders it (Cloud objects, Data Center strings)."""
        ids = self.issue_sprints.get(key)
        if not ids:
            return None
        result: list[Any] = []
        for sprint_id in ids:
            s = self.sprints[sprint_id]
            if self.variant.cloud:
                result.append({"id": s.id, "name": s.name, "state": s.state, "boardId": s.board_id,
                               "startDate": s.start, "endDate": s.end, **({"completeDate": s.complete}
                                                                           if s.complete else {})})
            else:
                result.append(f"com.atlassian.greenhopper.service.sprint.Sprint@5b1d{s.id}[id={s.id},"
                              f"rapidViewId={s.board_id},state={s.state.upper()},name={s.name},startDate={s.start},"
                              f"endDate={s.end},completeDate={s.complete or '<null>'},sequence={s.id},goal=]")
        return result

    # --- reading -------------------------------------------------------------------------------------------------
    def render(self, issue: Issue, wanted: Optional[list[str]], properties: list[str], base: str) -> dict[str, Any]:
        """An issue as GET /issue or a search returns it."""
        values: dict[str, Any] = {}
        everything = dict(issue.fields)
        everything["issuetype"] = self.types[issue.type_name]
        everything["status"] = self.status_json(issue.status, base)
        everything.setdefault("resolution", None)
        everything["project"] = {"id": self.project_id, "key": self.project}
        if issue.fields.get("parent"):
            parent = self.issues.get(issue.fields["parent"])
            everything["parent"] = {"id": str(parent.id), "key": parent.key,
                                    "fields": {"summary": parent.fields.get("summary")}} if parent else None
        links = []
        for n, (type_name, inward, outward) in enumerate(self.links):
            link_type = next(t for t in LINK_TYPES if t["name"] == type_name)
            if inward == issue.key:
                links.append({"id": str(20000 + n), "type": link_type, "outwardIssue": {"key": outward}})
            if outward == issue.key:
                links.append({"id": str(20000 + n), "type": link_type, "inwardIssue": {"key": inward}})
        everything["issuelinks"] = links
        everything[self.variant.sprint_field] = self.sprint_value(issue.key)
        for field_id, value in everything.items():
            if wanted is None or field_id in wanted:
                values[field_id] = value
        rendered: dict[str, Any] = {"id": str(issue.id), "key": issue.key, "self": f"{base}/issue/{issue.id}",
                                    "fields": values}
        if properties:
            rendered["properties"] = {k: issue.properties[k] for k in properties if k in issue.properties}
        return rendered

    def search(self, jql: str) -> list[Issue]:
        """The small JQL subset sprintgen (push, status) uses, clauses joined by AND: project = X, labels = Y,
        sprint in (1, 2) / sprint = 1 / sprint in openSprints() / closedSprints(), statusCategory = Done / !=,
        key in (A-1, A-2), parent in (A-1) / cf[N] in (A-1) (an epic's children), and a trailing ORDER BY
        created / key / id, ASC or DESC."""
        order = re.search(r"\s*ORDER BY\s+(created|key|id)(?:\s+(ASC|DESC))?\s*$", jql, flags=re.IGNORECASE)
        text = jql[:order.start()].strip() if order else jql.strip()
        matches = list(self.issues.values())
        for clause in (re.split(r"\s+AND\s+", text, flags=re.IGNORECASE) if text else []):
            matches = self._filter(clause.strip(), matches)
        descending = bool(order and (order.group(2) or "").upper() == "DESC")
        return sorted(matches, key=lambda i: i.id, reverse=descending)

    def _filter(self, clause: str, matches: list[Issue]) -> list[Issue]:
        equal = re.fullmatch(r'(\w+)\s*(!?=)\s*"?([^"]+?)"?', clause)
        inside = re.fullmatch(r"(\w+)\s+in\s+\(([^)]*)\)", clause, flags=re.IGNORECASE)
        function = re.fullmatch(r"sprint\s+in\s+(openSprints|closedSprints)\(\)", clause, flags=re.IGNORECASE)
        field_name = (equal or inside).group(1).lower() if (equal or inside) else ""
        if equal and field_name == "project":
            if equal.group(3) not in (self.project, self.project_id):
                raise JiraRefusal(400, [f"The value '{equal.group(3)}' does not exist for the field 'project'."])
            return matches
        if equal and field_name == "labels" and equal.group(2) == "=":
            return [i for i in matches if equal.group(3) in i.fields.get("labels", [])]
        if equal and field_name == "statuscategory":
            wanted = next((k for k, c in CATEGORIES.items() if equal.group(3).lower() in (k, c["name"].lower())),
                          None)
            if wanted is None:
                raise JiraRefusal(400, [f"The value '{equal.group(3)}' does not exist for the field "
                                        "'statusCategory'."])
            return [i for i in matches if (self.category(i.key) == wanted) == (equal.group(2) == "=")]
        if (equal and field_name == "sprint" and equal.group(2) == "=") or (inside and field_name == "sprint"):
            ids = {int(x) for x in (equal.group(3) if equal else inside.group(2)).split(",") if x.strip()}
            return [i for i in matches if ids & set(self.issue_sprints.get(i.key, []))]
        epic = re.fullmatch(r"(parent|cf\[(\d+)\])\s+in\s+\(([^)]*)\)", clause, flags=re.IGNORECASE)
        if epic:  # an epic's children: `parent in (...)` (Cloud) or the Epic Link field `cf[N] in (...)` (DC)
            keys = {x.strip().strip('"') for x in epic.group(3).split(",")}
            field_id = "parent" if epic.group(2) is None else f"customfield_{epic.group(2)}"
            if field_id != "parent" and field_id != self.variant.epic_link_field:
                raise JiraRefusal(400, [f"Field 'cf[{epic.group(2)}]' does not exist or you do not have "
                                        "permission to view it."])
            return [i for i in matches if i.fields.get(field_id) in keys]
        if inside and field_name in ("key", "issuekey"):
            keys = {x.strip().strip('"') for x in inside.group(2).split(",")}
            return [i for i in matches if i.key in keys]
        if function:
            states = {"active", "future"} if function.group(1).lower() == "opensprints" else {"closed"}
            return [i for i in matches
                    if any(self.sprints[s].state in states for s in self.issue_sprints.get(i.key, []))]
        raise JiraRefusal(400, [f"Error in the JQL Query: the fake does not understand '{clause}'"])

    # --- assertions ----------------------------------------------------------------------------------------------
    def by_identity(self) -> dict[str, list[Issue]]:
        """identity -> issues carrying it (more than one is a duplicate)."""
        found: dict[str, list[Issue]] = {}
        for issue in self.issues.values():
            identity = (issue.properties.get("sprintgen") or {}).get("identity")
            if identity:
                found.setdefault(identity, []).append(issue)
        return found
