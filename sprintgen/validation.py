"""Turning pydantic validation errors into one clear SprintgenError naming the file, line and field path."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import SprintgenError
from .yamlio import format_loc, line_of

M = TypeVar("M", bound=BaseModel)


def validate_document(model: type[M], data: Any, file: str, error_class: type[SprintgenError], what: str) -> M:
    """Validate parsed YAML against a model; the first error becomes one line with file, line and field path."""
    if data is None:
        raise error_class(f"the {what} is empty", file=file, hint=f"write a {what} as a YAML mapping")
    if not isinstance(data, dict):
        raise error_class(
            f"a {what} must be a YAML mapping (key: value), got {type(data).__name__}",
            file=file,
            line=getattr(data, "line", None),
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, data, file, error_class) from None


def from_validation_error(exc: ValidationError, data: Any, file: str, error_class: type[SprintgenError]):
    """The first error of a pydantic ValidationError as a SprintgenError."""
    first = exc.errors(include_url=False)[0]
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    # Drop union/tag artefacts pydantic puts in locations (e.g. 'float', 'str').
    loc = _strip_internal(loc, data)
    message = _message(first)
    more = len(exc.errors()) - 1
    hint = f"{more} more problem{'s' if more > 1 else ''} may follow once this is fixed" if more else None
    return error_class(message, file=file, line=line_of(data, loc), where=format_loc(loc) or None, hint=hint)


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
                f"got {error.get('input')!r}")
    return msg
