"""Validation of HTTP traffic against Atlassian's published OpenAPI specifications (../shared/jira-openapi/).

The specs are large (2.4 MB + 0.6 MB): they are parsed once per test session (module-level cache). REST v2 paths are
checked against the v3 spec (the two share paths except the version segment); `/rest/agile/1.0/...` against the
Jira Software spec. Spec validation is off (the published files do not pass it) and `servers` points at a fixed
test host, as ../shared/jira-openapi/README.md says.
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT.parent / "shared" / "jira-openapi"
PLATFORM_SPEC = SPEC_DIR / "jira-platform.v3.json"
SOFTWARE_SPEC = SPEC_DIR / "jira-software.v3.json"
SPEC_HOST = "http://jira.test"

_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


class SpecsMissing(RuntimeError):
    """The specs are not where the tests expect them: the fake refuses to run without validation."""


def require_specs() -> None:
    """Fail loudly when the spec files are not beside the clone (CI has shared/ next to the repository). They are
    3 MB together, too large to vendor into tests/; a test run without them would silently stop checking requests,
    so it stops instead. Benchmarks, which do not validate, pass validate=False to the fake."""
    missing = [str(p) for p in (PLATFORM_SPEC, SOFTWARE_SPEC) if not p.is_file()]
    if missing:
        raise SpecsMissing(f"Atlassian OpenAPI specs not found: {', '.join(missing)}; put ../shared/jira-openapi "
                           "beside the repository clone (see its README.md)")


def _openapi(which: str):
    with _LOCK:
        if which not in _CACHE:
            from openapi_core import Config, OpenAPI

            path = PLATFORM_SPEC if which == "platform" else SOFTWARE_SPEC
            data = json.loads(path.read_text(encoding="utf-8"))
            data["servers"] = [{"url": SPEC_HOST}]
            _CACHE[which] = OpenAPI.from_dict(data, config=Config(spec_validator_cls=None))
        return _CACHE[which]


def spec_path(path: str) -> tuple[str, str]:
    """(which spec, path in that spec) for a request path; v2 maps to v3."""
    if path.startswith("/rest/agile/1.0/"):
        return "software", path
    if path.startswith("/rest/api/2/"):
        return "platform", "/rest/api/3/" + path[len("/rest/api/2/"):]
    return "platform", path


def _werkzeug_request(method: str, path: str, query: str, headers: dict[str, str], body: bytes):
    from werkzeug.test import EnvironBuilder

    # the Host header would override base_url: the spec's server is SPEC_HOST
    headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
    builder = EnvironBuilder(method=method, base_url=SPEC_HOST, path=path, query_string=query,
                             headers=headers, data=body or None)
    try:
        return builder.get_request()
    finally:
        builder.close()


def validate_request(method: str, path: str, query: str, headers: dict[str, str], body: bytes,
                     *, check_security: bool = True) -> Optional[str]:
    """None if the request is valid against the spec, else a one-line description of the problem."""
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
    from openapi_core.validation.request.exceptions import SecurityValidationError

    which, mapped = spec_path(path)
    request = WerkzeugOpenAPIRequest(_werkzeug_request(method, mapped, query, headers, body))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unsupported scheme type": the specs' OAuth schemes
            _openapi(which).validate_request(request)
    except SecurityValidationError as error:
        if check_security:
            return f"{method} {path}: {type(error).__name__}: {error}"
    except Exception as error:  # every validation failure is reported, whatever its class
        return f"{method} {path}?{query}: {type(error).__name__}: {_detail(error)}"
    return None


def validate_response(method: str, path: str, query: str, headers: dict[str, str], body: bytes, status: int,
                      response_body: bytes, content_type: str = "application/json") -> Optional[str]:
    """None if the fake's response is valid against the spec, else a one-line description."""
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.wrappers import Response

    which, mapped = spec_path(path)
    request = WerkzeugOpenAPIRequest(_werkzeug_request(method, mapped, query, headers, body))
    response = WerkzeugOpenAPIResponse(Response(response_body, status=status, content_type=content_type))
    try:
        _openapi(which).validate_response(request, response)
    except Exception as error:
        return f"response to {method} {path} ({status}): {type(error).__name__}: {_detail(error)}"
    return None


_SEEN_RESPONSES: set[tuple[str, str, int]] = set()


def first_response_of_its_kind(method: str, path: str, status: int) -> bool:
    """True once per (method, endpoint, status) and test session: responses are validated once per shape, which
    keeps the suite fast (requests, which are what sprintgen sends, are all validated)."""
    kind = (method, re.sub(r"/[A-Z][A-Z0-9]*-\d+|/\d+", "/#", path), status)
    with _LOCK:
        if kind in _SEEN_RESPONSES:
            return False
        _SEEN_RESPONSES.add(kind)
        return True


def _detail(error: Exception) -> str:
    parts = [str(error)]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 4:
        inner = getattr(cause, "schema_errors", None)
        parts.append(str(cause) if not inner else "; ".join(str(e.message) for e in inner))
        cause = cause.__cause__ or cause.__context__
    return " <- ".join(p for p in parts if p)[:600]


def query_string(params: dict[str, Any]) -> str:
    """A query string as requests would build it (lists repeated)."""
    return urlencode(params, doseq=True)
