"""The one rule for every file sprintgen writes (`--output`, `--save-answers`, `init`).

- `-` is stdout; `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` write to that descriptor as it is (a `>>` stays an
  append). A character device or a FIFO is written straight through: it is never renamed over, so
  `-o /dev/null` run as root cannot replace the machine's `/dev/null`.
- A regular file (or a new one) is replaced atomically: readers see the old file or the whole new one, never a part.
  The text is complete before anything is written (the CLI renders first), it is written and fsynced to a temporary
  file in the same directory, and `os.replace` swaps it in. On any failure, including Ctrl-C, the temporary file is
  removed and the old file is left as it was. A symlink stays a link: the file it points to is replaced.
- Refused with one clear line, before anything is written: a directory, a name ending in `/`, a block device or
  socket, a read-only file, a name over the system's limits, a file this run read as an input (the profile, team,
  template...) and, when `inside` is given, a path whose real location is outside that directory.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from sprintgen.errors import InputError

STDOUT = "-"
#: Longest file name (one path component) and whole path, in bytes: Linux and macOS limits.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
_DESCRIPTOR_PATH = re.compile(r"^/(?:dev|proc/self)/fd/(\d+)$")
_NAMED_DESCRIPTORS = {"/dev/stdout": 1, "/dev/stderr": 2}

#: (device, inode) -> what it is ("profile", "team file"...) for every file this run read: never an output.
_inputs_read: dict[tuple[int, int], str] = {}


def forget_inputs() -> None:
    """Start a new run (the CLI calls this before each command)."""
    _inputs_read.clear()


def note_input(status: os.stat_result, what: str) -> None:
    """Remember that this run read a file (its `os.stat` result), so no output may replace it."""
    if stat.S_ISREG(status.st_mode):
        _inputs_read.setdefault((status.st_dev, status.st_ino), what)


def check_path_name(path: str | Path, option: str | None) -> None:
    """Refuse a path whose name is longer than the file system allows, with the option that gave it."""
    text = os.fsencode(os.fspath(path))
    longest = max((len(part) for part in text.split(b"/")), default=0)
    if longest > MAX_NAME_BYTES or len(text) > MAX_PATH_BYTES:
        what = f"a file name of {longest} bytes" if longest > MAX_NAME_BYTES else f"a path of {len(text)} bytes"
        raise InputError(f"{what} is longer than the limit of "
                         f"{MAX_NAME_BYTES if longest > MAX_NAME_BYTES else MAX_PATH_BYTES} bytes",
                         file=_short(path), where=option, hint="choose a shorter name")


def write_output(path: str | Path, text: str, option: str = "--output", inside: Path | None = None) -> None:
    """Write `text` to `path` by the rule above; `option` names what gave the path in error messages."""
    if os.fspath(path) == STDOUT:
        _write_stdout(text, option)
        return
    data = _encode(text, path, option)
    given = Path(path)
    check_path_name(given, option)
    if os.fspath(path).endswith(("/", os.sep)):
        raise InputError("names a directory (it ends with '/')", file=path, where=option,
                         hint="give a file path, e.g. " + os.path.join(os.fspath(path), "roadmap.md"))
    descriptor = _NAMED_DESCRIPTORS.get(os.fspath(path))
    match = _DESCRIPTOR_PATH.match(os.fspath(path))
    if descriptor is None and match:
        descriptor = int(match.group(1))
    if descriptor is not None:
        _write_descriptor(descriptor, data, given, option)
        return
    if inside is not None:
        check_inside(given, inside, option)
    status = _status(given, option)
    if status is not None:
        _check_target(given, status, option)
        if stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode):
            _write_through(given, data, option)
            return
    _replace(given, data, option)


def _short(path: str | Path) -> str:
    text = os.fspath(path)
    return text if len(text) <= 80 else text[:60] + "..." + text[-16:]


def _encode(text: str, path: str | Path, option: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"the output holds a character that cannot be written as UTF-8 (position {exc.start})",
                         file=path, where=option, hint="remove the character from the input") from None


def _status(path: Path, option: str) -> os.stat_result | None:
    """The target's status (through symlinks), None when it does not exist yet."""
    try:
        return os.stat(path)
    except FileNotFoundError:  # a new file (or a link to one: it is created where the link points)
        return None
    except OSError as exc:
        raise InputError(f"cannot use this path: {exc.strerror}", file=_short(path), where=option,
                         hint="check the path") from None


def _check_target(path: Path, status: os.stat_result, option: str) -> None:
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("is a directory", file=path, where=option, hint="give a file path")
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file"
        raise InputError(f"is {kind}; sprintgen writes only to files, FIFOs and character devices",
                         file=path, where=option, hint="give a file path")
    what = _inputs_read.get((status.st_dev, status.st_ino))
    if what is not None:
        raise InputError(f"is the {what} this run read; writing there would destroy it", file=path, where=option,
                         hint="choose another output file")
    if not os.access(path, os.W_OK):
        raise InputError("is not writable (permission denied)", file=path, where=option,
                         hint="check the file's permissions or choose another path")


def check_inside(path: Path, root: Path, option: str) -> None:
    """Refuse a path whose real location (after symlinks) is outside `root`."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise InputError(f"leads outside {root} (to {real})", file=path, where=option,
                         hint="remove the link, or run in another directory")


def _write_stdout(text: str, option: str) -> None:
    stream = sys.stdout
    if stream is None or getattr(stream, "closed", False):
        raise InputError("stdout is closed; nothing was written", where=option,
                         hint="run with stdout open, or write to a file with --output FILE")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise InputError(f"stdout's encoding ({encoding}) cannot write {bad!r} (U+{ord(bad):04X}); nothing was "
                         "written", where=option,
                         hint="set PYTHONIOENCODING=utf-8, or write to a file with --output FILE") from None
    except LookupError:
        pass
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        raise InputError(f"cannot write to stdout: {exc.strerror}", where=option,
                         hint="write to a file with --output FILE") from None


def _write_descriptor(fd: int, data: bytes, path: Path, option: str) -> None:
    """/dev/stdout and friends: the descriptor the shell set up, as it is (never reopened, so never truncated)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not getattr(stream, "closed", False):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
    try:
        os.fstat(fd)
    except OSError:
        raise InputError(f"descriptor {fd} is not open; nothing was written", file=path, where=option,
                         hint="run with it open, or write to a file") from None
    _write_all(fd, data, path, option)


def _write_through(path: Path, data: bytes, option: str) -> None:
    """A FIFO or character device: open it for writing (no truncation, no rename) and write."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot open for writing: {exc.strerror}", file=path, where=option,
                         hint="check the path and its permissions") from None
    try:
        _write_all(fd, data, path, option)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, path: Path, option: str) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=path, where=option,
                         hint="check the reader of the FIFO or device") from None


def _replace(given: Path, data: bytes, option: str) -> None:
    """A regular file or a new one: a temporary file beside it, fsynced, then one rename."""
    # Through a symlink, replace the file it points to rather than the link (a roadmap linked into docs/ stays linked).
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the directory does not exist", file=given, where=option,
                         hint="create it first or choose another path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=given, where=option,
                         hint="check the directory's permissions") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        _sync_directory(directory)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=given, where=option,
                         hint="check the disk space and permissions") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask (mkstemp uses 0600)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (best effort)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
