"""Spreading skill-heavy work across sprints: a plan is only one a team can commit to if, in each sprint, the
members who hold a skill can carry the work that needs it.

The scheduler minimises sprints under the team's total capacity. This pass then moves (or swaps) stories between
the sprints of that plan to reduce skill overload, never adding a sprint, never overfilling one and never breaking
a dependency or a pin. What it cannot fix is still reported by the `skill-overload` check. Deterministic: moves are
tried in a fixed order (overloaded sprints first to last, stories by priority, nearest sprints first), and
the work is bounded by a count of evaluations.
"""

from __future__ import annotations

from typing import Callable, Optional

from sprintgen.capacity import Capacities
from sprintgen.model import EPS, BacklogStory, Team
from sprintgen.scheduling.skill_load import SkillLoads

#: Moves and swaps examined at most (a count, not a time, so plans are the same on any machine).
MAX_EVALUATIONS = 100_000

Points = dict[str, float]  # points per skill


def balance_skills(sprint_of: dict[str, Optional[int]], stories: dict[str, BacklogStory],
                   preds: dict[str, list[str]], succs: dict[str, list[str]], team: Team,
                   capacities: Capacities | Callable[[int], float], sequential: bool, rank: dict[str, int]
                   ) -> dict[str, Optional[int]]:
    """A copy of `sprint_of` with stories moved or swapped between its sprints to reduce skill overload."""
    loads = SkillLoads(team, stories)
    if not loads.holders:
        return dict(sprint_of)
    return SkillBalancer(sprint_of, stories, loads, preds, succs, capacities, sequential, rank).run()


class SkillBalancer:
    """The state of one balancing pass: where each story is, each sprint's load and skill loads, the budget."""

    def __init__(self, sprint_of: dict[str, Optional[int]], stories: dict[str, BacklogStory], loads: SkillLoads,
                 preds: dict[str, list[str]], succs: dict[str, list[str]],
                 capacities: Capacities | Callable[[int], float], sequential: bool, rank: dict[str, int]) -> None:
        self.loads = loads
        self.stories = stories
        self.preds, self.succs = preds, succs
        self.capacities = capacities
        self.gap = 1 if sequential else 0
        self.rank = rank
        self.plan = dict(sprint_of)
        self.count = max((s for s in self.plan.values() if s is not None), default=0)
        self.size = {k: stories[k].estimate.likely for k in self.plan}
        self.share = {k: loads.shares(k) for k in self.plan}
        self.load = {n: 0.0 for n in range(1, self.count + 1)}
        self.skill_load: dict[int, Points] = {n: {} for n in range(1, self.count + 1)}
        self.by_sprint: dict[int, set[str]] = {n: set() for n in range(1, self.count + 1)}
        for key, sprint in self.plan.items():
            if sprint is None:
                continue
            self.load[sprint] += self.size[key]
            self.by_sprint[sprint].add(key)
            for skill, points in self.share[key].items():
                self.skill_load[sprint][skill] = self.skill_load[sprint].get(skill, 0.0) + points
        # pinned stories stay; stories needing no held skill cannot relieve anything
        self.movable = {k for k in self.plan if self.plan[k] is not None and stories[k].sprint is None
                        and self.share[k]}
        self.budget = MAX_EVALUATIONS

    def run(self) -> dict[str, Optional[int]]:
        """Overloaded sprints first to last, their stories by priority: apply the first move or swap that helps,
        until a whole round changes nothing or the budget is spent."""
        improved = True
        while improved and self.budget > 0:
            improved = False
            for sprint in range(1, self.count + 1):
                for key in sorted(self.by_sprint[sprint] & self.movable, key=self.rank.__getitem__):
                    if self.budget <= 0 or self.over(sprint, {}) <= EPS:
                        break
                    if self.plan[key] == sprint and self.relieve(key, sprint):
                        improved = True
        return self.plan

    def over(self, sprint: int, change: Points) -> float:
        """Skill overload of a sprint after adding `change` (points per skill)."""
        total = 0.0
        for skill in set(self.skill_load[sprint]) | set(change):
            value = self.skill_load[sprint].get(skill, 0.0) + change.get(skill, 0.0)
            total += self.loads.overload(skill, value, sprint)
        return total

    def window(self, key: str) -> tuple[int, int]:
        """The sprints a story may move to without breaking a dependency."""
        plan = self.plan
        low = max([plan[p] + self.gap for p in self.preds[key] if plan[p] is not None] + [1])
        high = min([plan[s] - self.gap for s in self.succs[key] if plan[s] is not None] + [self.count])
        return low, high

    def relieve(self, key: str, here: int) -> bool:
        """Apply the first move or swap of `key` (nearest sprint first) that lowers the overload."""
        low, high = self.window(key)
        targets = sorted((t for t in range(low, high + 1) if t != here), key=lambda t: (abs(t - here), t))
        for there in targets:
            before = self.over(here, {}) + self.over(there, {})
            self.budget -= 1
            if self.load[there] + self.size[key] <= self.capacities(there) + EPS:
                if before - self.over(here, _neg(self.share[key])) - self.over(there, self.share[key]) > EPS:
                    self.move(key, here, there)
                    return True
            partner, spent = self.swap_partner(key, here, there, before)
            if spent:
                return False
            if partner is not None:
                self.move(key, here, there)
                self.move(partner, there, here)
                return True
        return False

    def swap_partner(self, key: str, here: int, there: int, before: float) -> tuple[Optional[str], bool]:
        """The first story of `there` (by priority) that can trade places with `key` and lowers the overload, and
        whether the budget ran out looking for it."""
        for other in sorted(self.by_sprint[there], key=self.rank.__getitem__):
            self.budget -= 1
            if self.budget <= 0:
                return None, True
            if self.stories[other].sprint is not None or other in self.preds[key] or other in self.succs[key]:
                continue
            if self.load[there] - self.size[other] + self.size[key] > self.capacities(there) + EPS:
                continue
            if self.load[here] - self.size[key] + self.size[other] > self.capacities(here) + EPS:
                continue
            low, high = self.window(other)
            if not low <= here <= high:
                continue
            after = (self.over(here, _merged(_neg(self.share[key]), self.share[other]))
                     + self.over(there, _merged(_neg(self.share[other]), self.share[key])))
            if before - after > EPS:
                return other, False
        return None, False

    def move(self, key: str, here: int, there: int) -> None:
        """Move a story between sprints, keeping the loads up to date."""
        self.plan[key] = there
        self.by_sprint[here].discard(key)
        self.by_sprint[there].add(key)
        self.load[here] -= self.size[key]
        self.load[there] += self.size[key]
        for skill, points in self.share[key].items():
            self.skill_load[here][skill] -= points
            self.skill_load[there][skill] = self.skill_load[there].get(skill, 0.0) + points


def _neg(points: Points) -> Points:
    return {skill: -value for skill, value in points.items()}


def _merged(a: Points, b: Points) -> Points:
    out = dict(a)
    for skill, value in b.items():
        out[skill] = out.get(skill, 0.0) + value
    return out
