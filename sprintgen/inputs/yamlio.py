"""Reading YAML safely, keeping line numbers for error messages.

A private `yaml.SafeLoader` subclass: no Python (or other non-data) tags, duplicate keys refused, no infinite or NaN
numbers, no unencodable text; file size, nesting depth, alias count and the size aliases expand to are all bounded
(so an alias bomb, a multi-megabyte file or 100,000 levels of nesting fail fast in bounded memory). Every mapping
remembers the line of each key, so that a schema error at `epics[2].stories[0].estimate` can name its line.

Limits (documented in README.md, "Errors and exit codes"):

- `MAX_FILE_BYTES`: a profile or team file is at most 2 MiB (ten thousand stories take about 700 KiB);
- `MAX_DEPTH`: mappings and lists nest at most 64 levels;
- `MAX_ALIASES`: at most 200 `*alias` references per file;
- `MAX_ALIAS_NODES`: all aliases together may stand for at most 10,000 values once expanded (a "billion laughs"
  file expands to 10^9 and is refused before anything walks it).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from sprintgen.errors import InputError
from sprintgen.inputs.reading import read_limited

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000

_SURROGATE = re.compile("[\ud800-\udfff]")
#: Standard YAML tags SafeLoader would accept but that are not plain data in a profile.
_REFUSED_STANDARD_TAGS = ("binary", "set", "omap", "pairs")


class LineDict(dict):
    """A dict that remembers the line (1-based) each key was written on, and its own line."""

    lines: dict[Any, int]
    line: int


class LineList(list):
    """A list that remembers the line of each item, and its own line."""

    lines: list[int]
    line: int


try:  # libyaml, when PyYAML was built with it: the event stream comes from C, about five times faster
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None

# The composer stays the Python one in both cases: it is where depth and alias expansion are counted (libyaml's own
# composer would build a 100,000-level tree before we could look at it).
class _LimitsMixin:
    """Depth and alias limits, counted in the (Python) composer whatever parser feeds it events."""

    def _init_limits(self, filename: str) -> None:
        self.filename = filename
        self._aliases = 0
        self._alias_nodes = 0
        self._sizes: dict[int, int] = {}  # id(node) -> number of values it stands for, memoised
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise InputError(
                    f"more than {MAX_ALIASES} YAML aliases",
                    file=self.filename,
                    line=mark.line + 1,
                    hint="write the values out instead of using anchors and aliases",
                )
            anchor = self.peek_event().anchor
            if anchor in self.anchors:
                # An alias shares the node, so parsing stays cheap; but anything that later walks the data (a
                # validator, str(), a template) pays for the expanded size. Count it now, before that happens.
                self._alias_nodes += self._expanded_size(self.anchors[anchor])
                if self._alias_nodes > MAX_ALIAS_NODES:
                    raise InputError(
                        f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} values (an alias bomb?)",
                        file=self.filename,
                        line=mark.line + 1,
                        hint="write the values out instead of nesting anchors and aliases",
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

    def _expanded_size(self, node: yaml.Node) -> int:
        """How many values `node` stands for when every alias inside it is written out (memoised per node)."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(self._expanded_size(k) + self._expanded_size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._expanded_size(child) for child in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return size


