"""Server URL and credentials for a push, from options or the environment.

Secrets (API token, personal access token) are read from the environment only: on a command line they would land in
shell history and in the process list. They are kept in a `Credentials` object whose repr hides them.
"""

from __future__ import annotations

import base64
import os
import re
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
        """Every form a secret travels in (the raw token, Basic's base64 of email:token, its URL-quoted form), so
        any text sprintgen prints can be scrubbed of them (see `redact`)."""
        from urllib.parse import quote

        forms = [s for s in (self.api_token, self.pat) if s]
        if self.email and self.api_token:
            forms.append(base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode())
        forms += [quote(s, safe="") for s in list(forms)]
        return sorted({f for f in forms if f}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every secret form replaced by '<redacted>' ("Bearer <token>" included)."""
        for secret in self.secrets():
            text = text.replace(secret, "<redacted>")
        return text

    def describe(self) -> str:
        """Who we authenticate as, without any secret."""
        if self.scheme == "basic":
            return f"{self.email} (API token)"
        return "personal access token"


#: A host name (letters, digits, '-', '.') or a bracketed IPv6 address
_HOST = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\]")
URL_HINT = "write it like https://your-domain.atlassian.net or https://jira.example.com"


def server_url(url: Optional[str], env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The Jira base URL from --url or JIRA_URL, normalised (no trailing slash); None when neither is set."""
    value = (url or env.get("JIRA_URL") or "").strip()
    if not value:
        return None
    where = "--url / JIRA_URL"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port out of range or not a number
    except ValueError as error:
        raise InputError(f"not a valid URL ({error})", where=where, hint=URL_HINT) from None
    if parts.username or parts.password:
        raise InputError("the Jira URL must not contain a user name or password", where=where, hint=SETUP_HINT)
    host = parts.netloc.rsplit("@", 1)[-1]
    host = host[: -len(f":{port}")] if port is not None and host.endswith(f":{port}") else host.rstrip(":")
    if (parts.scheme not in ("http", "https") or not parts.hostname or not _HOST.fullmatch(host)
            or not value.isascii() or any(c.isspace() for c in value)):
        raise InputError(f"'{_printable(value)}' is not a Jira URL", where=where, hint=URL_HINT)
    return value.rstrip("/")


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:200]


def _check_secret_text(name: str, value: Optional[str]) -> None:
    """A token or e-mail with a line break or a non-ASCII character would break the Authorization header (or be
    someone's clipboard accident): say which variable, never the value."""
    if value and (not value.isascii() or any(not c.isprintable() for c in value)):
        raise InputError(f"{name} contains a line break, a control or a non-ASCII character", where="credentials",
                         hint=f"set {name} again from the original (copy only the token itself)")


def resolve_credentials(url: Optional[str], email: Optional[str],
                        env: Mapping[str, str] = os.environ) -> Credentials:
    """Credentials from the options and the environment; an InputError names what is missing."""
    base = server_url(url, env)
    if base is None:
        raise InputError("no Jira server given", where="--url / JIRA_URL", hint=SETUP_HINT)
    _check_secret_text("--email" if email else "JIRA_EMAIL", (email or env.get("JIRA_EMAIL") or "").strip())
    email = (email or env.get("JIRA_EMAIL") or "").strip() or None
    api_token = (env.get("JIRA_API_TOKEN") or "").strip() or None
    pat = (env.get("JIRA_PAT") or "").strip() or None
    _check_secret_text("JIRA_API_TOKEN", api_token)
    _check_secret_text("JIRA_PAT", pat)
    if email and api_token:
        return Credentials(url=base, email=email, api_token=api_token)
    if pat:
        return Credentials(url=base, pat=pat)
    if email and not api_token:
        raise InputError("JIRA_EMAIL is set but JIRA_API_TOKEN is not", where="credentials", hint=SETUP_HINT)
    if api_token and not email:
        raise InputError("JIRA_API_TOKEN is set but JIRA_EMAIL is not", where="credentials", hint=SETUP_HINT)
    raise InputError("no Jira credentials found", where="credentials", hint=SETUP_HINT)
