"""Profiles shipped by the example plugin (sprintgen reads every *.yaml file in this package)."""
