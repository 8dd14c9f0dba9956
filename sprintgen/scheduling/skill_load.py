"""The one rule for skill load: what a sprint asks of each skill against what the members holding it can carry.

A story needing several skills puts an equal share of its likely points on each (the work is shared out); a skill
nobody holds is not counted here (it is reported once as `skill-missing`). Both the `skill-overload` check and the
balancing pass use this class, so the balancer relieves exactly the overload the check reports.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from sprintgen.capacity import member_capacity
from sprintgen.model import BacklogStory, Team


class SkillLoads:
    """Per sprint: the points needing each skill, against what the members holding it can carry there."""

    def __init__(self, team: Team, stories: Mapping[str, BacklogStory]) -> None:
        self.holders: dict[str, list] = {}
        for member in team.members:
            for skill in member.skills:
                self.holders.setdefault(skill, []).append(member)
        self.team = team
        self.stories = stories
        self._carry: dict[tuple[str, int], float] = {}

    def shares(self, key: str) -> dict[str, float]:
        """The points a story puts on each skill someone holds."""
        story = self.stories[key]
        if not story.skills:
            return {}
        share = story.estimate.likely / len(story.skills)
        return {skill: share for skill in story.skills if skill in self.holders}

    def carry(self, skill: str, sprint: int) -> float:
        """What the holders of `skill` can carry in `sprint`."""
        if (skill, sprint) not in self._carry:
            self._carry[(skill, sprint)] = sum(member_capacity(self.team, m, sprint) for m in self.holders[skill])
        return self._carry[(skill, sprint)]

    def load(self, keys: Iterable[str]) -> dict[str, float]:
        """The points per skill of a set of stories (one sprint's)."""
        total: dict[str, float] = {}
        for key in keys:
            for skill, points in self.shares(key).items():
                total[skill] = total.get(skill, 0.0) + points
        return total

    def overload(self, skill: str, points: float, sprint: int) -> float:
        """How far `points` of a skill exceed what its holders carry in the sprint (0 when they fit)."""
        return max(0.0, points - self.carry(skill, sprint))
