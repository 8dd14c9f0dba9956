"""The pydantic models every stage passes along, one module per stage: profile, backlog, team, plan.

Profiles and teams are what users write (unknown fields are errors); Backlog and Plan are what sprintgen derives.
Everything is re-exported here, so `from sprintgen.model import Plan` works whatever module a model lives in.
"""

from sprintgen.model.backlog import Backlog, BacklogEpic, BacklogMilestone, BacklogStory
from sprintgen.model.common import (EPS, KEY_PATTERN, MAX_SPRINTS, Estimate, Strict, format_points, on_scale,
                                    round_points)
from sprintgen.model.forecast import (DatePercentiles, EpicForecast, Forecast, MilestoneFinish, MilestoneForecast,
                                      Percentiles, RollUp)
from sprintgen.model.plan import (Finding, Plan, PlannedEpic, PlannedMilestone, PlannedSprint, PlannedStory,
                                  TeamSummary)
from sprintgen.model.profile import DoneItem, Epic, EpicFile, Milestone, Parameter, Profile, Risk, Story
from sprintgen.model.progress import ItemProgress, Progress, SprintProgress
from sprintgen.model.status import StatusReport
from sprintgen.model.team import DEFAULT_TEAM_NAME, Member, SprintOverride, SprintSettings, Team, next_monday

__all__ = [
    "DEFAULT_TEAM_NAME", "EPS", "KEY_PATTERN", "MAX_SPRINTS", "Backlog", "BacklogEpic", "BacklogMilestone",
    "BacklogStory", "DatePercentiles", "DoneItem", "Epic", "EpicFile", "EpicForecast", "Estimate", "Forecast",
    "Finding", "ItemProgress", "Member", "Milestone", "MilestoneFinish", "MilestoneForecast", "Parameter",
    "Percentiles", "Plan", "PlannedEpic", "PlannedMilestone", "PlannedSprint", "PlannedStory", "Profile", "Progress",
    "Risk", "RollUp", "SprintOverride", "SprintProgress", "SprintSettings", "StatusReport", "Story", "Strict", "Team",
    "TeamSummary", "format_points", "next_monday", "on_scale", "round_points",
]
