"""`sprintgen compare`: the same team planned on several profiles, side by side, as a decision table.

Each profile is planned with `planner.build_plan`. Sprints and dates come from the Monte Carlo forecast (P50 and
P85) when the plan has one, else from the deterministic plan (and the table says so).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from sprintgen.errors import InputError
from sprintgen.exporters.text import cell
from sprintgen.model import DEFAULT_TEAM_NAME, Plan, format_points
from sprintgen.profiles.parameters import parse_assignments, value_text

DEFAULT_PROFILES = ("rag", "fine-tuning", "hybrid")
TOP_RISKS = 3

#: A story counts as governance work when it needs the `security` skill or its key, title or epic says so.
GOVERNANCE_PATTERN = re.compile(
    r"govern|complian|audit|retention|deletion|privacy|\bpii\b|gdpr|hipaa|access[ -]?control|lineage|consent|"
    r"redact|release[ -]gate|rollback",
    re.IGNORECASE,
)


@dataclass
class Column:
    """One profile's figures for the team."""

    profile: str
    name: str
    parameters: dict[str, Any]
    stories: int
    epics: int
    estimate: dict[str, float]  # low, likely, high (story points)
    sprints_source: str  # "forecast" or "plan"
    sprints_p50: Optional[int]
    sprints_p85: Optional[int]
    date_p50: Optional[str]
    date_p85: Optional[str]
    lower_bound_sprints: int
    skills: dict[str, float]  # skill -> likely points needing it
    skills_missing: Optional[list[str]]  # None when the team lists no members (unknown)
    risks: list[str]
    governance_stories: list[str]
    governance_points: float
    warnings: int


