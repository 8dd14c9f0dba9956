"""Text for the CLI: the preview of a push, the summary after it, and the offline dry run. Pure functions."""

from __future__ import annotations

from typing import Optional

from sprintgen.model import format_points
from sprintgen.tracker.changeset import SprintSpec
from sprintgen.tracker.desired import DesiredIssue
from sprintgen.tracker.session import PreparedPush
from sprintgen.tracker.sprints import board_sprint_name
from sprintgen.tracker.writer import PushResult

_KIND = {"epic": "epic", "story": "story", "subtask": "sub-task"}
_PLURAL = {"epic": "Epics", "story": "Stories", "subtask": "Sub-tasks"}


def render_preview(push: PreparedPush) -> str:
    """What a push will do: creates, updates, unchanged, removed, links, sprints, capacity."""
    conn, changes, options = push.connection, push.changes, push.options
    site = "Jira Cloud" if conn.cloud else "Jira Data Center / Server"
    style = "team-managed" if push.team_managed else "company-managed"
    lines = [f"Jira: {conn.base_url} ({site}, REST API v{conn.api_version}), project {options.project} ({style})"
             + (f", board {push.board.id}" + (f" '{push.board.name}'" if push.board.name else "") if push.board
                else ", no sprints")]
    points = f"'{push.fields.points_name}' ({push.fields.points})" if push.fields.points else "none"
    if push.fields.points_board:
        points += f", set through board {push.fields.points_board} (not on the Story screen)"
    relation = "parent" if push.fields.epic_relation == "parent" else f"Epic Link ({push.fields.epic_link})"
    lines.append(f"Plan: {push.profile}, label {push.label}; story points field {points}; epic relation {relation}")
    lines += _progress_lines(push)
    lines.append("")
    lines.append(f"Create: {len(changes.creates)}")
    lines += [_issue_line(d) for d in changes.creates]
    lines.append(f"Update: {len(changes.updates)}")
    lines += [f"  {u.remote.key:<10} {u.desired.plan_key:<32} {', '.join(u.fields)}" for u in changes.updates]
    lines.append(f"Unchanged: {len(changes.unchanged)}")
    if changes.done:
        lines.append(f"Done in Jira (history, not edited): {len(changes.done)}")
    if changes.removed:
        action = "deleted (--delete-removed)" if options.delete_removed else "kept; --delete-removed deletes them"
        lines.append(f"In Jira but no longer in the plan: {len(changes.removed)} ({action})")
        lines += [f"  {r.key:<10} {r.identity or '':<32} {r.summary}" for r in changes.removed]
    if changes.unidentified:
        lines.append(f"Carrying the label {push.label} but without a readable sprintgen identity (left alone): "
                     f"{', '.join(r.key for r in changes.unidentified)}")
    if changes.held:
        lines.append(f"Not created, because an issue without identity has the same summary: {len(changes.held)} "
                     "(delete that issue or remove its label if it is not this plan's, then push again)")
        lines += [f"  {d.plan_key:<32} looks like {r.key}" for d, r in changes.held]
    if changes.duplicates:
        lines.append(f"Duplicates left alone (same identity as an older issue): "
                     f"{', '.join(r.key for r in changes.duplicates)}")
    names = {d.identity: d.plan_key for d in push.desired}
    lines.append(f"Links to add ('blocks'): {len(changes.links)}")
    lines += [f"  {names.get(b, b)} blocks {names.get(d, d)}" for b, d in changes.links]
    if push.board is not None:
        lines.append(f"Sprints to create: {len(changes.sprints_to_create)}")
        lines += [f"  {s.name} ({s.start} to {s.end})" for s in changes.sprints_to_create]
        if changes.sprint_dates:
            lines.append(f"Sprint dates to update: {len(changes.sprint_dates)}")
            lines += [f"  {r.name} ({s.start} to {s.end})" for r, s in changes.sprint_dates]
        lines.append(f"Sprint assignments: {changes.assignment_count()}")
        lines += [f"  {name}: {len(ids)} issue(s)" for name, ids in changes.assignments.items()]
        if changes.leaving_active:
            active = push.progress.active.name if push.progress.active else "the active sprint"
            lines.append(f"Moving out of the active sprint {active}: {len(changes.leaving_active)} "
                         f"({', '.join(names.get(i, i) for i in changes.leaving_active)})")
        if push.loads:
            lines.append("Capacity (points):")
            lines += [f"  {load.describe()}" + ("  OVER CAPACITY" if load.over else "") + f" [{load.state}]"
                      for load in push.loads]
    lines.append("")
    lines.append(f"Writes needed: {push.write_count}")
    return "\n".join(lines) + "\n"


