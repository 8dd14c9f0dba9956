"""The HTTP connection to Jira: the `jira` client library's session, bounded retries, errors, redacted logs.

sprintgen sends its own REST calls through the session the `jira` library sets up (authentication, TLS, headers)
rather than the library's high-level helpers, because the push needs what they do not offer: bulk creation without
re-fetching every issue, issue properties on create, Cloud's `search/jql` paging, and retries whose waiting can be
injected (tests do not sleep) and whose behaviour on a lost response is decided by the caller.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from sprintgen.errors import InputError, RemoteError
from sprintgen.tracker.credentials import Credentials

#: Statuses that mean "try again later" and are safe to retry for any method: the request was not applied.
RETRYABLE_STATUSES = (429, 503)
#: Methods whose repetition cannot create anything twice.
IDEMPOTENT_METHODS = ("GET", "PUT", "DELETE", "HEAD")

Logger = Callable[[str], None]


class JiraHttpError(RemoteError):
    """Jira answered with an error status (kept in `status` so callers can tell a 404 from a 403)."""

    def __init__(self, message: str, *, status: int, hint: Optional[str] = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class ConnectionLost(RemoteError):
    """The connection dropped before a response arrived: Jira may or may not have applied the request."""


@dataclass
class RetryPolicy:
    """Bounded exponential backoff. `sleep` is injectable (default: `pause`, looked up when used) so tests never
    wait."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Optional[Callable[[float], None]] = field(default=None, repr=False)

    def delay(self, attempt: int, retry_after: Optional[str]) -> float:
        """Seconds to wait before attempt `attempt + 1`: Retry-After when Jira sends it, else 1, 2, 4 ... seconds."""
        asked = parse_retry_after(retry_after)
        if asked is not None:
            return asked
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


