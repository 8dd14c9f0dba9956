"""Choosing an architecture: `recommend` (the articles' decision rules as data) and `compare` (plans side by side)."""
