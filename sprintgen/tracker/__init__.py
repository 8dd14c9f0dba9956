"""A plan in an issue tracker (Jira): pushing it (preview, idempotent sync, faults, capacity) and reading its
progress back for `sprintgen status`.

The modules, in the order a push uses them:

    credentials   server URL and credentials from options / environment (never printed)
    connection    the HTTP session (through the `jira` client library), retries with bounded backoff, redacted logs
    fields        field discovery (story points, epic relation, sprint) and create-screen checks
    markup        descriptions as Atlassian Document Format (API v3) or wiki markup (API v2)
    desired       what the plan wants in Jira: one DesiredIssue per epic / story / DoD sub-task
    inventory     what Jira already holds for this plan (found by label + issue property)
    sprints       board, sprints (found by name or created), sprint field parsing
    changeset     the difference: create / update / unchanged / removed, links, sprint moves
    capacity      committed points per target sprint against the team's capacity
    writer        applying a change set: bulk creation in batches of 50, reconciliation after lost responses
    session       the orchestration: prepare (read-only) then apply (writes)
    preview       the text of the preview, the summary and the offline dry run (the CLI prints it)
    problems      the push's errors: JiraSetupError (exit 3), OvercommitError (exit 1), PartialPushError (exit 3)
    progress      `status`: the plan's issues, their status category, points and sprint, read-only (the figures and
                  the re-forecast are computed in `sprintgen.tracking`)

Nothing here prints: the CLI (`sprintgen push`, `sprintgen status`) renders the preview and the
summary. `import jira` happens only
inside `connection.open_connection`, so loading this package does not import the client library.
"""
