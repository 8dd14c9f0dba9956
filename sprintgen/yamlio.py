"""Reading YAML safely, keeping line numbers for error messages.

A private `yaml.SafeLoader` subclass: no Python tags, duplicate keys refused, aliases and file size bounded (so an
alias bomb or a multi-megabyte file fails fast in bounded memory), and every mapping remembers the line of each key,
so that a schema error at `epics[2].stories[0].estimate` can name its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 64


class LineDict(dict):
    """A dict that remembers the line (1-based) each key was written on, and its own line."""

    lines: dict[Any, int]
    line: int


class LineList(list):
    """A list that remembers the line of each item, and its own line."""

    lines: list[int]
    line: int


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str, filename: str) -> None:
        super().__init__(stream)
        self.filename = filename
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise InputError(
                    f"more than {MAX_ALIASES} YAML aliases",
                    file=self.filename,
                    line=mark.line + 1,
                    hint="write the values out instead of using anchors and aliases",
                )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise InputError(
                f"nested deeper than {MAX_DEPTH} levels", file=self.filename, line=mark.line + 1,
                hint="flatten the structure",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise InputError(
                "a mapping key must be a plain value", file=loader.filename, line=key_node.start_mark.line + 1
            ) from None
        if key in result:
            raise InputError(
                f"duplicate key '{key}' (first on line {result.lines[key]})",
                file=loader.filename,
                line=key_node.start_mark.line + 1,
                hint="remove or rename one of them",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    result.line = node.start_mark.line + 1
    return result


def _refuse_unknown_tag(loader: _Loader, suffix: str, node: yaml.Node) -> None:
    raise InputError(
        f"the YAML tag '{node.tag}' is not allowed",
        file=loader.filename,
        line=node.start_mark.line + 1,
        hint="profiles and team files hold plain data only; remove the tag",
    )


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay strings here; the models parse and validate them with a clear message.
    return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
_Loader.add_multi_constructor("", _refuse_unknown_tag)
_Loader.add_multi_constructor("!", _refuse_unknown_tag)


def read_text(path: str | Path, what: str = "file") -> str:
    """Read a UTF-8 text file with clear errors for missing files, directories, size and encoding."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} not found", file=p, hint="check the path")
    if p.is_dir():
        raise InputError(f"is a directory, not a {what}", file=p, hint="pass a YAML file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{what} is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                file=p,
                hint="split it into smaller files",
            )
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=p) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", file=p, line=line, hint="save the file as UTF-8"
        ) from None


def parse_yaml(text: str, filename: str) -> Any:
    """Parse one YAML document from text; errors carry the file, line and column."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError(f"over the limit of {MAX_FILE_BYTES:,} bytes", file=filename, hint="split it")
    loader = _Loader(text, filename)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f"column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"{column}YAML syntax error: {problem}", file=filename, line=line,
                         hint="fix the YAML syntax") from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=filename) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", file=filename, hint="flatten the structure") from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path, what: str = "file") -> Any:
    """Read and parse a YAML file."""
    return parse_yaml(read_text(path, what), str(path))


def line_of(data: Any, loc: tuple) -> int | None:
    """The line of the deepest element of `data` reachable along a pydantic error location."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines[part]
            node = node[part]
        else:
            break
    return line


def format_loc(loc: tuple) -> str:
    """Turn ('epics', 0, 'stories', 2, 'estimate') into 'epics[0].stories[2].estimate'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
