"""From YAML nodes to plain data: the YAML 1.2 core schema, sprintgen's refusals, and line numbers on request.

Plain scalars are read by the YAML 1.2 core schema, not PyYAML's YAML 1.1 default, so a value means what its author
meant: `NO` (Norway) and `yes` stay text, `1:30` is text (YAML 1.1 reads 90), `2027-01-04` is text (the models parse
dates). Only `true`/`false` are booleans and only decimal, `0o` and `0x` integers are numbers. What YAML 1.1 would
read differently and a reader could mean either way is refused with "quote it": an integer with a leading zero
(`010` is 8 in YAML 1.1, 10 in 1.2). A number written with more than `MAX_NUMBER_CHARS` characters is refused
before Python converts it (a 5,000-digit integer would otherwise raise deep inside Python).

`build` turns a composed node tree into dicts, lists and scalars. With `lines=True` every mapping and list remembers
the line of each entry (`LineDict`, `LineList`) for error messages; without, plain containers are built, which is
what large profiles use (the lines are found again, by parsing once more, only when an error needs one).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from sprintgen.errors import InputError

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 100

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MERGE = (_TAG + t for t in ("str", "int", "float", "bool", "null", "merge"))
_TIMESTAMP, _MAP, _SEQ = _TAG + "timestamp", _TAG + "map", _TAG + "seq"
_INT = re.compile(r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z|[-+]?\.(?:inf|Inf|INF)\Z"
                    r"|\.(?:nan|NaN|NAN)\Z")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_SURROGATE = re.compile("[\ud800-\udfff]")


class LineDict(dict):
    """A dict that remembers the line (1-based) each key was written on, and its own line."""

    lines: dict[Any, int]
    line: int


class LineList(list):
    """A list that remembers the line of each item, and its own line."""

    lines: list[int]
    line: int


def resolve_scalar(value: str, plain: bool) -> str:
    """The YAML 1.2 core-schema tag of a scalar (quoted scalars are always text)."""
    if not plain:
        return STR
    first = value[:1]
    if first in "0123456789+-.":
        if _INT.match(value):
            return INT
        if _FLOAT.match(value):
            return FLOAT
        return STR
    if value in _BOOLS:
        return BOOL
    if value in _NULLS:
        return NULL
    if value == "<<":
        return MERGE
    return STR


class CoreResolver(yaml.resolver.BaseResolver):
    """PyYAML's resolver hook answering with the YAML 1.2 core schema (and fast: no regex list per scalar)."""

    def resolve(self, kind, value, implicit):  # type: ignore[override]
        if kind is ScalarNode:
            return resolve_scalar(value, implicit[0])
        return super().resolve(kind, value, implicit)


