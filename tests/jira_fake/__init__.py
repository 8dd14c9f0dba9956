"""A stateful fake Jira for the `sprintgen push` tests, driven through the real `jira` client over HTTP.

    with running_fake("cloud-company") as fake:   # or "cloud-team", "data-center"
        env = fake.env()                          # JIRA_URL + credentials for sprintgen
        fake.inject("429", "POST", r"/issue/bulk")
        ...
        fake.state.issues, fake.spec_errors, fake.requests

Between two pushes a test plays the team (see workflow.py for the REST side and the rules):

        fake.state.start_sprint("Sprint 1")                     # future -> active
        fake.state.transition("RAG-3", "Done")                  # "To Do" | "In Progress" | "Done"
        fake.state.close_sprint("Sprint 1", move_to="Sprint 2")  # active -> closed; unfinished issues move on
        fake.state.category("RAG-3")                            # "new" | "indeterminate" | "done"
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .server import API_TOKEN, EMAIL, PAT, FakeJira, Fault
from .variants import VARIANTS


@contextmanager
def running_fake(variant: str, **options) -> Iterator[FakeJira]:
    """A started fake server for one variant; stopped afterwards."""
    fake = FakeJira(VARIANTS[variant](), **options).start()
    try:
        yield fake
    finally:
        fake.stop()


__all__ = ["API_TOKEN", "EMAIL", "PAT", "FakeJira", "Fault", "VARIANTS", "running_fake"]
