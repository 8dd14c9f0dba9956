"""Profiles to backlog: discovery (built-in, user dirs, entry points), merge (`extends`), parameters, conditions,
resolution into a Backlog, and the listing/showing/scaffolding built on them."""
