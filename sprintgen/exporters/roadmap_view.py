"""What the roadmap shows at a glance, computed once from the plan as plain data for the template (and the terminal
summary): the commitment, the most important findings, load per sprint, per-skill overloads per sprint, and the
Definition of Done split into the layers it is written in (team, epic, story) so each list is printed once.
"""

from __future__ import annotations

from typing import Any

from sprintgen.model import Plan, format_points, on_scale

#: Above this many stories the Sprints table summarises each sprint and points to the CSV/JSON for the detail.
LARGE_PLAN_STORIES = 150
TOP_FINDINGS = 3
_LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}
_SPARKS = "▁▂▃▄▅▆▇█"


def top_findings(plan: Plan, count: int = TOP_FINDINGS) -> list[Any]:
    """The most important findings: errors, then warnings, then infos, each in the order the checks gave them."""
    ranked = sorted(enumerate(plan.findings), key=lambda item: (_LEVEL_RANK.get(item[1].level, 3), item[0]))
    return [finding for _, finding in ranked[:count]]


def fill(load: float, capacity: float) -> float:
    """How full a sprint is, as a fraction (0 when it has no capacity and no load, infinite when only load)."""
    if capacity <= 0:
        return 0.0 if load <= 0 else float("inf")
    return load / capacity


def sparkline(plan: Plan) -> str:
    """One block character per sprint, as high as the sprint is full ('█' at 100% and above)."""
    return "".join(_SPARKS[min(len(_SPARKS) - 1, round(min(fill(s.load, s.capacity), 1.0) * (len(_SPARKS) - 1)))]
                   for s in plan.sprints)


def skill_overloads(plan: Plan) -> dict[int, list[dict[str, Any]]]:
    """Sprint number -> the skills overloaded in it: {skill, need, carry, percent} (from skill-overload findings)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for finding in plan.findings:
        if finding.code != "skill-overload" or finding.sprint is None or finding.skill is None:
            continue
        carry = finding.carry or 0.0
        percent = round(100 * (finding.need or 0.0) / carry) if carry > 0 else None
        out.setdefault(finding.sprint, []).append(
            {"skill": finding.skill, "need": finding.need, "carry": carry, "percent": percent})
    return out


def load_summary(plan: Plan) -> str:
    """'fullest: sprint 4 at 99%; over capacity: sprints 5, 6' in words, for the at-a-glance table."""
    if not plan.sprints:
        return "no sprints"
    fullest = max(plan.sprints, key=lambda s: (fill(s.load, s.capacity), -s.number))
    ratio = fill(fullest.load, fullest.capacity)
    parts = [f"fullest: sprint {fullest.number} at {_percent(ratio)}"]
    over = [s.number for s in plan.sprints if fill(s.load, s.capacity) > 1 + 1e-9]
    if over:
        parts.append("over capacity: " + ("sprint " if len(over) == 1 else "sprints ") + ", ".join(map(str, over)))
    overloaded = sorted(skill_overloads(plan))
    if overloaded:
        parts.append("a skill overloaded in " + ("sprint " if len(overloaded) == 1 else "sprints ")
                     + ", ".join(map(str, overloaded)))
    return "; ".join(parts)


def _percent(ratio: float) -> str:
    return "no capacity" if ratio == float("inf") else f"{round(ratio * 100)}%"


def sprint_rows(plan: Plan) -> list[dict[str, Any]]:
    """Per sprint: number, dates, capacity, load, its stories (key, title, points, epic) and overloaded skills."""
    by_key = {s.key: s for s in plan.stories}
    overloads = skill_overloads(plan)
    same_year = len({d.year for s in plan.sprints for d in (s.start, s.end)}) <= 1
    rows = []
    for sprint in plan.sprints:
        stories = [{"key": k, "title": by_key[k].title,
                    "points": format_points(on_scale(by_key[k].estimate.likely, plan.team.points_scale)),
                    "epic": by_key[k].epic} for k in sprint.stories if k in by_key]
        epics = list(dict.fromkeys(s["epic"] for s in stories))
        rows.append({"number": sprint.number, "start": sprint.start, "end": sprint.end,
                     "dates": short_dates(sprint.start, sprint.end, same_year), "capacity": sprint.capacity,
                     "load": sprint.load, "stories": stories, "epics": epics,
                     "overloads": overloads.get(sprint.number, [])})
    return rows


def short_dates(start: Any, end: Any, same_year: bool) -> str:
    """'4-17 Jan', '29 Mar-11 Apr', or with years when the plan spans more than one ('29 Dec 2027-11 Jan 2028')."""
    if not same_year:
        return f"{start.day} {start:%b %Y}–{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b}–{end.day} {end:%b}"


def plan_year(plan: Plan) -> str:
    """The year of the plan's sprints ('2027'), or '' when they span several years (each date then carries its own)."""
    years = sorted({d.year for s in plan.sprints for d in (s.start, s.end)})
    return str(years[0]) if len(years) == 1 else ""


def dod_layers(plan: Plan) -> dict[str, Any]:
    """The Definition of Done in layers, so each item is printed once: what every story of a kind has (`kinds`: one
    entry, kind None, when stories have no kinds), what every story of an epic has besides (`epics`), and what is
    left for each story (`stories`); `kind_of` maps a story to its kind.

    Layers are read from the stories' own lists, not from where the profile wrote them, so a story's list is exactly
    the union of its layers whatever the profile did (items for some kinds of story only, items a story adds).
    """
    lists = {s.key: list(dict.fromkeys(s.definition_of_done)) for s in plan.stories}
    kind_of = {s.key: getattr(s, "kind", None) for s in plan.stories}
    kinds = list(dict.fromkeys(kind_of.values()))
    by_kind = {kind: _common([lists[k] for k in lists if kind_of[k] == kind]) for kind in kinds}
    beyond = {k: [item for item in items if item not in by_kind[kind_of[k]]] for k, items in lists.items()}
    epics = {e.key: _common([beyond[k] for k in e.stories if k in beyond]) for e in plan.epics}
    epic_of = {s.key: s.epic for s in plan.stories}
    stories = {k: [item for item in items if item not in epics.get(epic_of[k], [])] for k, items in beyond.items()}
    return {"kinds": [{"kind": kind, "entries": by_kind[kind]} for kind in kinds if by_kind[kind]],
            "kind_of": kind_of, "epics": epics, "stories": stories}


def _common(lists: list[list[str]]) -> list[str]:
    """The items every list has, in the order of the first."""
    if not lists:
        return []
    shared = set(lists[0]).intersection(*map(set, lists[1:]))
    return [item for item in lists[0] if item in shared]


def glance(plan: Plan) -> dict[str, Any]:
    """Everything the top of the roadmap states, as plain data."""
    used = [s.sprint for s in plan.stories if s.sprint is not None]
    return {
        "commitment": plan.commitment,
        "plan_probability": plan.plan_probability,
        "plan_sprints": max(used, default=0),
        "top_findings": top_findings(plan),
        "more_findings": max(len(plan.findings) - TOP_FINDINGS, 0),
        "sparkline": sparkline(plan),
        "load_summary": load_summary(plan),
        "large": len(plan.stories) > LARGE_PLAN_STORIES,
        "year": plan_year(plan),
    }
