"""Profile parameters: typed values from defaults and `--param NAME=VALUE`."""

from __future__ import annotations

import difflib
import math
import re
from typing import Any, Callable, Mapping

from sprintgen.errors import ProfileError
from sprintgen.model import Parameter, format_points

#: Parameter numbers stay within ±10^18: integers are exact (9007199254740993 stays ...993, read as an integer, not
#: through a float) and products in `scale` expressions are caught by their own bound (conditions.MAX_MAGNITUDE).
MAX_PARAMETER_MAGNITUDE = 10**18
_INTEGER = re.compile(r"[-+]?[0-9]{1,19}\Z")
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def parse_bool(value: Any) -> bool | None:
    """True or False for the ways people write yes and no (true/yes/y/on/1 ...), None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def parse_assignments(items: list[str] | tuple[str, ...], option: str = "--param", form: str = "NAME=VALUE",
                      example: str = "compliance=gdpr") -> dict[str, str]:
    """Parse `NAME=VALUE` strings from the command line (`--param`, `recommend --answer`)."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ProfileError(f"{option} '{_short(item)}' is not {form}", where=option,
                               hint=f"e.g. {option} {example}")
        values[name.strip()] = value.strip()
    return values


def value_text(value: Any) -> str:
    """A parameter value as `--param` takes it and outputs show it: lists comma-separated, booleans true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(value_text(v) for v in value)
    if isinstance(value, float):
        return format_points(value)
    return str(value)


def resolve_values(parameters: Mapping[str, Parameter], given: Mapping[str, Any], file: str | None = None
                   ) -> dict[str, Any]:
    """Every parameter's value: the given one (coerced to its type) or its default."""
    for name in given:
        if name not in parameters:
            close = difflib.get_close_matches(name, list(parameters), n=3, cutoff=0.5)
            known = ", ".join(sorted(parameters)) or "none"
            hint = f"did you mean {', '.join(close)}?" if close else f"this profile's parameters: {known}"
            raise ProfileError(f"unknown parameter '{name}'", file=file, where="--param", hint=hint)
    values: dict[str, Any] = {}
    for name, spec in parameters.items():
        if name in given:
            values[name] = coerce(name, spec, given[name], file, where="--param")
        else:
            values[name] = coerce(name, spec, spec.default, file, where=f"parameters.{name}.default")
    return values


def coerce(name: str, spec: Parameter, value: Any, file: str | None, where: str) -> Any:
    """A value converted to the parameter's type, within its choices and bounds."""

    def fail(problem: str) -> ProfileError:
        return ProfileError(f"parameter '{name}': {problem}", file=file, where=where, hint=_expectation(spec))

    if value is None:
        return [] if spec.type == "list" else None
    return _COERCERS.get(spec.type, _coerce_text)(spec, value, fail)


def _coerce_bool(spec: Parameter, value: Any, fail: Callable[[str], ProfileError]) -> bool:  # noqa: ARG001
    flag = parse_bool(value)
    if flag is None:
        raise fail(f"'{_short(value)}' is not true or false")
    return flag


def _coerce_number(spec: Parameter, value: Any, fail: Callable[[str], ProfileError]) -> int | float:
    if isinstance(value, bool):
        raise fail(f"'{value}' is not a number")
    if isinstance(value, str) and len(value.strip()) > 40:
        raise fail(f"'{_short(value)}' is not a number of at most 40 characters")
    try:
        text = str(value).strip()
        number = int(text) if isinstance(value, int) or _INTEGER.match(text) else float(value)
    except (TypeError, ValueError, OverflowError):
        raise fail(f"'{_short(value)}' is not a number") from None
    if not math.isfinite(number):
        raise fail(f"'{_short(value)}' is not a finite number")
    if abs(number) > MAX_PARAMETER_MAGNITUDE:
        raise fail(f"'{_short(value)}' is beyond ±10^18")
    if spec.type == "int":
        if number != int(number):
            raise fail(f"'{value}' is not a whole number")
        number = int(number)
    if spec.min is not None and number < spec.min:
        raise fail(f"{value} is below the minimum {spec.min:g}")
    if spec.max is not None and number > spec.max:
        raise fail(f"{value} is above the maximum {spec.max:g}")
    return number


def _coerce_list(spec: Parameter, value: Any, fail: Callable[[str], ProfileError]) -> list[str]:
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
        raise fail("list items must be plain values, not mappings or lists")
    items = value if isinstance(value, list) else [v for v in str(value).split(",")]
    items = [str(v).strip() for v in items if str(v).strip()]
    if spec.choices:
        bad = [v for v in items if v not in [str(c) for c in spec.choices]]
        if bad:
            raise fail(f"'{_short(bad[0])}' is not one of the choices")
    return items


def _coerce_choice(spec: Parameter, value: Any, fail: Callable[[str], ProfileError]) -> Any:
    for choice in spec.choices or []:
        if str(choice) == str(value):
            return choice
    raise fail(f"'{_short(value)}' is not one of the choices")


def _coerce_text(spec: Parameter, value: Any, fail: Callable[[str], ProfileError]) -> str:  # noqa: ARG001
    if isinstance(value, (dict, list)):
        raise fail("a mapping or list is not a text value")
    return str(value)


_COERCERS: dict[str, Callable[[Parameter, Any, Callable[[str], ProfileError]], Any]] = {
    "bool": _coerce_bool, "int": _coerce_number, "number": _coerce_number, "list": _coerce_list,
    "choice": _coerce_choice,
}


def _short(value: Any, limit: int = 60) -> str:
    """A user value for a one-line message: newlines folded, cut to `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expectation(spec: Parameter) -> str:
    if spec.type == "choice":
        return "choose one of: " + ", ".join(str(c) for c in spec.choices or [])
    if spec.type == "list":
        extra = f" from: {', '.join(str(c) for c in spec.choices)}" if spec.choices else ""
        return "give a comma-separated list" + extra
    if spec.type == "bool":
        return "give true or false"
    if spec.type in ("int", "number"):
        bounds = []
        if spec.min is not None:
            bounds.append(f">= {spec.min:g}")
        if spec.max is not None:
            bounds.append(f"<= {spec.max:g}")
        return f"give a {'whole ' if spec.type == 'int' else ''}number" + (f" {' and '.join(bounds)}" if bounds else "")
    return "give a text value"
