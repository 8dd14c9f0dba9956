"""Entry-point plugins: the registry of profile and exporter entry points, and the report `sprintgen plugins` prints."""
