"""Shared inputs of the `sprintgen status` tests: small profiles, progress files, and running status."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sprintgen.pipeline import PlanRequest, plan_and_team
from sprintgen.model.progress import ItemProgress, Progress, SprintProgress
from sprintgen.tracking.report import build_status

START = "2027-01-04"

def even_profile(tmp_path: Path, low: float = 5, high: float = 5, per_epic: int = 5) -> Path:
    """Two epics of `per_epic` stories estimated LOW-5-HIGH (5 exactly by default: zero spread); b.s1 waits for
    a.s2. At velocity 10 the default plan takes two stories a sprint: five sprints."""
    lines = ["id: even", "name: Even", "epics:"]
    for epic, title in (("a", "Alpha"), ("b", "Beta")):
        lines += [f"  - key: {epic}", f"    title: {title}", "    stories:"]
        for n in range(1, per_epic + 1):
            depends = ", depends_on: [a.s2]" if (epic, n) == ("b", 1) else ""
            lines.append(f"      - {{key: s{n}, title: Story {epic}{n}, "
                         f"estimate: {{low: {low}, likely: 5, high: {high}}}{depends}}}")
    path = tmp_path / "even.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def plan_for(profile: Path, velocity: float = 10, **overrides: Any):
    """The plan and team `status` compares against (fixed start, so dates do not depend on today)."""
    request = PlanRequest(profile=str(profile), team_overrides={"velocity": velocity,
                                                                "start": dt.date.fromisoformat(START), **overrides})
    return plan_and_team(request)


def sprints_done(plan, closed: int, points: float | None = None) -> Progress:
    """Progress where every story the plan put in sprints 1..closed is done in its sprint (optionally re-estimated
    to `points`), sprints 1..closed are closed and the next one is active; the rest is to do."""
    items = []
    for story in plan.stories:
        done = story.sprint <= closed
        items.append(ItemProgress(key=story.key, status="done" if done else "todo",
                                  points=(points if points is not None and done else story.estimate.likely),
                                  sprint=f"Sprint {story.sprint}" if story.sprint <= closed + 1 else None))
    sprints = [SprintProgress(name=f"Sprint {n}", state="closed" if n <= closed else "active" if n == closed + 1
                              else "future") for n in range(1, len(plan.sprints) + 1)]
    return Progress(source="test", items=items, sprints=sprints)


def status_of(plan, team, progress, **options):
    """The status report and the re-plan."""
    return build_status(plan, team, progress, **options)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A progress CSV from rows (columns from the first row)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def status_json(result) -> dict[str, Any]:
    """The JSON a `status --format json` run printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
