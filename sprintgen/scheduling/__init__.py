"""Backlog + team capacity to sprints: the problem, list scheduling, heuristics, search, bounds, polish, skill
balancing, checks, and `make_plan` which runs them in order."""
