"""The pydantic models every stage passes along, one module per stage: profile, backlog, team, plan.

Profiles and teams are what users write (unknown fields are errors); Backlog and Plan are what sprintgen derives.
Everything is re-exported here, so `from sprintgen.model import Plan` works whatever module a model lives in.
"""

from sprintgen.model.backlog import Backlog, BacklogEpic, BacklogStory
from sprintgen.model.common import KEY_PATTERN, MAX_SPRINTS, Estimate, Strict, format_points, on_scale
from sprintgen.model.forecast import DatePercentiles, EpicForecast, Forecast, Percentiles, RollUp
from sprintgen.model.plan import Finding, Plan, PlannedEpic, PlannedSprint, PlannedStory, TeamSummary
from sprintgen.model.profile import Epic, Parameter, Profile, Risk, Story
from sprintgen.model.team import DEFAULT_TEAM_NAME, Member, SprintOverride, SprintSettings, Team, next_monday

__all__ = [
    "DEFAULT_TEAM_NAME", "KEY_PATTERN", "MAX_SPRINTS", "Backlog", "BacklogEpic", "BacklogStory", "DatePercentiles",
    "Epic", "EpicForecast", "Estimate", "Forecast", "Finding", "Member", "Parameter", "Percentiles", "Plan",
    "PlannedEpic", "PlannedSprint", "PlannedStory", "Profile", "Risk", "RollUp", "SprintOverride", "SprintSettings",
    "Story", "Strict", "Team", "TeamSummary", "format_points", "next_monday", "on_scale",
]
