"""Reading an input file within limits: never more than a size limit, never waiting forever.

A regular file is read up to `limit + 1` bytes. A FIFO, a character device or `/dev/stdin` (`--team <(make-team)`
works) is read without blocking: when no data arrives for `MAX_INPUT_WAIT_SECONDS` (a FIFO nobody writes to, a
terminal nobody types into) it is refused with one clear line instead of hanging. Every file read is noted, so the
run can refuse to write its output over one of its own inputs (see `atomic.py`).
"""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from sprintgen.errors import InputError
from sprintgen.inputs.atomic import check_path_name, forget_inputs, note_input

#: How long a FIFO or device input may stay silent before it is refused.
MAX_INPUT_WAIT_SECONDS = 5.0

#: What each FIFO or device input held when this run read it: a pipe can be read only once, and `validate` or an
#: `extends` chain may ask twice.
_streamed: dict[str, bytes] = {}


def start_run() -> None:
    """Forget the inputs of a previous run (the CLI calls this before each command)."""
    _streamed.clear()
    forget_inputs()


def read_limited(path: str | Path, what: str, limit: int) -> bytes:
    """At most `limit + 1` bytes of the file (so the caller can tell "over the limit"); clear errors otherwise."""
    p = Path(path)
    check_path_name(p, None)
    try:
        status = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=p, hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=p, hint="check the path") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"is a directory, not a {what}", file=p, hint="pass a YAML file")
    regular = stat.S_ISREG(status.st_mode)
    if not (regular or stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode)):
        raise InputError(f"is not a file (a socket or block device), not a {what}", file=p, hint="pass a YAML file")
    if not regular and os.path.abspath(p) in _streamed:
        return _streamed[os.path.abspath(p)]
    flags = os.O_RDONLY | (0 if regular else os.O_NONBLOCK) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=p, hint="check the file's permissions") from None
    try:
        note_input(os.fstat(fd), what)
        if regular:
            with os.fdopen(os.dup(fd), "rb") as handle:
                return handle.read(limit + 1)
        key = os.path.abspath(p)
        if key not in _streamed:
            _streamed[key] = _read_stream(fd, p, what, limit)
        return _streamed[key]
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=p, hint="check the file's permissions") from None
    finally:
        os.close(fd)


def _read_stream(fd: int, path: Path, what: str, limit: int) -> bytes:
    """A FIFO or device: read until end of file, the limit, or `MAX_INPUT_WAIT_SECONDS` without data."""
    chunks: list[bytes] = []
    size = 0
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    deadline = time.monotonic() + MAX_INPUT_WAIT_SECONDS
    while size <= limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            raise InputError(f"{what}: no data arrived within {MAX_INPUT_WAIT_SECONDS:g} s (a FIFO nobody writes "
                             "to, or a terminal?)", file=path, hint="pass a regular file")
        try:
            chunk = os.read(fd, min(65536, limit + 1 - size))
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        deadline = time.monotonic() + MAX_INPUT_WAIT_SECONDS
    return b"".join(chunks)
