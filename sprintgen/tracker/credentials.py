"""Server URL and credentials for a push, from options or the environment.

Secrets (API token, personal access token) are read from the environment only: on a command line they would land in
shell history and in the process list. They are kept in a `Credentials` object whose repr hides them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional
from urllib.parse import urlsplit

from sprintgen.errors import InputError

SETUP_HINT = ("set JIRA_URL plus JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center / Server); "
              "see README.md, 'Pushing to Jira'")


@dataclass(frozen=True)
class Credentials:
    """Where to push and how to authenticate: basic auth (Cloud: email + API token) or a bearer PAT (Data Center)."""

    url: str
    email: Optional[str] = None
    api_token: Optional[str] = field(default=None, repr=False)
    pat: Optional[str] = field(default=None, repr=False)

    @property
    def scheme(self) -> str:
        """'basic' (email + API token) or 'bearer' (personal access token)."""
        return "basic" if self.email and self.api_token else "bearer"

    def secrets(self) -> list[str]:
        """Every secret value, so output can be checked (and scrubbed) for them."""
        return [s for s in (self.api_token, self.pat) if s]

    def describe(self) -> str:
        """Who we authenticate as, without any secret."""
        if self.scheme == "basic":
            return f"{self.email} (API token)"
        return "personal access token"


def server_url(url: Optional[str], env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The Jira base URL from --url or JIRA_URL, normalised (no trailing slash); None when neither is set."""
    value = (url or env.get("JIRA_URL") or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"'{_without_userinfo(value)}' is not a Jira URL", where="--url / JIRA_URL",
                         hint="write it like https://your-domain.atlassian.net or https://jira.example.com")
    if parts.username or parts.password:
        raise InputError("the Jira URL must not contain a user name or password", where="--url / JIRA_URL",
                         hint=SETUP_HINT)
    return value.rstrip("/")


def resolve_credentials(url: Optional[str], email: Optional[str],
                        env: Mapping[str, str] = os.environ) -> Credentials:
    """Credentials from the options and the environment; an InputError names what is missing."""
    base = server_url(url, env)
    if base is None:
        raise InputError("no Jira server given", where="--url / JIRA_URL", hint=SETUP_HINT)
    email = (email or env.get("JIRA_EMAIL") or "").strip() or None
    api_token = (env.get("JIRA_API_TOKEN") or "").strip() or None
    pat = (env.get("JIRA_PAT") or "").strip() or None
    if email and api_token:
        return Credentials(url=base, email=email, api_token=api_token)
    if pat:
        return Credentials(url=base, pat=pat)
    if email and not api_token:
        raise InputError("JIRA_EMAIL is set but JIRA_API_TOKEN is not", where="credentials", hint=SETUP_HINT)
    if api_token and not email:
        raise InputError("JIRA_API_TOKEN is set but JIRA_EMAIL is not", where="credentials", hint=SETUP_HINT)
    raise InputError("no Jira credentials found", where="credentials", hint=SETUP_HINT)


def _without_userinfo(value: str) -> str:
    parts = urlsplit(value)
    if parts.username or parts.password:
        return value.replace(parts.netloc, parts.hostname or "")
    return value
