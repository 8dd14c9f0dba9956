"""Reading YAML safely, keeping line numbers for error messages (when they are asked for).

No Python (or other non-data) tags, duplicate keys refused, no infinite or NaN numbers, no unencodable text; file
size, nesting depth, alias count and the size aliases expand to are all bounded (so an alias bomb, a multi-megabyte
file or 100,000 levels of nesting fail fast in bounded memory). Scalars are read by the YAML 1.2 core schema
(`yamlschema`). With `lines=True` every mapping remembers the line of each key, so that a schema error at
`epics[2].stories[0].estimate` can name its line.

Speed: libyaml parses and composes when PyYAML has it and the text holds no alias; otherwise libyaml (or the Python
parser) feeds the Python composer, where the alias limits are counted. Figures for a 1.2 MB profile of 10,000
stories (CPU seconds): composing in Python 2.4, composing in C 0.9, then building the data 0.04 without line
numbers and 0.10 with them; large profiles are therefore read without lines and read again only when an error needs
one (`YamlDocument.line`, used for profiles and the epic files they include).

Limits (documented in README.md, "Limits"):

- `MAX_FILE_BYTES`: a profile, epic or team file is at most 2 MiB (ten thousand stories take about 1.2 MiB);
- `MAX_DEPTH`: mappings and lists nest at most 64 levels;
- `MAX_ALIASES`: at most 200 `*alias` references per file;
- `MAX_ALIAS_NODES`: all aliases together may stand for at most 10,000 values once expanded (a "billion laughs"
  file expands to 10^9 and is refused before anything walks it);
- `yamlschema.MAX_NUMBER_CHARS`: a number is written with at most 100 characters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sprintgen.errors import InputError
from sprintgen.inputs.reading import read_limited
from sprintgen.inputs.yamlschema import MAX_DEPTH, Builder, CoreResolver, LineDict, LineList

__all__ = ["MAX_FILE_BYTES", "MAX_ALIASES", "MAX_DEPTH", "MAX_ALIAS_NODES", "LineDict", "LineList", "read_text",
           "parse_yaml", "load_yaml", "load_document", "YamlDocument", "line_of", "format_loc"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 200
MAX_ALIAS_NODES = 10_000

try:  # libyaml, when PyYAML was built with it: the event stream (and, below, the node tree) come from C
    from yaml._yaml import CParser as _CParser, get_version as _libyaml_version
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None

#: libyaml refuses nesting past 1,000 levels itself from 0.2.6 on; older builds would recurse in C without limit.
_C_COMPOSER_SAFE = _CParser is not None and _libyaml_version() >= (0, 2, 6)


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
                raise InputError(f"more than {MAX_ALIASES} YAML aliases", file=self.filename, line=mark.line + 1,
                                 hint="write the values out instead of using anchors and aliases")
            anchor = self.peek_event().anchor
            if anchor in self.anchors:
                # An alias shares the node, so parsing stays cheap; but anything that later walks the data (a
                # validator, str(), a template) pays for the expanded size. Count it now, before that happens.
                self._alias_nodes += self._expanded_size(self.anchors[anchor])
                if self._alias_nodes > MAX_ALIAS_NODES:
                    raise InputError(f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} values (an alias bomb?)",
                                     file=self.filename, line=mark.line + 1,
                                     hint="write the values out instead of nesting anchors and aliases")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise InputError(f"nested deeper than {MAX_DEPTH} levels", file=self.filename, line=mark.line + 1,
                             hint="flatten the structure")
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


class _PyLoader(_LimitsMixin, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[misc]
                yaml.composer.Composer, CoreResolver):
    """The pure-Python parser: used without libyaml, and to place errors that libyaml reports in its own terms."""

    def __init__(self, stream: str, filename: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        CoreResolver.__init__(self)
        self._init_limits(filename)


_CComposer: type | None = None
if _CParser is not None:
    # Composer before CParser: CParser has a composer of its own in C, which would skip the limits.
    class _CLoader(_LimitsMixin, yaml.composer.Composer, _CParser, CoreResolver):  # type: ignore[misc]
        """libyaml's parser feeding the Python composer, where the limits are counted."""

        def __init__(self, stream: str, filename: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            CoreResolver.__init__(self)
            self._init_limits(filename)

    if _C_COMPOSER_SAFE:
        class _CComposer(_CParser, CoreResolver):  # type: ignore[misc, no-redef]
            """libyaml's parser and composer: the node tree comes from C, nothing is counted while composing.

            Used only for text without aliases (no '*' anywhere), where the alias limits have nothing to count;
            libyaml stops nesting at 1,000 levels and the builder at MAX_DEPTH.
            """

            def __init__(self, stream: str, filename: str) -> None:
                _CParser.__init__(self, stream)
                CoreResolver.__init__(self)
                self.filename = filename

    _Loader: type = _CLoader
else:  # pragma: no cover - PyYAML without libyaml
    _Loader = _PyLoader


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


def parse_yaml(text: str, filename: str, lines: bool = True) -> Any:
    """Parse one YAML document from text; errors carry the file, line and column.

    With `lines`, mappings and lists are `LineDict`/`LineList` that know the line of each entry.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"over the limit of {MAX_FILE_BYTES:,} bytes", file=filename, hint="split it")
    loader_class = _CComposer if _CComposer is not None and "*" not in text else _Loader
    try:
        return _load_with(loader_class, text, filename, lines)
    except yaml.MarkedYAMLError as exc:
        if loader_class is _PyLoader:
            raise _syntax_error(exc, text, filename) from None
    # libyaml has limits and wording of its own (0.2.6 refuses deep nesting before our composer sees it): let the
    # Python parser, which counts sprintgen's limits as it goes, find and word the error the same way on every build.
    try:
        return _load_with(_PyLoader, text, filename, lines)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, filename) from None


def _load_with(loader_class: type, text: str, filename: str, lines: bool) -> Any:
    loader = None
    try:
        loader = loader_class(text, filename)  # the reader checks for control characters right here
        node = loader.get_single_node()
        return None if node is None else Builder(filename, lines).build(node)
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


def load_yaml(path: str | Path, what: str = "file", lines: bool = True) -> Any:
    """Read and parse a YAML file."""
    return parse_yaml(read_text(path, what), str(path), lines)


class YamlDocument:
    """A parsed YAML file whose line numbers are found only when asked for (by parsing it once more, with lines).

    Large profiles are read this way: building line-numbered containers costs more than half again the time of
    building plain ones, and only an error message ever needs a line.
    """

    def __init__(self, path: str, text: str, data: Any) -> None:
        self.path = path
        self.text = text
        self.data = data
        self._lined: Any = None

    def release(self) -> Any:
        """The parsed data, handed over once: the document keeps only its text (for `line`), not the data, which a
        large profile would otherwise hold in memory twice (as YAML data and as validated models)."""
        data, self.data = self.data, None
        return data

    def line(self, loc: tuple) -> int | None:
        """The line of the element at `loc` (a path of keys and indexes, as pydantic reports it)."""
        if self._lined is None:
            self._lined = parse_yaml(self.text, self.path, lines=True)
        return line_of(self._lined, loc)


def load_document(path: str | Path, what: str = "file") -> YamlDocument:
    """Read and parse a YAML file without line numbers (they are found on demand: `YamlDocument.line`)."""
    text = read_text(path, what)
    return YamlDocument(str(path), text, parse_yaml(text, str(path), lines=False))


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
