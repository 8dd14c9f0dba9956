"""The team's side of Jira in the fake: issue statuses and transitions, and sprints that start and close.

A test drives the work between two pushes through `fake.state` (or over REST, as a real client would):

    state.transition("RAG-3", "In Progress")          # status name: "To Do" | "In Progress" | "Done"
    state.start_sprint("Sprint 1")                     # future -> active (by name or id; one active per board)
    state.close_sprint("Sprint 1", move_to="Sprint 2")  # active -> closed; unfinished issues go to Sprint 2
    state.close_sprint("Sprint 1")                     # ... or to the backlog

REST: GET/POST /rest/api/{2,3}/issue/{key}/transitions, GET/POST(partial)/PUT /rest/agile/1.0/sprint/{id}. Issues
render `status` with its `statusCategory` (key new / indeterminate / done), `resolution` and `resolutiondate`; sprints
render `state`, `startDate`, `endDate`, `completeDate`. Like Jira: a closed sprint is never written again (no issue
moves into it, no date or state change), and a closed sprint stays in the Sprint field of the issues it held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from .refusal import JiraRefusal

CATEGORIES = {
    "new": {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
    "indeterminate": {"id": 4, "key": "indeterminate", "name": "In Progress", "colorName": "yellow"},
    "done": {"id": 3, "key": "done", "name": "Done", "colorName": "green"},
}
STATUSES = {
    "To Do": {"id": "10000", "name": "To Do", "category": "new", "transition": "11"},
    "In Progress": {"id": "3", "name": "In Progress", "category": "indeterminate", "transition": "21"},
    "Done": {"id": "10001", "name": "Done", "category": "done", "transition": "31"},
}
SPRINT_STATES = ("future", "active", "closed")


def now() -> str:
    """Jira's timestamp format."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class Workflow:
    """Statuses, transitions and the sprint lifecycle (mixed into JiraState)."""

    issues: dict[str, Any]
    sprints: dict[int, Any]
    issue_sprints: dict[str, list[int]]
    lock: Any
    variant: Any

    # --- statuses ------------------------------------------------------------------------------------------------
    def status_json(self, name: str, base: str) -> dict[str, Any]:
        """An issue's `status` field."""
        status = STATUSES[name]
        category = CATEGORIES[status["category"]]
        return {"id": status["id"], "name": name, "self": f"{base}/status/{status['id']}", "description": "",
                "iconUrl": f"{base}/images/icons/status_generic.gif",
                "statusCategory": {**category, "self": f"{base}/statuscategory/{category['id']}"}}

    def transitions_json(self, key: str, base: str) -> dict[str, Any]:
        """GET /issue/{key}/transitions: every status is reachable from every other (Jira's simplified workflow)."""
        issue = self.get(key)
        return {"expand": "transitions", "transitions": [
            {"id": s["transition"], "name": name, "hasScreen": False, "isGlobal": True, "isInitial": False,
             "isAvailable": True, "isConditional": False, "looped": False, "to": self.status_json(name, base)}
            for name, s in STATUSES.items() if name != issue.status]}

    def transition(self, key: str, status_or_transition_id: str) -> None:
        """Move an issue to a status (by name, or by transition id as POST /transitions sends it)."""
        issue = self.get(key)
        name = next((n for n, s in STATUSES.items() if status_or_transition_id in (n, s["transition"])), None)
        if name is None:
            raise JiraRefusal(400, [f"Transition id '{status_or_transition_id}' is not valid for this issue."])
        with self.lock:
            issue.status = name
            done = STATUSES[name]["category"] == "done"
            issue.fields["resolution"] = {"id": "10000", "name": "Done"} if done else None
            issue.fields["resolutiondate"] = now() if done else None
            issue.fields["statuscategorychangedate"] = now()

    def category(self, key: str) -> str:
        """The status category key of an issue: new | indeterminate | done."""
        return STATUSES[self.get(key).status]["category"]

    # --- sprints -------------------------------------------------------------------------------------------------
    def sprint(self, name_or_id: Any) -> Any:
        """A sprint by id or (unique) name."""
        if isinstance(name_or_id, int) or str(name_or_id).isdigit():
            found = self.sprints.get(int(name_or_id))
        else:
            matches = [s for s in self.sprints.values() if s.name == name_or_id]
            if len(matches) > 1:
                raise ValueError(f"several sprints are named {name_or_id!r}: use the id")
            found = matches[0] if matches else None
        if found is None:
            raise JiraRefusal(404, [f"Sprint {name_or_id} does not exist"])
        return found

    def start_sprint(self, name_or_id: Any, *, start: Optional[str] = None, end: Optional[str] = None) -> Any:
        """future -> active. Jira needs both dates; one active sprint per board (parallel sprints off)."""
        sprint = self.sprint(name_or_id)
        if sprint.state != "future":
            raise JiraRefusal(400, [f"Sprint {sprint.name} is {sprint.state}: only a future sprint can be started"])
        if any(s.state == "active" and s.board_id == sprint.board_id for s in self.sprints.values()):
            raise JiraRefusal(400, ["Another sprint is already active on this board"])
        with self.lock:
            sprint.start = start or sprint.start or now()
            sprint.end = end or sprint.end or now()
            sprint.state = "active"
        return sprint

    def close_sprint(self, name_or_id: Any, *, move_to: Any = None) -> Any:
        """active -> closed. Unfinished issues (status category not done) leave it for `move_to` or the backlog;
        every issue keeps the closed sprint in its Sprint field, as Jira does."""
        sprint = self.sprint(name_or_id)
        if sprint.state != "active":
            raise JiraRefusal(400, [f"Sprint {sprint.name} is {sprint.state}: only an active sprint can be closed"])
        target = self.sprint(move_to) if move_to is not None else None
        if target is not None and target.state == "closed":
            raise JiraRefusal(400, ["Cannot move issues to a closed sprint"])
        with self.lock:
            sprint.state = "closed"
            sprint.complete = now()
            for key, ids in self.issue_sprints.items():
                if sprint.id in ids and target is not None and self.category(key) != "done":
                    ids.append(target.id)
        return sprint

    def update_sprint(self, sprint_id: int, body: dict[str, Any], *, partial: bool) -> Any:
        """POST (partial) / PUT /sprint/{id}: rename, dates, goal, and state changes (start, close)."""
        sprint = self.sprint(int(sprint_id))
        if sprint.state == "closed":
            changed = {k for k in ("startDate", "endDate", "state") if k in body and body[k] != _attr(sprint, k)}
            if changed:
                raise JiraRefusal(400, ["A closed sprint cannot be changed (only its name and goal)"])
        wanted = body.get("state", sprint.state if partial else None)
        if wanted not in SPRINT_STATES:
            raise JiraRefusal(400, errors={"state": "state must be future, active or closed"})
        with self.lock:
            for key, attribute in (("name", "name"), ("goal", "goal"), ("startDate", "start"), ("endDate", "end")):
                if key in body:
                    setattr(sprint, attribute, str(body[key] or ""))
        if wanted == "active" and sprint.state == "future":
            if not (sprint.start and sprint.end):
                raise JiraRefusal(400, ["A sprint needs a start date and an end date to be started"])
            self.start_sprint(sprint.id)
        elif wanted == "closed" and sprint.state == "active":
            self.close_sprint(sprint.id)
        elif wanted != sprint.state:
            raise JiraRefusal(400, [f"A {sprint.state} sprint cannot become {wanted}"])
        return sprint


def _attr(sprint: Any, key: str) -> Any:
    return {"startDate": sprint.start, "endDate": sprint.end, "state": sprint.state}[key]
