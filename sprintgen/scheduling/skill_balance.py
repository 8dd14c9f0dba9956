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

from sprintgen.model import BacklogStory, Team
from sprintgen.capacity import Capacities, member_capacity

EPS = 1e-9
#: Moves and swaps examined at most (a count, not a time, so plans are the same on any machine).
MAX_EVALUATIONS = 100_000


class SkillLoads:
    """Per sprint: the points needing each skill, against what the members holding it can carry there."""

    def __init__(self, team: Team, stories: dict[str, BacklogStory]) -> None:
        self.holders: dict[str, list] = {}
        for member in team.members:
            for skill in member.skills:
                self.holders.setdefault(skill, []).append(member)
        self.team = team
        self.stories = stories
        self._carry: dict[tuple[str, int], float] = {}

    def shares(self, key: str) -> dict[str, float]:
        """The points a story puts on each skill someone holds (an equal share per skill, as the check counts)."""
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


def balance_skills(sprint_of: dict[str, Optional[int]], stories: dict[str, BacklogStory],
                   preds: dict[str, list[str]], succs: dict[str, list[str]], team: Team,
                   capacities: Capacities | Callable[[int], float], sequential: bool, rank: dict[str, int]
                   ) -> dict[str, Optional[int]]:
    """A copy of `sprint_of` with stories moved or swapped between its sprints to reduce skill overload."""
    loads = SkillLoads(team, stories)
    if not loads.holders:
        return dict(sprint_of)
    plan = dict(sprint_of)
    count = max((s for s in plan.values() if s is not None), default=0)
    size = {k: stories[k].estimate.likely for k in plan}
    share = {k: loads.shares(k) for k in plan}
    load = {n: 0.0 for n in range(1, count + 1)}
    skill_load: dict[int, dict[str, float]] = {n: {} for n in range(1, count + 1)}
    for key, sprint in plan.items():
        if sprint is None:
            continue
        load[sprint] += size[key]
        for skill, points in share[key].items():
            skill_load[sprint][skill] = skill_load[sprint].get(skill, 0.0) + points

    def over(sprint: int, change: dict[str, float]) -> float:
        """Skill overload of a sprint after adding `change` (points per skill)."""
        total = 0.0
        skills = set(skill_load[sprint]) | set(change)
        for skill in skills:
            value = skill_load[sprint].get(skill, 0.0) + change.get(skill, 0.0)
            total += max(0.0, value - loads.carry(skill, sprint))
        return total

    def window(key: str, ignore: str | None = None) -> tuple[int, int]:
        gap = 1 if sequential else 0
        low = max([plan[p] + gap for p in preds[key] if p != ignore and plan[p] is not None] + [1])
        high = min([plan[s] - gap for s in succs[key] if s != ignore and plan[s] is not None] + [count])
        return low, high

    def neg(points: dict[str, float]) -> dict[str, float]:
        return {skill: -value for skill, value in points.items()}

    def merged(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
        out = dict(a)
        for skill, value in b.items():
            out[skill] = out.get(skill, 0.0) + value
        return out

    movable = {k for k in plan if plan[k] is not None and stories[k].sprint is None and share[k]}
    by_sprint: dict[int, set[str]] = {n: set() for n in range(1, count + 1)}
    for key, sprint in plan.items():
        if sprint is not None:
            by_sprint[sprint].add(key)
    budget = MAX_EVALUATIONS

    def try_key(key: str, here: int) -> bool:
        """Apply the first move or swap of `key` (nearest sprint first) that lowers the overload."""
        nonlocal budget
        low, high = window(key)
        targets = sorted((t for t in range(low, high + 1) if t != here), key=lambda t: (abs(t - here), t))
        for there in targets:
            before = over(here, {}) + over(there, {})
            budget -= 1
            if load[there] + size[key] <= capacities(there) + EPS:
                if before - over(here, neg(share[key])) - over(there, share[key]) > EPS:
                    _move(key, here, there, plan, load, skill_load, size, share, by_sprint)
                    return True
            for other in sorted(by_sprint[there], key=rank.__getitem__):
                budget -= 1
                if budget <= 0:
                    return False
                if stories[other].sprint is not None or other in preds[key] or other in succs[key]:
                    continue
                if load[there] - size[other] + size[key] > capacities(there) + EPS:
                    continue
                if load[here] - size[key] + size[other] > capacities(here) + EPS:
                    continue
                low2, high2 = window(other)
                if not low2 <= here <= high2:
                    continue
                after = (over(here, merged(neg(share[key]), share[other]))
                         + over(there, merged(neg(share[other]), share[key])))
                if before - after > EPS:
                    _move(key, here, there, plan, load, skill_load, size, share, by_sprint)
                    _move(other, there, here, plan, load, skill_load, size, share, by_sprint)
                    return True
        return False

    improved = True
    while improved and budget > 0:
        improved = False
        for sprint in range(1, count + 1):
            for key in sorted(by_sprint[sprint] & movable, key=rank.__getitem__):
                if budget <= 0 or over(sprint, {}) <= EPS:
                    break
                if plan[key] == sprint and try_key(key, sprint):
                    improved = True
    return plan


def _move(key: str, here: int, there: int, plan: dict, load: dict, skill_load: dict, size: dict, share: dict,
          by_sprint: dict) -> None:
    plan[key] = there
    by_sprint[here].discard(key)
    by_sprint[there].add(key)
    load[here] -= size[key]
    load[there] += size[key]
    for skill, points in share[key].items():
        skill_load[here][skill] -= points
        skill_load[there][skill] = skill_load[there].get(skill, 0.0) + points
