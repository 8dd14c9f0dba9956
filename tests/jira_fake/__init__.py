"""A stateful fake Jira for the `sprintgen push` tests, driven through the real `jira` client over HTTP.

    with running_fake("cloud-company") as fake:   # or "cloud-team", "data-center"
        env = fake.env()                          # JIRA_URL + credentials for sprintgen
        fake.inject("429", "POST", r"/issue/bulk")
        ...
        fake.state.issues, fake.spec_errors, fake.requests
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
