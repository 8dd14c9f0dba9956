"""Applying a change set: sprints, bulk creation in batches of 50, updates, links, sprint assignment, deletion.

Safe to interrupt at any point: every issue is created with its label and identity property in the same request, so
a re-run finds what exists and creates only the rest. When a creation loses its response (the connection dropped
after Jira committed), the writer searches by identity before sending the remaining items again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence, TypeVar

from sprintgen.tracker.changeset import ChangeSet, SprintSpec, Update
from sprintgen.model import format_points
from sprintgen.tracker.connection import ConnectionLost, JiraConnection, JiraHttpError, describe_errors
from sprintgen.tracker.desired import PROPERTY_KEY, DesiredIssue
from sprintgen.tracker.fields import FieldPlan
from sprintgen.tracker.sprints import Board, RemoteSprint, board_sprints, sprint_payload

BATCH_SIZE = 50  # Jira's limit for bulk creation and for moving issues into a sprint
RECONCILE_ATTEMPTS = 3

T = TypeVar("T")
Progress = Callable[[int], None]


@dataclass
class PushResult:
    """What a push wrote."""

    created: dict[str, str] = field(default_factory=dict)  # identity -> new issue key
    updated: list[str] = field(default_factory=list)
    links: int = 0
    sprints_created: list[str] = field(default_factory=list)
    sprints_redated: list[str] = field(default_factory=list)
    assigned: int = 0
    deleted: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def describe(self, keys_shown: int = 10) -> str:
        """'3 created (RAG-1, RAG-2, RAG-3), 1 updated, 2 links, ...' (nothing: 'nothing')."""
        keys = list(self.created.values())
        shown = ", ".join(keys[:keys_shown]) + (", ..." if len(keys) > keys_shown else "")
        parts = [f"{len(keys)} created ({shown})" if keys else "",
                 f"{len(self.updated)} updated ({', '.join(self.updated[:keys_shown])})" if self.updated else "",
                 f"{self.links} links" if self.links else "",
                 f"{len(self.sprints_created)} sprints created" if self.sprints_created else "",
                 f"{self.assigned} sprint assignments" if self.assigned else "",
                 f"{len(self.deleted)} deleted" if self.deleted else ""]
        return ", ".join(p for p in parts if p) or "nothing"


def chunks(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Writer:
    """Writes one change set to one project."""

    def __init__(self, connection: JiraConnection, fields: FieldPlan, *, project: str, profile: str,
                 board: Optional[Board], keys: dict[str, str], find_existing: Callable[[], dict[str, str]],
                 blocks_link: str = "Blocks", progress: Optional[Progress] = None) -> None:
        self.connection = connection
        self.fields = fields
        self.project = project
        self.profile = profile
        self.board = board
        self.keys = dict(keys)  # identity -> issue key, grows as issues are created
        self.find_existing = find_existing  # identity -> key of every managed issue, read fresh from Jira
        self.blocks_link = blocks_link  # the name of the site's "blocks" link type
        self.progress = progress or (lambda _n: None)
        self.result = PushResult()

    # --- the whole change set ------------------------------------------------------------------------------------
    def apply(self, changes: ChangeSet, sprint_ids: dict[str, int], *, delete_removed: bool) -> PushResult:
        """Write everything in dependency order: sprints, epics, stories, sub-tasks, updates, links, sprints."""
        sprint_ids = dict(sprint_ids)
        for spec in changes.sprints_to_create:
            sprint_ids[spec.name] = self.create_sprint(spec)
        for sprint, spec in changes.sprint_dates:
            self.redate_sprint(sprint, spec)
        for kind in ("epic", "story", "subtask"):
            self.create_issues([d for d in changes.creates if d.kind == kind])
        for update in changes.updates:
            self.update_issue(update)
        for blocker, dependent in changes.links:
            self.link(blocker, dependent)
        for sprint_name, identities in changes.assignments.items():
            self.assign(sprint_ids[sprint_name], [self.keys[i] for i in identities if i in self.keys])
        if delete_removed:
            for issue in changes.removed:
                self.connection.request("DELETE", self.connection.api(f"issue/{issue.key}"),
                                        params={"deleteSubtasks": "true"})
                self.result.deleted.append(issue.key)
                self.progress(1)
        return self.result

    # --- sprints -------------------------------------------------------------------------------------------------
    def create_sprint(self, spec: SprintSpec) -> int:
        """Create a sprint on the board; after a lost response, look for it by name before trying again."""
        assert self.board is not None
        for attempt in range(RECONCILE_ATTEMPTS):
            try:
                data = self.connection.request("POST", self.connection.agile("sprint"),
                                               body=sprint_payload(spec.name, self.board.id, spec.start, spec.end,
                                                                   spec.timezone))
                break
            except ConnectionLost:
                found = _by_name(board_sprints(self.connection, self.board.id), spec.name)
                if found is not None:
                    data = {"id": found.id}
                    break
                if attempt == RECONCILE_ATTEMPTS - 1:
                    raise
                self.connection.backoff("POST", "sprint", attempt + 1)
        self.result.sprints_created.append(spec.name)
        self.progress(1)
        return int(data["id"])

    def redate_sprint(self, sprint: RemoteSprint, spec: SprintSpec) -> None:
        """Move a future sprint to the plan's dates (a partial update: name, goal and state stay)."""
        body = sprint_payload(spec.name, 0, spec.start, spec.end, spec.timezone)
        self.connection.request("POST", self.connection.agile(f"sprint/{sprint.id}"), retry_lost=True,
                                body={"startDate": body["startDate"], "endDate": body["endDate"]})
        self.result.sprints_redated.append(sprint.name)
        self.progress(1)

    def assign(self, sprint_id: int, keys: list[str]) -> None:
        """Move issues into a sprint, 50 per request (moving twice is harmless, so lost responses are retried)."""
        for batch in chunks(keys):
            self.connection.request("POST", self.connection.agile(f"sprint/{sprint_id}/issue"),
                                    body={"issues": list(batch)}, retry_lost=True)
            self.result.assigned += len(batch)
            self.progress(len(batch))

    # --- issues --------------------------------------------------------------------------------------------------
    def create_issues(self, issues: list[DesiredIssue]) -> None:
        """Bulk-create issues in batches of 50, recording the keys; failed items are reported, not retried blindly."""
        ready = []
        for issue in issues:
            owner = issue.parent
            if owner and owner not in self.keys:
                self.result.failures.append(f"{issue.plan_key}: not created because its story was not created")
                continue
            ready.append(issue)
        for batch in chunks(ready):
            self._create_batch(list(batch))
            self.progress(len(batch))

    def _create_batch(self, batch: list[DesiredIssue]) -> None:
        pending = batch
        for attempt in range(RECONCILE_ATTEMPTS):
            try:
                data = self.connection.request(
                    "POST", self.connection.api("issue/bulk"),
                    body={"issueUpdates": [self.create_payload(d) for d in pending]}, error_body_statuses=(400,))
            except ConnectionLost:
                # Jira may have created some or all of them: find them by identity, send only the rest.
                existing = self.find_existing()
                for issue in pending:
                    if issue.identity in existing:
                        self._created(issue, existing[issue.identity])
                pending = [d for d in pending if d.identity not in existing]
                if not pending:
                    return
                if attempt == RECONCILE_ATTEMPTS - 1:
                    raise
                self.connection.backoff("POST", "issue/bulk", attempt + 1)
                continue
            self._record_bulk(pending, data or {})
            return

    def _record_bulk(self, pending: list[DesiredIssue], data: dict[str, Any]) -> None:
        failed: dict[int, str] = {}
        for error in data.get("errors") or []:
            number = error.get("failedElementNumber")
            if isinstance(number, int):
                failed[number] = describe_errors(error.get("elementErrors") or {}) or f"HTTP {error.get('status')}"
        created = iter(data.get("issues") or [])
        for index, issue in enumerate(pending):
            if index in failed:
                self.result.failures.append(f"{issue.plan_key}: Jira refused to create it: {failed[index]}")
                continue
            item = next(created, None)
            if item is None:
                self.result.failures.append(f"{issue.plan_key}: Jira did not confirm its creation")
                continue
            self._created(issue, str(item["key"]))

    def _created(self, issue: DesiredIssue, key: str) -> None:
        self.keys[issue.identity] = key
        self.result.created[issue.identity] = key
        if self._points_by_board(issue):
            if not self.estimate(key, issue):
                # the property says the points were pushed: forget that, so the next push tries again
                value = issue.property_value(self.profile)
                value["digests"]["points"] = ""
                self.connection.request("PUT", self.connection.api(f"issue/{key}/properties/{PROPERTY_KEY}"),
                                        body=value)

    def _points_by_board(self, issue: DesiredIssue) -> bool:
        return bool(self.fields.points_board and issue.kind == "story" and issue.points is not None)

    def estimate(self, key: str, issue: DesiredIssue, board: Optional[int] = None) -> bool:
        """Story points through the board's estimation (the Story screens lack the field); False when refused."""
        board = board or self.fields.points_board
        try:
            self.connection.request("PUT", self.connection.agile(f"issue/{key}/estimation"),
                                    params={"boardId": board}, body={"value": format_points(issue.points or 0)})
        except JiraHttpError as error:
            self.result.failures.append(
                f"{issue.plan_key} ({key}): story points not set: the field '{self.fields.points_name}' is not on "
                f"the Story screen and board {board} refused the estimate ({error.message})")
            return False
        return True

    def create_payload(self, issue: DesiredIssue) -> dict[str, Any]:
        """One element of a bulk creation: fields plus the identity property (set atomically with the issue)."""
        values: dict[str, Any] = {
            "project": {"key": self.project},
            "issuetype": {"id": self.fields.types[issue.kind].id},
            "summary": issue.summary,
            "description": issue.description.render(self.connection.api_version),
            "labels": list(issue.labels),
        }
        if issue.kind == "epic" and self.fields.epic_name:
            values[self.fields.epic_name] = issue.summary
        if issue.kind == "story":
            if self.fields.points and issue.points is not None and not self.fields.points_board:
                values[self.fields.points] = issue.points
            values.update(self._epic_value(issue))
        if issue.kind == "subtask" and issue.parent:
            values["parent"] = {"key": self.keys[issue.parent]}
        return {"fields": values, "properties": [{"key": PROPERTY_KEY, "value": issue.property_value(self.profile)}]}

    def _epic_value(self, issue: DesiredIssue) -> dict[str, Any]:
        epic_key = self.keys.get(issue.epic or "")
        if epic_key is None:
            return {}  # the epic failed to be created: the next push links the story once it exists
        if self.fields.epic_relation == "parent":
            return {"parent": {"key": epic_key}}
        return {self.fields.epic_link: epic_key}

    def update_issue(self, update: Update) -> None:
        """Edit the changed fields, then record the new digests in the issue property (two idempotent PUTs)."""
        issue, key = update.desired, update.remote.key
        values: dict[str, Any] = {}
        operations: dict[str, Any] = {}
        if "summary" in update.fields:
            values["summary"] = issue.summary
        if "description" in update.fields:
            values["description"] = issue.description.render(self.connection.api_version)
        if "points" in update.fields and self.fields.points and not self._points_by_board(issue):
            values[self.fields.points] = issue.points
        if "points" in update.fields and self._points_by_board(issue) and not self.estimate(key, issue):
            return  # the property keeps the old digest: the next push tries again
        if "epic" in update.fields:
            values.update(self._epic_value(issue))
        if "labels" in update.fields:
            # add, never replace: labels people added in Jira stay
            missing = [label for label in issue.labels if label not in update.remote.labels]
            if missing:
                operations["labels"] = [{"add": label} for label in missing]
        if (values or operations) and not self._edit(key, issue, values, operations):
            return  # the property keeps the old digest: the next push tries again
        self.connection.request("PUT", self.connection.api(f"issue/{key}/properties/{PROPERTY_KEY}"),
                                body=issue.property_value(self.profile))
        self.result.updated.append(key)
        self.progress(1)

    def _edit(self, key: str, issue: DesiredIssue, values: dict[str, Any], operations: dict[str, Any]) -> bool:
        """PUT /issue/{key}. Points the edit screen refuses (it may lack the field the create screen has) go
        through the board's estimation instead; False when they could not be set."""
        try:
            self.connection.request("PUT", self.connection.api(f"issue/{key}"),
                                    body={k: v for k, v in (("fields", values), ("update", operations)) if v})
            return True
        except JiraHttpError as error:
            board = self.estimation_board()
            points = self.fields.points
            if not (error.status == 400 and points in values and points in error.message and board):
                raise
        values = {k: v for k, v in values.items() if k != points}
        if values or operations:
            self.connection.request("PUT", self.connection.api(f"issue/{key}"),
                                    body={k: v for k, v in (("fields", values), ("update", operations)) if v})
        return self.estimate(key, issue, board)

    def estimation_board(self) -> Optional[int]:
        """The board whose estimation API can set the points field, if any."""
        if self.fields.points_board:
            return self.fields.points_board
        if self.board is not None and self.board.points_field and self.board.points_field == self.fields.points:
            return self.board.id
        return None

    def link(self, blocker: str, dependent: str) -> None:
        """'blocker blocks dependent'. Jira's POST /issueLink reads: inwardIssue <outward verb> outwardIssue, so the
        blocker goes in inwardIssue. Jira ignores a duplicate link, so a lost response is retried."""
        if blocker not in self.keys or dependent not in self.keys:
            return
        self.connection.request("POST", self.connection.api("issueLink"), retry_lost=True, body={
            "type": {"name": self.blocks_link},
            "inwardIssue": {"key": self.keys[blocker]},
            "outwardIssue": {"key": self.keys[dependent]},
        })
        self.result.links += 1
        self.progress(1)


def _by_name(sprints: list[RemoteSprint], name: str) -> Optional[RemoteSprint]:
    return next((s for s in sprints if s.name == name and s.state != "closed"), None)