class _PyLoader(_LimitsMixin, yaml.SafeLoader):
    """The pure-Python parser: used without libyaml, and to place errors that libyaml reports in its own terms."""

    def __init__(self, stream: str, filename: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._init_limits(filename)


if _CParser is not None:
    # Composer before CParser: CParser has a composer of its own in C, which would skip the limits.
    class _CLoader(_LimitsMixin, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,  # type: ignore
                   yaml.resolver.Resolver):
        """libyaml's parser (about five times faster) feeding the Python composer, where the limits are counted."""

        def __init__(self, stream: str, filename: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._init_limits(filename)

    _Loader: type = _CLoader
else:  # pragma: no cover - PyYAML without libyaml
    _Loader = _PyLoader


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    # Keys written in this mapping must be unique; keys brought in by a merge (`<<: *base`) may be overridden by them,
    # as YAML intends. flatten_mapping puts the merged pairs first, so the explicit ones are the last len(explicit).
    explicit_count = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    first_explicit = len(node.value) - explicit_count
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    written: dict[Any, int] = {}
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise InputError(
                "a mapping key must be a plain value", file=loader.filename, line=line,
                hint="use a word as the key, not a list or mapping",
            ) from None
        if index >= first_explicit:
            if key in written:
                raise InputError(
                    f"duplicate key '{key}' (first on line {written[key]})",
                    file=loader.filename,
                    line=line,
                    hint="remove or rename one of them",
                )
            written[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
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


def _construct_finite_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise InputError(
            f"'{node.value}' is not a finite number",
            file=loader.filename,
            line=node.start_mark.line + 1,
            hint="write an ordinary number",
        )
    return value


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    # A "\ud800" escape yields a lone surrogate: it cannot be written to any file or terminal, so refuse it here.
    if _SURROGATE.search(value):
        raise InputError(
            "text holds a lone surrogate escape (\\ud800-\\udfff) that cannot be written as UTF-8",
            file=loader.filename,
            line=node.start_mark.line + 1,
            hint="write the character itself, or a \\U escape of a real code point",
        )
    return value


for _cls in {_PyLoader, _Loader}:
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_finite_float)
    _cls.add_constructor("tag:yaml.org,2002:str", _construct_text)
    for _tag in _REFUSED_STANDARD_TAGS:
        _cls.add_constructor(f"tag:yaml.org,2002:{_tag}", lambda loader, node: _refuse_unknown_tag(loader, "", node))
    _cls.add_multi_constructor("", _refuse_unknown_tag)
    _cls.add_multi_constructor("!", _refuse_unknown_tag)


def read_text(path: str | Path, what: str = "file") -> str:
    """Read a UTF-8 text file with clear errors for missing files, directories, size and encoding.

    At most `MAX_FILE_BYTES + 1` bytes are ever read, so `/dev/zero` or a file that grows while being read cannot
    exhaust memory, and a FIFO nobody writes to is refused instead of waited on (`reading.read_limited`).
    """
    p = Path(path)
    data = read_limited(p, what, MAX_FILE_BYTES)
    if len(data) > MAX_FILE_BYTES:
        size = f"{p.stat().st_size:,} bytes, " if p.is_file() else ""
        raise InputError(f"{what} is {size}over the limit of {MAX_FILE_BYTES:,} bytes", file=p,
                         hint="split it into smaller files (or extend a shared profile)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", file=p, line=line, hint="save the file as UTF-8"
        ) from None


def parse_yaml(text: str, filename: str) -> Any:
    """Parse one YAML document from text; errors carry the file, line and column."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"over the limit of {MAX_FILE_BYTES:,} bytes", file=filename, hint="split it")
    try:
        return _load_with(_Loader, text, filename)
    except yaml.MarkedYAMLError as exc:
        if _Loader is _PyLoader:
            raise _syntax_error(exc, text, filename) from None
    # libyaml has limits and wording of its own (0.2.6 refuses deep nesting before our composer sees it): let the
    # Python parser, which counts sprintgen's limits as it goes, find and word the error the same way on every build.
    try:
        return _load_with(_PyLoader, text, filename)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, filename) from None


def _load_with(loader_class: type, text: str, filename: str) -> Any:
    loader = None
    try:
        loader = loader_class(text, filename)  # the reader checks for control characters right here
        return loader.get_single_data()
    except yaml.MarkedYAMLError:
        raise
    except yaml.reader.ReaderError as exc:
        # A control character (NUL, BEL...) in the text: name its line rather than an offset (libyaml counts the
        # offset in UTF-8 bytes, the Python reader in characters).
        before = text.encode("utf-8")[: exc.position] if loader_class is not _PyLoader else text[: exc.position]
        line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        raise InputError(f"character #x{exc.character:04x} is not allowed in YAML", file=filename, line=line,
                         hint="remove the control character (is this a binary file?)") from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {' '.join(str(exc).split())}", file=filename,
                         hint="fix the YAML syntax") from None
    except (RecursionError, MemoryError):
        raise InputError("YAML nested too deeply", file=filename, hint="flatten the structure") from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, filename: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = f"column {mark.column + 1}: " if mark else ""
    problem = exc.problem or exc.context or "invalid YAML"
    hint = "fix the YAML syntax"
    if mark and _char_at(text, mark.line, mark.column) == "\t":
        problem, hint = "a tab character where YAML needs spaces", "indent with spaces, never tabs"
    return InputError(f"{column}YAML syntax error: {problem}", file=filename, line=line, hint=hint)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


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
