"""Turning pydantic validation errors into one clear SprintgenError naming the file, line and field path."""

from __future__ import annotations

import re
from typing import Any, Callable, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from sprintgen.errors import SprintgenError, TeamError
from sprintgen.inputs.yamlio import format_loc, line_of

M = TypeVar("M", bound=BaseModel)


Locate = Callable[[tuple], Optional[int]]


def validate_document(model: type[M], data: Any, file: str, error_class: type[SprintgenError], what: str,
                      locate: Locate | None = None) -> M:
    """Validate parsed YAML against a model; the first error becomes one line with file, line and field path.

    `locate` finds the line of a field path when `data` was parsed without line numbers.
    """
    if data is None:
        raise error_class(f"the {what} is empty", file=file, hint=f"write a {what} as a YAML mapping")
    if not isinstance(data, dict):
        raise error_class(
            f"a {what} must be a YAML mapping (key: value), got {yaml_kind(data)}",
            file=file,
            line=getattr(data, "line", None) or (locate(()) if locate else None),
            hint=f"start the file with 'key: value' lines; see the {what} format in README.md",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, data, file, error_class, locate) from None


def yaml_kind(value: Any) -> str:
    """What a parsed YAML value is, in the words a YAML author uses (not Python's type names)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text value"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def from_validation_error(exc: ValidationError, data: Any, file: str, error_class: type[SprintgenError],
                          locate: Locate | None = None):
    """The first error of a pydantic ValidationError as a SprintgenError."""
    first = exc.errors(include_url=False)[0]
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    # Drop union/tag artefacts pydantic puts in locations (e.g. 'float', 'str').
    loc = _strip_internal(loc, data)
    message = _message(first)
    not_a_mapping = ("model_type", "dict_type", "model_attributes_type")
    if loc and loc[-1] in ("estimate", "impact") and first["type"] in not_a_mapping:
        message = f"{_short(first.get('input'))} is not an estimate"
        first = {**first, "type": "estimate"}
    more = len(exc.errors()) - 1
    hints = [_hint(first, error_class)]
    if more:
        hints.append(f"{more} more problem{'s' if more > 1 else ''} may follow once this is fixed")
    hint = "; ".join(h for h in hints if h) or None
    line = locate(loc) if locate is not None else line_of(data, loc)
    return error_class(message, file=file, line=line, where=format_loc(loc) or None, hint=hint)


def _hint(error: dict, error_class: type[SprintgenError]) -> str:
    """What to do about one schema error: specific advice where we have it, else where the format is described."""
    kind = error["type"]
    if error["msg"].startswith("Input should be") and kind not in _REWORDED:
        return ""  # pydantic's own words already say what is expected ("Input should be greater than 0")
    if kind == "string_pattern_mismatch":
        suggestion = re.sub(r"[^a-z0-9_-]+", "-", str(error.get("input", "")).lower()).strip("-_")
        return f"e.g. '{suggestion}'" if suggestion else "e.g. 'ingest-data'"
    if _HINTS.get(kind):
        return _HINTS[kind]
    if kind == "extra_forbidden" or (kind == "value_error" and error["msg"].startswith("Value error, need ")):
        return ""  # the message says what to do ("check the spelling", "need low <= likely <= high")
    section = "Team format" if issubclass(error_class, TeamError) else "Profile format"
    return f"see '{section}' in README.md"


#: Error types whose message is rewritten here (so pydantic's "Input should be" wording is not what the user sees).
_REWORDED = {"date_from_datetime_parsing", "date_parsing", "date_type", "estimate"}

#: What to do about schema errors whose message does not already say it (pydantic error type -> advice).
_HINTS = {
    "missing": "add it (see the format in README.md)",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "date_type": "write a date as YYYY-MM-DD",
    "estimate": "write a number (5), a range (3-8) or {low: 3, likely: 5, high: 8}",
}


def _strip_internal(loc: tuple, data: Any) -> tuple:
    kept = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            kept.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            kept.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier() and part not in (
            "float", "int", "str", "bool", "list", "dict", "constrained-str", "constrained-float"
        ):
            kept.append(part)  # a missing field: name it
            node = None
        else:
            continue
    return tuple(kept)


def _message(error: dict) -> str:
    kind = error["type"]
    msg = error["msg"]
    if kind == "extra_forbidden":
        return "unknown field; check the spelling against the format in README.md"
    if kind == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "string_pattern_mismatch":
        return ("must be lower-case letters, digits, '-' or '_', starting with a letter or digit, "
                f"got {_short(error.get('input'))}")
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type") and "input" in error:
        return f"{_short(error['input'])} is not a valid date ({msg.split(', ', 1)[-1]})"
    return _one_line(msg)


def _short(value: Any, limit: int = 60) -> str:
    """A value for a message: its repr on one line, cut to `limit` characters."""
    text = _one_line(repr(value) if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _one_line(text: str) -> str:
    # Messages are printed as exactly one line on stderr.
    return " ".join(str(text).split())
