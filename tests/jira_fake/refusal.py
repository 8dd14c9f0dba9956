"""The fake's way of answering 4xx: raise JiraRefusal(status, messages, errors) anywhere in a route."""

from __future__ import annotations


class JiraRefusal(Exception):
    """A 4xx answer: status plus Jira's error body."""

    def __init__(self, status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None):
        super().__init__(messages or errors)
        self.status = status
        self.body = {"errorMessages": messages or [], "errors": errors or {}}