def _progress_lines(push: PreparedPush) -> list[str]:
    progress = push.progress
    if not progress.started:
        return []
    lines = ["Mid-project: " + (f"closed sprints {', '.join(progress.closed)} are history (never written)"
                                if progress.closed else "no closed sprint")]
    if progress.active is not None:
        lines.append(f"  active sprint {progress.active.name}: " + (
            "the re-plan may change it (--replan-active)" if progress.replan_active
            else "left as it is (--replan-active lets the re-plan change it)"))
    reasons: dict[str, int] = {}
    for why in progress.staying.values():
        reasons[why] = reasons.get(why, 0) + 1
    if reasons:
        lines.append("  staying where they are: " + ", ".join(f"{n} {why}" for why, n in reasons.items()))
    first = board_sprint_name(push.options.sprint_prefix, progress.shift + 1)
    lines.append(f"  the remaining work is planned from {first} on")
    return lines


def render_summary(push: PreparedPush, result: PushResult) -> str:
    """After the push: counts, the new issue keys, the board link."""
    names = {d.identity: d for d in push.desired}
    lines = [f"Pushed: {len(result.created)} created, {len(result.updated)} updated, {result.links} links, "
             f"{len(result.sprints_created)} sprints created, {result.assigned} sprint assignments"
             + (f", {len(result.sprints_redated)} sprints re-dated" if result.sprints_redated else "")
             + (f", {len(result.deleted)} deleted" if result.deleted else "")]
    for identity, key in result.created.items():
        desired = names.get(identity)
        label = f"{_KIND.get(desired.kind, '')} {desired.plan_key}: {desired.summary}" if desired else identity
        lines.append(f"  {key:<10} {label}")
    if result.updated:
        lines.append(f"Updated: {', '.join(result.updated)}")
    if result.deleted:
        lines.append(f"Deleted: {', '.join(result.deleted)}")
    url = push.board_url()
    if url:
        lines.append(f"Board: {url}")
    return "\n".join(lines) + "\n"


def render_offline(desired: list[DesiredIssue], specs: list[SprintSpec], project: Optional[str]) -> str:
    """--dry-run without a server: what a first push would create."""
    where = f" in project {project}" if project else ""
    lines = [f"Dry run without a Jira server (no --url / JIRA_URL): a first push would create{where}:", ""]
    for kind in ("epic", "story", "subtask"):
        items = [d for d in desired if d.kind == kind]
        if items:
            lines.append(f"{_PLURAL[kind]}: {len(items)}")
            lines += [_issue_line(d) for d in items]
    names = {d.identity: d.plan_key for d in desired}
    links = [(b, d.identity) for d in desired for b in d.blockers]
    lines.append(f"Links ('blocks'): {len(links)}")
    lines += [f"  {names.get(b, b)} blocks {names.get(d, d)}" for b, d in links]
    used = {d.sprint for d in desired if d.sprint}
    sprints = [s for s in specs if s.name in used]
    lines.append(f"Sprints: {len(sprints)}")
    for spec in sprints:
        load = sum(d.points or 0 for d in desired if d.sprint == spec.name)
        lines.append(f"  {spec.name} ({spec.start} to {spec.end}): {format_points(load)} of "
                     f"{format_points(spec.capacity)} points")
    return "\n".join(lines) + "\n"


def _issue_line(issue: DesiredIssue) -> str:
    extra = []
    if issue.points is not None:
        extra.append(f"{format_points(issue.points)} pts")
    if issue.sprint:
        extra.append(issue.sprint)
    suffix = f"  [{', '.join(extra)}]" if extra else ""
    return f"  {_KIND[issue.kind]:<8} {issue.plan_key:<32} {issue.summary}{suffix}"
