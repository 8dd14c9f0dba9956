"""The status report: figures from the progress, the re-plan of what is left, and its re-forecast.

The re-forecast is the plan's own Monte Carlo forecast (`sprintgen.forecast.montecarlo.run_forecast`) run on the
remaining work (`remaining`), packed in the re-plan's order. Velocity is bootstrapped from the closed sprints once
MIN_OBSERVED_SPRINTS are closed; before that the team file's velocity model is used, and the report says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sprintgen.forecast.montecarlo import ForecastSettings, run_forecast
from sprintgen.model import Plan, Team
from sprintgen.scheduling.schedule import make_plan
from sprintgen.capacity import Capacities, holiday_sprint, sprint_dates
from sprintgen.tracking import figures
from sprintgen.model.status import BurnUpPoint, Commitment, Reforecast, StatusReport
from sprintgen.model.progress import Progress
from sprintgen.tracking.remaining import Remaining, remaining_backlog, remaining_team

#: Closed sprints needed before the forecast trusts the observed velocities over the team file.
MIN_OBSERVED_SPRINTS = 3
CONFIDENCE = 85


def build_status(plan: Plan, team: Team, progress: Progress, *, settings: Optional[ForecastSettings] = None,
                 sprint_prefix: str = "", commitment: Optional[dt.date] = None) -> tuple[StatusReport, Plan]:
    """The status report and the re-plan of the remaining work (with its forecast)."""
    matched = figures.match(plan, progress, sprint_prefix)
    capacities = Capacities(team)
    velocity = figures.velocities(plan, matched, capacities)
    closed = len(velocity)
    observed = [v.completed_points for v in velocity]
    basis, note = _velocity_basis(observed, team)
    done_now = figures.done_outside_closed(plan, matched)
    backlog, unestimated = remaining_backlog(plan, matched.stories, matched.added, closed)
    remaining = Remaining(backlog, remaining_team(team, closed, done_now, observed if basis == "observed" else None),
                          closed, unestimated)
    replan = replan_of(remaining)
    replan.forecast = run_forecast(remaining.backlog, remaining.team, settings or ForecastSettings(), plan=replan)

    groups = figures.epic_groups(plan, matched)
    last = {e.key: e.last_sprint for e in replan.epics}
    for entry in groups:
        entry.replanned_last_sprint = last.get(entry.key) if entry.remaining_stories else None
    milestones = figures.milestone_groups(plan, matched)
    replanned = {s.key: s.sprint for s in replan.stories if s.sprint is not None}
    for entry, milestone in zip(milestones, plan.milestones):
        left = [replanned[k] for k in milestone.stories if k in replanned]
        entry.replanned_last_sprint = max(left) if entry.remaining_stories and left else None
    total = figures.total(groups)
    total.planned_last_sprint = max((s.sprint for s in plan.stories if s.sprint is not None), default=None)
    total.replanned_last_sprint = max((s.number for s in replan.sprints if s.stories), default=None)
    scope = figures.scope_change(plan, matched)
    reforecast = _reforecast(plan, team, replan, remaining, basis, note, observed, done_now, commitment)
    report = StatusReport(
        profile={k: plan.profile.get(k) for k in ("id", "name")}, source=progress.source, tracker=progress.tracker,
        closed_sprints=closed, current_sprint=closed + 1, done_in_current_sprint=done_now, total=total,
        epics=groups, milestones=milestones, velocity=velocity, scope=scope, slipped=figures.slipped(plan, matched),
        not_found=matched.missing, added=[i.model_dump(exclude_none=True) for i in matched.added],
        notes=_notes(progress, matched, plan, remaining, note), reforecast=reforecast,
    )
    report.burnup = burnup(report, matched.closed, progress)
    return report, replan


def replan_of(remaining: Remaining) -> Plan:
    """The deterministic plan of the remaining work; the closed sprints (empty, capacity 0) are left out."""
    replan = make_plan(remaining.backlog, remaining.team)
    replan.sprints = [s for s in replan.sprints if s.number > remaining.closed]
    return replan


def _velocity_basis(observed: list[float], team: Team) -> tuple[str, str]:
    listed = ", ".join(f"{v:g}" for v in observed)
    if len(observed) >= MIN_OBSERVED_SPRINTS and any(v > 0 for v in observed):
        return "observed", f"velocity drawn from the {len(observed)} closed sprints ({listed} points)"
    fallback = ("the team file's velocity history" if team.velocity_history
                else f"the team's capacity with ±{team.velocity_uncertainty:.0%} uncertainty")
    if len(observed) >= MIN_OBSERVED_SPRINTS:
        return "team", f"no points were completed in the {len(observed)} closed sprints: the forecast uses {fallback}"
    closed = f"{len(observed)} sprint{'s' if len(observed) != 1 else ''} closed" + (f" ({listed} points)"
                                                                                    if observed else "")
    return "team", (f"only {closed}: the forecast uses {fallback} until {MIN_OBSERVED_SPRINTS} sprints are closed")


def _reforecast(plan: Plan, team: Team, replan: Plan, remaining: Remaining, basis: str, note: str,
                observed: list[float], done_now: float, commitment: Optional[dt.date]) -> Reforecast:
    forecast = replan.forecast
    if remaining.backlog.stories and forecast is not None:
        sprints = {k: int(getattr(forecast.sprints, k)) for k in ("p50", "p85", "p95")}
    else:  # nothing left: it finished in the last sprint that saw work
        end = remaining.closed + (1 if done_now > 0 else 0)
        sprints = dict.fromkeys(("p50", "p85", "p95"), end)
    dates = {k: (sprint_dates(team, v)[1].isoformat() if v > 0 else None) for k, v in sprints.items()}
    level = f"p{CONFIDENCE}"
    if commitment is not None:
        previous = Commitment(sprint=holiday_sprint(team, commitment), date=commitment.isoformat())
    else:
        before = plan.forecast
        date = getattr(before.dates, level) if before is not None else None
        previous = Commitment(sprint=getattr(before.sprints, level) if before is not None else None,
                              date=date.isoformat() if date else None)
    result = Reforecast(velocity_basis=basis, velocity_note=note, observed_velocities=observed, sprints=sprints,
                        dates=dates, confidence=CONFIDENCE, previous=previous,
                        previous_source="--commitment" if commitment else "plan",
                        replan_sprints=max((s.number for s in replan.sprints if s.stories), default=remaining.closed),
                        forecast=forecast)
    if previous.sprint is not None and sprints.get(level):
        result.change_sprints = sprints[level] - previous.sprint
    if previous.date and dates.get(level):
        result.change_days = (dt.date.fromisoformat(dates[level]) - dt.date.fromisoformat(previous.date)).days
    return result


def _notes(progress: Progress, matched: figures.Matched, plan: Plan, remaining: Remaining, velocity_note: str
           ) -> list[str]:
    notes = [f"Forecast: {velocity_note}."]
    where = "Jira" if progress.tracker == "jira" else "the progress file"
    if matched.missing and not matched.stories:
        notes.append(f"None of the plan's {len(plan.stories)} stories is in {where}: "
                     + ("push the plan first (sprintgen push), with the same profile and parameters."
                        if progress.tracker == "jira" else "check that its keys are the plan's story keys "
                                                           "(e.g. " + plan.stories[0].key + ")."
                        if plan.stories else "."))
    elif matched.missing:
        what = "not pushed" if progress.tracker == "jira" else "not in the progress file"
        notes.append(f"{len(matched.missing)} of the plan's stories are {what}; they are counted as still to do: "
                     + ", ".join(matched.missing[:5]) + (" ..." if len(matched.missing) > 5 else "") + ".")
    if matched.added:
        notes.append(f"{len(matched.added)} issue(s) are not stories of the plan and are counted as added scope"
                     + (" (in Jira: they carry no sprintgen identity of this plan)" if progress.tracker == "jira"
                        else "") + ".")
    if remaining.unestimated:
        notes.append(f"{len(remaining.unestimated)} added issue(s) have no points and are left out of the forecast: "
                     + ", ".join(remaining.unestimated[:5]) + ".")
    unknown = [s.name for s in progress.sprints if s.state is None]
    if unknown:
        notes.append(f"{len(unknown)} sprint(s) have no state and are counted as not closed: "
                     + ", ".join(unknown[:5]) + ".")
    notes.append("The re-plan uses the team's capacity; the forecast uses the velocity above.")
    return notes


def burnup(report: StatusReport, closed_names: list[str], progress: Progress) -> list[BurnUpPoint]:
    """Done (per closed sprint), total scope and the forecast cone (straight lines from today's done points to the
    whole scope at the P50 / P85 / P95 finish), at the end of each sprint from 0 (the start) to the P95 finish."""
    closed = report.closed_sprints
    index = {name: k for k, name in enumerate(closed_names, start=1)}
    sprint_of = {i.key: i.sprint for i in progress.items}
    scope = report.scope
    deltas: dict[int, float] = {}

    def at(key: str) -> int:
        return min(index.get(sprint_of.get(key) or "", closed), closed)

    for key in scope.added:
        item = next(i for i in progress.items if i.key == key)
        deltas[at(key)] = deltas.get(at(key), 0.0) + (item.points or 0.0)
    for change in scope.reestimated:
        deltas[at(change.key)] = deltas.get(at(change.key), 0.0) + change.now - change.planned
    if scope.removed_points:
        deltas[closed] = deltas.get(closed, 0.0) - scope.removed_points  # dated today: trackers rarely say when
    done_now = report.total.done_points
    finish = report.reforecast.sprints
    end = max([closed + 1, report.reforecast.replan_sprints] + list(finish.values()))
    points: list[BurnUpPoint] = []
    done = 0.0
    level = scope.planned_points
    for k in range(0, end + 1):
        if 1 <= k <= closed:
            done += report.velocity[k - 1].completed_points
        level += deltas.get(k, 0.0) if k <= closed else 0.0
        current = round(level, 2) if k <= closed else scope.current_points

        def cone(p: str) -> float:
            if k < closed:
                return round(done, 2)
            span = finish[p] - closed
            share = 1.0 if span <= 0 else min(1.0, (k - closed) / span)
            return round(done_now + (scope.current_points - done_now) * share, 2)

        points.append(BurnUpPoint(sprint=k, done=round(done, 2) if k <= closed else None, scope=current,
                                  p50=cone("p50"), p85=cone("p85"), p95=cone("p95")))
    return points


__all__ = ["CONFIDENCE", "MIN_OBSERVED_SPRINTS", "build_status", "burnup", "replan_of"]
