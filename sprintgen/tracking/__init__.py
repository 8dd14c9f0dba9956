"""Tracking: the stage after the forecast. Where the team is against the plan, and when it will now finish.

    progress       the typed progress of a plan's stories and sprints, as a tracker (or an export) reports it
    progress_file  reading progress from a CSV or JSON file (`sprintgen status --progress FILE`)
    figures        done / in progress / remaining per epic, velocity per closed sprint, scope change, what slipped
    remaining      the remaining work as a backlog and a team starting at the next sprint; the re-plan
    report         the status report: figures, the re-forecast from observed velocity, the burn-up series

Nothing here imports click, jinja2 or jira: reading Jira lives in `sprintgen.tracker.progress`, the text and
Markdown renderings in `sprintgen.exporters`.
"""
