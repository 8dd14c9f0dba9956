"""The fake Jira's HTTP side: a threaded http.server on 127.0.0.1 (ephemeral port), routing, auth, fault injection,
and OpenAPI validation of every request (and of the responses, on Cloud variants)."""

from __future__ import annotations

import base64
import json
import re
import threading
import warnings
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

from . import openapi_check
from .state import LINK_TYPES, JiraRefusal, JiraState
from .variants import Variant

EMAIL, API_TOKEN, PAT = "po@example.com", "cloud-secret-token-123", "dc-secret-pat-456"


@dataclass
class Fault:
    """An injected failure for requests matching `method` and the `path` regex.

    kind: "429" (with Retry-After), "503", "403" (permission refused), "drop" (close without doing anything),
    "drop_after_commit" (do the work, then close without answering), "503_after_commit" (do the work, then answer
    503 as an overloaded proxy does), "partial" (bulk: refuse the elements listed in `elements`), "raw" (answer 200
    with `body` as it is: a JSON list, HTML, 100,000-deep JSON), "echo_auth" (a 400 whose message echoes the
    Authorization header and the credentials in it, as badly written proxies do).
    `skip` matching requests pass first; then `times` of them get the fault.
    """

    kind: str
    method: str
    path: str
    times: int = 1
    skip: int = 0
    retry_after: str = "2"
    elements: tuple[int, ...] = (1,)
    body: bytes = b""

    def matches(self, method: str, path: str) -> bool:
        return self.method == method and re.search(self.path, path) is not None


class _Drop(Exception):
    """Close the connection without an answer."""


class FakeJira:
    """A running fake Jira: `url`, `state`, `requests` (method, path), `spec_errors`, `faults`."""

    def __init__(self, variant: Variant, *, project: str = "RAG", boards: int = 1, kanban_boards: int = 0,
                 language: str = "en", validate: bool = True) -> None:
        self.variant = variant
        self.state = JiraState(variant, project, boards=boards, kanban_boards=kanban_boards, language=language)
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self.spec_errors: list[str] = []
        self.auth_headers: list[str] = []
        if validate:
            openapi_check.require_specs()  # never quietly stop checking requests against Atlassian's specs
        self.validate = validate
        self.validate_responses = self.validate and variant.cloud  # DC answers differ from the Cloud spec by design
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def start(self) -> "FakeJira":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, kind: str, method: str, path: str, **options: Any) -> Fault:
        """Add a fault (see Fault)."""
        fault = Fault(kind, method, path, **options)
        self.faults.append(fault)
        return fault

    def env(self) -> dict[str, str]:
        """Environment variables for sprintgen to reach this server."""
        if self.variant.cloud:
            return {"JIRA_URL": self.url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN}
        return {"JIRA_URL": self.url, "JIRA_PAT": PAT}

    def writes(self) -> list[tuple[str, str]]:
        """Requests that could change something."""
        return [r for r in self.requests if r[0] != "GET" and not re.search(r"/search", r[1])]

    def _fault_for(self, method: str, path: str) -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path) and fault.times > 0:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _authorized(self, header: str) -> bool:
        if self.variant.cloud:
            expected = "Basic " + base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
        else:
            expected = f"Bearer {PAT}"
        return header == expected


class _Handler(BaseHTTPRequestHandler):
    fake: FakeJira
    protocol_version = "HTTP/1.1"
    # one buffered write per response and no Nagle: otherwise every request pays a delayed-ACK pause
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake.requests.append((method, path))
        headers = {k: v for k, v in self.headers.items()}
        if fake.validate:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                problem = openapi_check.validate_request(method, path, query, headers, raw)
            if problem:
                fake.spec_errors.append(problem)
        fault = fake._fault_for(method, path)
        if fault and fault.kind == "drop":
            return self._drop()
        if fault and fault.kind in ("429", "503"):
            extra = {"Retry-After": fault.retry_after} if fault.kind == "429" else {}
            message = "Rate limit exceeded." if fault.kind == "429" else "Service unavailable"
            return self._send(int(fault.kind), {"errorMessages": [message], "errors": {}}, extra)
        if fault and fault.kind == "raw":
            return self._send_raw(200, fault.body)
        if fault and fault.kind == "echo_auth":
            header = self.headers.get("Authorization", "")
            scheme, _, value = header.partition(" ")
            plain = base64.b64decode(value).decode() if scheme == "Basic" else value
            return self._send(400, {"errorMessages": [f"Rejected Authorization: {header} (credentials {plain})"],
                                    "errors": {}})
        if fault and fault.kind == "403":
            return self._send(403, {"errorMessages": ["You do not have the permission to perform this operation."],
                                    "errors": {}})
        if not fake._authorized(self.headers.get("Authorization", "")):
            return self._send(401, {"errorMessages": ["You are not authenticated. Authentication required to perform "
                                                      "this operation."], "errors": {}})
        try:
            body = json.loads(raw) if raw else None
            status, answer = route(fake, method, path, parse_qs(query), body, fault)
        except JiraRefusal as refusal:
            status, answer = refusal.status, refusal.body
        except json.JSONDecodeError:
            status, answer = 400, {"errorMessages": ["Unexpected character: the body is not JSON"], "errors": {}}
        except Exception as error:  # a bug in the fake: fail the test loudly (spec_errors), answer like Jira would
            fake.spec_errors.append(f"the fake crashed on {method} {path}: {type(error).__name__}: {error}")
            status, answer = 500, {"errorMessages": ["Internal server error"], "errors": {}}
        if fault and fault.kind == "drop_after_commit":
            return self._drop()
        if fault and fault.kind == "503_after_commit":
            return self._send(503, {"errorMessages": ["Service unavailable"], "errors": {}})
        if (fake.validate_responses and 200 <= status < 300 and answer is not None
                and openapi_check.first_response_of_its_kind(method, path, status)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                problem = openapi_check.validate_response(method, path, query, headers, raw, status,
                                                          json.dumps(answer).encode())
            if problem:
                fake.spec_errors.append(problem)
        self._send(status, answer)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def _send(self, status: int, answer: Any, headers: Optional[dict[str, str]] = None) -> None:
        self._send_raw(status, json.dumps(answer).encode() if answer is not None else b"", headers)

    def _send_raw(self, status: int, data: bytes, headers: Optional[dict[str, str]] = None) -> None:
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


Route = Callable[..., tuple[int, Any]]


def route(fake: FakeJira, method: str, path: str, query: dict[str, list[str]], body: Any,
          fault: Optional[Fault]) -> tuple[int, Any]:
    """Dispatch one request to the fake's behaviour."""
    from . import routes

    match = re.fullmatch(r"/rest/api/(2|3)/(.+)", path)
    if match:
        return routes.platform(fake, method, match.group(1), match.group(2), query, body, fault)
    match = re.fullmatch(r"/rest/agile/1\.0/(.+)", path)
    if match:
        return routes.agile(fake, method, match.group(1), query, body)
    raise JiraRefusal(404, [f"No route for {method} {path}"])


__all__ = ["API_TOKEN", "EMAIL", "PAT", "FakeJira", "Fault", "LINK_TYPES"]
