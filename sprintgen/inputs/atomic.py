"""Writing output files atomically: a temporary file beside the target, then one rename.

Readers see the old file or the whole new one, never a part: the text is complete before anything is written (the
CLI renders first, then calls `write_atomic`), it is written and fsynced to a temporary file in the same directory,
and `os.replace` swaps it in. On any failure, including Ctrl-C, the temporary file is removed and the old file is
left as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sprintgen.errors import InputError


def write_atomic(path: str | Path, text: str, option: str = "--output") -> None:
    """Write `text` to `path` so that readers see the old file or the whole new one, never a part.

    `option` names what gave the path (e.g. `--output`) in error messages.
    """
    given = Path(path)
    # Through a symlink, replace the file it points to rather than the link (a roadmap linked into docs/ stays linked).
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError("is a directory", file=given, where=option, hint="give a file path")
    if not directory.is_dir():
        raise InputError("the directory does not exist", file=given, where=option,
                         hint="create it first or choose another path")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"the output holds a character that cannot be written as UTF-8 (position {exc.start})",
                         file=given, where=option, hint="remove the character from the input") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
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
