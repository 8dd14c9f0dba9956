"""The difference between what the plan wants and what Jira holds: the preview, and the work list of a push."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from sprintgen.tracker.desired import TRACKED_FIELDS, DesiredIssue
from sprintgen.tracker.inventory import RemoteIssue
from sprintgen.tracker.sprints import RemoteSprint


@dataclass(frozen=True)
class SprintSpec:
    """A sprint of the plan as it should exist on the board."""

    name: str
    start: dt.date
    end: dt.date
    capacity: float
    timezone: Optional[str] = None  # IANA name (team file `timezone:`); None: the machine's


@dataclass
class Update:
    """An existing issue whose plan values changed since the last push."""

    desired: DesiredIssue
    remote: RemoteIssue
    fields: tuple[str, ...]  # tracked field names, plus "epic" when the epic relation must change


@dataclass
class ChangeSet:
    """Everything a push would do, computed without writing."""

    creates: list[DesiredIssue] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: list[DesiredIssue] = field(default_factory=list)
    removed: list[RemoteIssue] = field(default_factory=list)  # in Jira, no longer in the plan
    duplicates: list[RemoteIssue] = field(default_factory=list)  # a second issue claiming an identity (left alone)
    unidentified: list[RemoteIssue] = field(default_factory=list)  # the plan label but no readable identity
    held: list[tuple[DesiredIssue, RemoteIssue]] = field(default_factory=list)  # not created: may exist unidentified
    links: list[tuple[str, str]] = field(default_factory=list)  # (blocker identity, dependent identity)
    sprints_to_create: list[SprintSpec] = field(default_factory=list)
    assignments: dict[str, list[str]] = field(default_factory=dict)  # sprint name -> identities to move into it
    existing: dict[str, RemoteIssue] = field(default_factory=dict)  # identity -> issue already in Jira
    done: list[DesiredIssue] = field(default_factory=list)  # Done in Jira: history, never edited
    sprint_dates: list[tuple[RemoteSprint, SprintSpec]] = field(default_factory=list)  # future sprints to re-date
    leaving_active: list[str] = field(default_factory=list)  # identities moved out of the active sprint

    def assignment_count(self) -> int:
        """How many issues move into a sprint."""
        return sum(len(v) for v in self.assignments.values())

    def write_count(self, *, delete_removed: bool = False) -> int:
        """How many things a push would write (0: Jira is in sync)."""
        return (len(self.creates) + len(self.updates) + len(self.links) + len(self.sprints_to_create)
                + len(self.sprint_dates) + self.assignment_count() + (len(self.removed) if delete_removed else 0))


def compute_changes(desired: list[DesiredIssue], remote: list[RemoteIssue], *, sprints: list[SprintSpec],
                    board_sprints: Optional[list[RemoteSprint]]) -> ChangeSet:
    """Compare plan and Jira. `board_sprints` None means the push does not manage sprints."""
    changes = ChangeSet()
    for issue in remote:
        if issue.identity is None:
            changes.unidentified.append(issue)
        elif issue.identity in changes.existing:
            changes.duplicates.append(issue)  # remote is oldest first: the first one found is the one we keep
        else:
            changes.existing[issue.identity] = issue
    wanted = {d.identity for d in desired}
    changes.removed = [r for ident, r in changes.existing.items() if ident not in wanted]
    _issue_changes(changes, desired)
    _link_changes(changes, desired)
    if board_sprints is not None:
        _sprint_changes(changes, desired, sprints, board_sprints)
    return changes


def _issue_changes(changes: ChangeSet, desired: list[DesiredIssue]) -> None:
    key_of = {ident: r.key for ident, r in changes.existing.items()}
    lookalikes = {r.summary: r for r in changes.unidentified}
    for issue in desired:
        current = changes.existing.get(issue.identity)
        if current is None and issue.summary in lookalikes:
            # an issue of this plan whose identity could not be read may be this one: never create it blindly
            changes.held.append((issue, lookalikes[issue.summary]))
        elif current is None:
            changes.creates.append(issue)
        elif current.status_category == "done":
            changes.done.append(issue)  # history: never edited
        else:
            digests = issue.digests()
            changed = [name for name in TRACKED_FIELDS if digests[name] != current.digests.get(name)]
            # an epic created by this run (None here) also means the relation must be written after it exists
            if issue.epic is not None and (key_of.get(issue.epic) is None or current.epic_key != key_of[issue.epic]):
                changed.append("epic")
            if changed:
                changes.updates.append(Update(desired=issue, remote=current, fields=tuple(changed)))
            else:
                changes.unchanged.append(issue)


def _link_changes(changes: ChangeSet, desired: list[DesiredIssue]) -> None:
    key_of = {ident: r.key for ident, r in changes.existing.items()}
    held = {d.identity for d, _ in changes.held}
    for issue in desired:
        current = changes.existing.get(issue.identity)
        if issue.identity in held or (current is not None and current.status_category == "done"):
            continue
        for blocker in issue.blockers:
            blocker_key = key_of.get(blocker)
            if blocker not in held and (current is None or blocker_key is None or blocker_key not in current.blockers):
                changes.links.append((blocker, issue.identity))


def _sprint_changes(changes: ChangeSet, desired: list[DesiredIssue], sprints: list[SprintSpec],
                    board_sprints: list[RemoteSprint]) -> None:
    held = {d.identity for d, _ in changes.held}
    by_name = {s.name: s for s in board_sprints if s.state != "closed"}
    used = {d.sprint for d in desired if d.sprint}
    changes.sprints_to_create = [s for s in sprints if s.name in used and s.name not in by_name]
    changes.sprint_dates = [(by_name[s.name], s) for s in sprints if s.name in used and s.name in by_name
                            and by_name[s.name].state == "future" and not by_name[s.name].dated(s)]
    active = next((s.id for s in board_sprints if s.state == "active"), None)
    for issue in desired:
        if not issue.sprint or issue.identity in held:
            continue
        current = changes.existing.get(issue.identity)
        target = by_name.get(issue.sprint)
        now_in = {sid for sid, _ in current.sprints} if current is not None else set()
        if target is not None and target.id in now_in:
            continue
        if active is not None and active in now_in:
            changes.leaving_active.append(issue.identity)
        changes.assignments.setdefault(issue.sprint, []).append(issue.identity)
    # in the plan's sprint order (Sprint 1, 2, ... 10), not in the order the stories happen to come in
    position = {s.name: i for i, s in enumerate(sprints)}
    changes.assignments = dict(sorted(changes.assignments.items(),
                                      key=lambda item: position.get(item[0], len(position))))