def pause(seconds: float) -> None:
    """Wait between retries (a module function so tests can replace it)."""
    time.sleep(seconds)


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After as seconds (it may be a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class JiraConnection:
    """REST calls against one Jira site, with retries and request counting."""

    def __init__(self, session: Any, base_url: str, *, retry: RetryPolicy, log: Optional[Logger] = None,
                 redact: Callable[[str], str] = lambda text: text) -> None:
        self.session = session
        self.redact = redact  # scrubs every form of the credentials from what Jira echoes back
        self.base_url = base_url
        self.retry = retry
        self.log = log
        self.counts: Counter[str] = Counter()
        self.cloud = False
        self.api_version = "2"
        self.server_title = ""
        self.version: tuple[int, ...] = ()

    # --- paths -------------------------------------------------------------------------------------------------
    def api(self, path: str) -> str:
        """A platform REST path in the API version this site speaks (3 on Cloud, 2 on Data Center)."""
        return f"/rest/api/{self.api_version}/{path.lstrip('/')}"

    @staticmethod
    def agile(path: str) -> str:
        """A Jira Software (agile) REST path."""
        return f"/rest/agile/1.0/{path.lstrip('/')}"

    # --- requests ----------------------------------------------------------------------------------------------
    def get(self, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        """GET and decode JSON."""
        return self.request("GET", path, params=params)

    def request(self, method: str, path: str, *, params: Optional[dict[str, Any]] = None, body: Any = None,
                retry_lost: Optional[bool] = None, error_body_statuses: tuple[int, ...] = ()) -> Any:
        """Send one REST call; retry 429/503 (honouring Retry-After) and, for idempotent calls, dropped connections.

        `retry_lost` says whether a dropped connection (or a 503) may be retried blindly; it defaults to True for GET,
        PUT and DELETE. A non-idempotent call that loses its response or gets a 503 raises ConnectionLost so the
        caller can check what Jira did before trying again. Returns the decoded JSON body (None for an empty one);
        for a status listed in `error_body_statuses` (bulk creation answers 400 when every item failed) the error
        body is returned too.
        """
        import requests
        from jira.exceptions import JIRAError

        method = method.upper()
        if retry_lost is None:
            retry_lost = method in IDEMPOTENT_METHODS
        url = self.base_url + path
        data = json.dumps(body) if body is not None else None
        attempt = 0
        while True:
            attempt += 1
            self.counts[method] += 1
            try:
                response = self.session.request(method, url, params=params, data=data)
            except JIRAError as error:
                status = error.status_code or 0
                retry_after = error.response.headers.get("Retry-After") if error.response is not None else None
                if status in error_body_statuses and error.response is not None:
                    return _decode(error.response)
                if status == 503 and not retry_lost:
                    # a proxy or an overloaded node can answer 503 after Jira committed: a create is sent again
                    # only after the caller looked for what it may have created
                    raise ConnectionLost(f"Jira answered HTTP 503 to {method} {_short(path)}: it may have applied it",
                                         hint="nothing is duplicated if you run the same command again") from None
                if status in RETRYABLE_STATUSES and attempt < self.retry.attempts:
                    self._wait(method, path, attempt, f"HTTP {status}", retry_after)
                    continue
                failure = remote_error(method, path, status, error.response, attempts=attempt)
                failure.message = self.redact(failure.message)
                raise failure from None
            except (requests.ConnectionError, requests.Timeout) as error:
                never_sent = _never_connected(error)
                self._log(f"  {method} {_short(path)}: " + ("cannot connect" if never_sent else "connection lost"))
                if (retry_lost or never_sent) and attempt < self.retry.attempts:
                    self._wait(method, path, attempt, "connection lost", None)
                    continue
                if never_sent:
                    raise RemoteError(f"cannot connect to Jira at {self.base_url}",
                                      hint="check JIRA_URL / --url and the network") from None
                raise ConnectionLost(
                    f"the connection to Jira was lost during {method} {_short(path)}",
                    hint="nothing is duplicated if you run the same command again: it finds what was already created",
                ) from None
            return _decode(response)

    def backoff(self, method: str, path: str, attempt: int) -> None:
        """Wait before sending a non-idempotent request again (after its outcome was checked)."""
        self._wait(method, path, attempt, "outcome checked", None)

    def _wait(self, method: str, path: str, attempt: int, reason: str, retry_after: Optional[str]) -> None:
        delay = self.retry.delay(attempt, retry_after)
        if delay > self.retry.max_delay:
            raise RemoteError(f"Jira is rate limiting {method} {_short(path)} and asks to wait {delay:.0f} s",
                              hint=f"that is longer than sprintgen waits ({self.retry.max_delay:.0f} s); "
                                   "run the same command again later")
        self._log(f"  {method} {_short(path)}: {reason}, retrying in {delay:g} s "
                  f"(attempt {attempt + 1} of {self.retry.attempts})")
        (self.retry.sleep or pause)(delay)

    def _log(self, text: str) -> None:
        if self.log:
            self.log(text)

    def log_response(self, response: Any, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - requests hook
        """requests response hook for --verbose: the request line and headers with Authorization redacted."""
        if not self.log:
            return
        request = response.request
        self.log(f"> {request.method} {request.url}")
        for name, value in sorted(redacted_headers(request.headers).items()):
            self.log(f">   {name}: {value}")
        self.log(f"< {response.status_code} {response.reason} ({len(response.content)} bytes)")


def _never_connected(error: Exception) -> bool:
    """Whether the request never reached the server (refused, DNS, connect timeout): safe to retry any method."""
    import requests

    if isinstance(error, requests.ConnectTimeout):
        return True
    text = repr(error.args[0]) if error.args else ""
    return any(marker in text for marker in ("NewConnectionError", "NameResolutionError", "Connection refused"))


def redacted_headers(headers: Any) -> dict[str, str]:
    """Request headers fit for a log: Authorization and cookies replaced by '<redacted>'."""
    hidden = {"authorization": "Authorization", "cookie": "Cookie", "proxy-authorization": "Proxy-Authorization"}
    return {hidden.get(k.lower(), k): ("<redacted>" if k.lower() in hidden else str(v))
            for k, v in dict(headers).items()}


def remote_error(method: str, path: str, status: int, response: Any, *, attempts: int = 1) -> JiraHttpError:
    """A one-line RemoteError for a failed REST call: status, Jira's own messages, and what to check."""
    detail = error_messages(response)
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    message = f"Jira answered HTTP {status} to {method} {_short(path)}{tried}" + (f": {detail}" if detail else "")
    return JiraHttpError(message, status=status, hint=_STATUS_HINTS.get(status))


def error_messages(response: Any) -> str:
    """Jira's errorMessages and field errors from an error response, joined on one line (at most 300 chars)."""
    if response is None:
        return ""
    try:
        data = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return " ".join(text.split())[:300] if text and "<html" not in text.lower() else ""
    return describe_errors(data)[:300]


def describe_errors(data: Any) -> str:
    """errorMessages + errors ({field: message}) of a Jira error body as one line."""
    if not isinstance(data, dict):
        return ""
    parts = [str(m) for m in data.get("errorMessages") or []]
    parts += [f"{name}: {text}" for name, text in (data.get("errors") or {}).items()]
    if data.get("message"):
        parts.append(str(data["message"]))
    return "; ".join(parts)


_STATUS_HINTS = {
    401: "check JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center); the token may have expired",
    403: "the token's user lacks a permission: it needs Browse projects, Create issues, Edit issues, Link issues "
         "and Manage sprints in the project (see README.md, 'Pushing to Jira')",
    404: "check --project, --board and the Jira URL",
    429: "Jira kept rate limiting; run the same command again later",
    503: "Jira is unavailable; run the same command again later",
}


def _short(path: str) -> str:
    return path.split("?", 1)[0]


class UnreadableResponse(RemoteError):
    """The answer is not JSON sprintgen can read (HTML, garbage, or nested deeper than a parser goes)."""


def _decode(response: Any) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, RecursionError):
        raise UnreadableResponse(f"a response that is not readable JSON (HTTP {response.status_code})",
                                 hint="check that the Jira URL points at the Jira base URL, not a login page") from None


def open_connection(credentials: Credentials, *, retry: Optional[RetryPolicy] = None, log: Optional[Logger] = None,
                    api_version: str = "auto", timeout: float = 30.0) -> JiraConnection:
    """Connect through the `jira` client library and read serverInfo (Cloud or Data Center, API version)."""
    import jira  # only here: `sprintgen --help` and `sprintgen plan` never import the client library

    auth: dict[str, Any] = {}
    if credentials.scheme == "basic":
        auth["basic_auth"] = (credentials.email, credentials.api_token)
    else:
        auth["token_auth"] = credentials.pat
    # max_retries=0: the library's own retry loop sleeps for real and would retry a POST whose response was lost;
    # our loop (JiraConnection.request) decides per call.
    client = jira.JIRA(server=credentials.url, get_server_info=False, max_retries=0, timeout=timeout,
                       logging=False, options={"check_update": False}, **auth)
    connection = JiraConnection(client._session, credentials.url, retry=retry or RetryPolicy(), log=log,
                                redact=credentials.redact)
    if log:
        client._session.hooks["response"].append(connection.log_response)
    try:
        info = connection.get("/rest/api/2/serverInfo")
    except UnreadableResponse as error:
        raise InputError(f"{credentials.url} does not answer like Jira ({error.message})", where="--url / JIRA_URL",
                         hint="check that the URL is the Jira base URL, not a login page or another service") from None
    if not isinstance(info, dict) or not info.get("versionNumbers") and not info.get("deploymentType"):
        raise InputError(f"{credentials.url} does not answer like Jira (serverInfo is not a Jira server description)",
                         where="--url / JIRA_URL",
                         hint="check that the URL is the Jira base URL, not a login page or another service")
    connection.cloud = info.get("deploymentType") == "Cloud"
    connection.server_title = str(info.get("serverTitle") or "")
    connection.version = tuple(int(v) for v in info.get("versionNumbers") or () if isinstance(v, int))
    if api_version == "auto":
        connection.api_version = "3" if connection.cloud else "2"
    else:
        connection.api_version = api_version
    return connection