class Builder:
    """Builds data from one composed document (nodes shared by aliases are built once and shared)."""

    def __init__(self, filename: str, lines: bool) -> None:
        self.filename = filename
        self.lines = lines
        self._built: dict[int, Any] = {}
        self._building: set[int] = set()

    def error(self, node: yaml.Node, message: str, hint: str) -> InputError:
        return InputError(message, file=self.filename, line=node.start_mark.line + 1, hint=hint)

    def build(self, node: yaml.Node, depth: int = 1) -> Any:
        """The value of `node` (containers at most MAX_DEPTH deep)."""
        if node.__class__ is ScalarNode:
            return self.scalar(node)
        if depth > MAX_DEPTH:
            raise self.error(node, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        ident = id(node)
        if ident in self._built:  # an alias (only the composer with limits lets those through)
            return self._built[ident]
        if ident in self._building:
            raise yaml.constructor.ConstructorError(None, None, "found an alias that refers to itself",
                                                    node.start_mark)
        if node.tag not in (_MAP, _SEQ):
            raise self._refused_tag(node)
        self._building.add(ident)
        value = self.mapping(node, depth) if node.__class__ is MappingNode else self.sequence(node, depth)
        self._building.discard(ident)
        self._built[ident] = value
        return value

    def sequence(self, node: SequenceNode, depth: int) -> list:
        if not self.lines:
            return [self.build(child, depth + 1) for child in node.value]
        result = LineList(self.build(child, depth + 1) for child in node.value)
        result.lines = [child.start_mark.line + 1 for child in node.value]
        result.line = node.start_mark.line + 1
        return result

    def mapping(self, node: MappingNode, depth: int) -> dict:
        pairs = node.value
        merged: dict = {}
        if any(key.tag == MERGE for key, _ in pairs):
            pairs, merged = self._merge(node, depth)
        result: dict = LineDict() if self.lines else {}
        key_lines: dict = {}
        result.update(merged)
        written: dict[Any, int] = {}
        for key_node, value_node in pairs:
            key = self.build(key_node, depth + 1)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                raise self.error(key_node, "a mapping key must be a plain value",
                                 "use a word as the key, not a list or mapping") from None
            if key in written:
                raise self.error(key_node, f"duplicate key '{key}' (first on line {written[key]})",
                                 "remove or rename one of them")
            written[key] = line
            result[key] = self.build(value_node, depth + 1)
            key_lines[key] = line
        if self.lines:
            result.lines = {**getattr(merged, "lines", {}), **key_lines}
            result.line = node.start_mark.line + 1
        return result

    def _merge(self, node: MappingNode, depth: int) -> tuple[list, dict]:
        """`<<: *base` (or a list of bases): their keys first, earlier bases winning; the written keys override."""
        pairs, merged = [], LineDict() if self.lines else {}
        if self.lines:
            merged.lines = {}
        for key_node, value_node in node.value:
            if key_node.tag != MERGE:
                pairs.append((key_node, value_node))
                continue
            bases = value_node.value if value_node.__class__ is SequenceNode else [value_node]
            for base_node in reversed(bases):
                if base_node.__class__ is not MappingNode:
                    raise self.error(base_node, "a merge key ('<<') needs a mapping or a list of mappings",
                                     "merge an anchored mapping: '<<: *name'")
                base = self.build(base_node, depth + 1)
                merged.update(base)
                if self.lines:
                    merged.lines.update(getattr(base, "lines", {}))
        return pairs, merged

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == STR or tag == _TIMESTAMP:  # dates stay text: the models parse them with a clear message
            if _SURROGATE.search(value):
                raise self.error(node, "text holds a lone surrogate escape (\\ud800-\\udfff) that cannot be written "
                                       "as UTF-8", "write the character itself, or a \\U escape of a real code point")
            return value
        if tag == INT or tag == FLOAT:
            return self.number(node, tag)
        if tag == BOOL:
            if value not in _BOOLS:
                raise self.error(node, f"'{value}' is not true or false", "write true or false")
            return _BOOLS[value]
        if tag == NULL:
            return None
        if tag == MERGE:
            raise self.error(node, "'<<' is a merge key, not a value", "quote it: '<<'")
        raise self._refused_tag(node)

    def number(self, node: ScalarNode, tag: str) -> int | float:
        value = node.value
        if len(value) > MAX_NUMBER_CHARS:
            raise self.error(node, f"a number of {len(value):,} characters (more than {MAX_NUMBER_CHARS})",
                             "write a smaller number, or quote it if it is text")
        try:
            if tag == INT:
                digits = value.lstrip("+-")
                if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
                    raise self.error(node, f"'{value}' has a leading zero (YAML 1.1 reads it as an octal number)",
                                     f"write {int(value, 10)}, or quote it if it is text")
                return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
            if value.lower().endswith(("inf", "nan")):
                raise self.error(node, f"'{value}' is not a finite number", "write an ordinary number")
            number = float(value)
        except ValueError:
            kind = "an integer" if tag == INT else "a number"
            raise self.error(node, f"'{value}' is not {kind}", "write a number, or quote it if it is text") from None
        if not math.isfinite(number):
            raise self.error(node, f"'{value}' is not a finite number", "write an ordinary number")
        return number

    def _refused_tag(self, node: yaml.Node) -> InputError:
        return self.error(node, f"the YAML tag '{node.tag}' is not allowed",
                          "profiles and team files hold plain data only; remove the tag")