@dataclass
class Comparison:
    """The decision table: one column per profile, plus what stands out."""

    team: str
    velocity: float  # an ordinary sprint's capacity in the plans (the same source the scheduler used)
    columns: list[Column]
    highlights: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--format json`."""
        return asdict(self)


def split_params(profiles: list[str], params: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Give each profile the `--param` values it declares; a parameter no profile declares is an error."""
    from sprintgen.profiles.merge import load_merged

    given = parse_assignments(params)
    declared = {p: set(load_merged(p).profile.parameters) for p in profiles}
    for name in given:
        if not any(name in names for names in declared.values()):
            known = sorted(set().union(*declared.values()))
            raise InputError(f"no compared profile has a parameter '{name}'", where="--param",
                             hint="parameters: " + (", ".join(known) or "none"))
    return {p: tuple(f"{k}={v}" for k, v in given.items() if k in declared[p]) for p in profiles}


def compare(profiles: list[str], params: tuple[str, ...] = (), team_file: str | None = None,
            team_overrides: dict[str, Any] | None = None) -> Comparison:
    """Plan every profile for the same team and collect the decision table."""
    from sprintgen.pipeline import PlanRequest, build_plan

    profiles = list(dict.fromkeys(profiles or DEFAULT_PROFILES))  # keep order, drop repeats
    per_profile = split_params(profiles, params)
    plans = [build_plan(PlanRequest(profile=p, params=per_profile[p], team_file=team_file,
                                    team_overrides=dict(team_overrides or {}))) for p in profiles]
    columns = [column_for(ref, plan) for ref, plan in zip(profiles, plans)]
    first = plans[0].team
    result = Comparison(team=first.name, velocity=first.capacity_per_sprint, columns=columns)
    if any(c.sprints_source == "plan" for c in columns):
        result.notes.append("no forecast for some profiles: their sprints and dates come from the deterministic "
                            "plan (one figure, no percentiles)")
    result.highlights = _highlights(columns)
    return result


def column_for(ref: str, plan: Plan) -> Column:
    """One profile's column from its plan."""
    forecast = plan.forecast
    if forecast is not None:
        source = "forecast"
        s50, s85 = forecast.sprints.p50, forecast.sprints.p85
        d50, d85 = _date(forecast.dates.p50), _date(forecast.dates.p85)
    else:
        source = "plan"
        used = [s.sprint for s in plan.stories if s.sprint is not None]
        s50 = s85 = max(used, default=0)
        end = next((sp.end for sp in plan.sprints if sp.number == s50), plan.end_date)
        d50 = d85 = _date(end)
    skills: dict[str, float] = {}
    for story in plan.stories:
        for skill in story.skills:
            skills[skill] = skills.get(skill, 0) + story.estimate.likely
    held = {skill for member in plan.team.members for skill in member.skills}
    missing = sorted(s for s in skills if s not in held) if plan.team.members else None
    risks = sorted(plan.risks, key=lambda r: -(r.probability * (r.impact.likely if r.impact else 1)))
    governance = [s for s in plan.stories if _is_governance(s)]
    return Column(
        profile=plan.profile.get("id", ref), name=str(plan.profile.get("name", ref)),
        parameters=dict(plan.profile.get("parameters") or {}),
        stories=len(plan.stories), epics=len(plan.epics),
        estimate={"low": plan.total_estimate.low, "likely": plan.total_estimate.likely,
                  "high": plan.total_estimate.high},
        sprints_source=source, sprints_p50=s50, sprints_p85=s85, date_p50=d50, date_p85=d85,
        lower_bound_sprints=plan.lower_bound_sprints,
        skills=dict(sorted(skills.items(), key=lambda kv: -kv[1])), skills_missing=missing,
        risks=[r.title for r in risks[:TOP_RISKS]],
        governance_stories=[s.title for s in governance],
        governance_points=round(sum(s.estimate.likely for s in governance), 4),
        warnings=sum(1 for f in plan.findings if f.level in ("warning", "error")),
    )


def _is_governance(story) -> bool:
    if "security" in story.skills:
        return True
    return bool(GOVERNANCE_PATTERN.search(" ".join([story.key, story.epic, story.title])))


def _date(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _highlights(columns: list[Column]) -> list[str]:
    if len(columns) < 2:
        return []
    out = []
    fastest = min(columns, key=lambda c: (c.sprints_p85 or 0, c.estimate["likely"]))
    out.append(f"fastest at P85: {fastest.profile} ({fastest.sprints_p85} sprints, by {fastest.date_p85})")
    smallest = min(columns, key=lambda c: c.estimate["likely"])
    out.append(f"least work: {smallest.profile} ({format_points(smallest.estimate['likely'])} points likely)")
    if all(c.skills_missing is not None for c in columns):
        fewest = min(len(c.skills_missing or []) for c in columns)
        readiest = [c for c in columns if len(c.skills_missing or []) == fewest]
        if len(readiest) == 1:
            gap = ", ".join(readiest[0].skills_missing or []) or "none"
            out.append(f"best fit for the team's skills: {readiest[0].profile} (missing: {gap})")
        else:  # a tie: the estimate is no measure of skill fit, so no profile is named
            tied = ", ".join(c.profile for c in readiest)
            if fewest == 0:
                out.append(f"no best fit for the team's skills: the team has every skill {tied} need")
            else:
                out.append(f"no best fit for the team's skills: {tied} each lack "
                           f"{fewest} skill{'s' if fewest != 1 else ''}")
    lightest = min(columns, key=lambda c: c.governance_points)
    out.append(f"least governance work: {lightest.profile} ({format_points(lightest.governance_points)} points)")
    return out


# --- Markdown -------------------------------------------------------------------------------------------------------

def _range(c: Column) -> str:
    e = c.estimate
    return f"{format_points(e['low'])}-{format_points(e['high'])} (likely {format_points(e['likely'])})"


def _sprints(c: Column) -> str:
    if c.sprints_source == "plan":
        return f"{c.sprints_p50} (plan)"
    return f"{c.sprints_p50} / {c.sprints_p85}"


def _dates(c: Column) -> str:
    if c.sprints_source == "plan":
        return f"{c.date_p50} (plan)"
    return f"{c.date_p50} / {c.date_p85}"


def _params(c: Column) -> str:
    return "; ".join(f"{k}={value_text(v)}" for k, v in c.parameters.items()) or "-"


def render_markdown(comparison: Comparison) -> str:
    """The decision table as GitHub-flavoured Markdown."""
    cols = comparison.columns
    rows: list[tuple[str, list[str]]] = [
        ("name", [c.name for c in cols]),
        ("parameters", [_params(c) for c in cols]),
        ("stories (epics)", [f"{c.stories} ({c.epics})" for c in cols]),
        ("total estimate, points", [_range(c) for c in cols]),
        ("sprints P50 / P85", [_sprints(c) for c in cols]),
        ("finish P50 / P85", [_dates(c) for c in cols]),
        ("lower bound, sprints", [str(c.lower_bound_sprints) for c in cols]),
        ("skills needed (likely points)",
         [", ".join(f"{k} {format_points(round(v, 1))}" for k, v in c.skills.items()) or "-" for c in cols]),
        ("skills the team lacks",
         [("unknown: no members in the team file" if c.skills_missing is None
           else ", ".join(c.skills_missing) or "none") for c in cols]),
        ("main risks", ["; ".join(c.risks) or "-" for c in cols]),
        ("governance work",
         [f"{len(c.governance_stories)} stories, {format_points(c.governance_points)} points"
          + (": " + "; ".join(c.governance_stories[:3]) + ("; ..." if len(c.governance_stories) > 3 else "")
             if c.governance_stories else "") for c in cols]),
        ("plan warnings", [str(c.warnings) for c in cols]),
    ]
    who = "your team" if comparison.team == DEFAULT_TEAM_NAME else f"team {cell(comparison.team)}"
    lines = [f"# Comparing {', '.join(c.profile for c in cols)}", "",
             f"For {who} at {format_points(comparison.velocity)} points per sprint.", ""]
    lines.append("| | " + " | ".join(f"**{cell(c.profile)}**" for c in cols) + " |")
    lines.append("|---|" + "---|" * len(cols))
    for label, values in rows:
        lines.append(f"| {label} | " + " | ".join(cell(v) for v in values) + " |")
    if comparison.highlights:
        lines += ["", "## What stands out", ""] + [f"- {cell(h)}" for h in comparison.highlights]
    if comparison.notes:
        lines += ["", "## Notes", ""] + [f"- {cell(n)}" for n in comparison.notes]
    lines += ["", "Sprints and dates are the forecast's P50 and P85 (50% and 85% of simulated outcomes finish by "
              "then); estimates are story-point ranges. Plan one in detail with "
              "`sprintgen plan --profile ID`.", ""]
    return "\n".join(lines)
