"""Tracking: the stage after the forecast. Where the team is against the plan, and when it will now finish.

    progress_file  reading progress from a CSV or JSON file (`sprintgen status --progress FILE`)
    figures        done / in progress / remaining per epic, velocity per closed sprint, scope change, what slipped
    remaining      the remaining work as a backlog, and the team with its closed sprints as history
    report         the status report: figures, the re-plan and its re-forecast, the burn-up series

The models (the progress a tracker reports, the report) live in `sprintgen.model.progress` and
`sprintgen.model.status`. Nothing here imports click, jinja2 or jira: reading Jira lives in
`sprintgen.tracker.progress`, the text and Markdown renderings in `sprintgen.exporters.status`.
"""
