"""Backlog + team capacity to sprints, in layers that import only downward: the problem (data and primitives), pins
(deadlines and proofs) and validation, list scheduling, bounds and polish, the search, the heuristics portfolio, the
solver that runs them in order, and `make_plan` (schedule.py) with skill balancing and the checks."""
