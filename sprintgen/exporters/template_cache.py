"""The compiled-template cache: compiling the roadmap template costs more than rendering it, every run.

Cached entries are Python bytecode, so nothing another user or a repository can write is ever loaded:

- the directory (`cache_dir()/templates`) must be a real directory owned by the user and not group- or
  world-writable, else no cache is used at all;
- each entry is opened without following links and must be a regular file owned by the user and not group- or
  world-writable, and it must carry the SHA-256 of its contents: an entry failing either check is ignored (never
  executed) and recompiled, and the fresh entry replaces it (a corrupted entry fails one check, not every later run);
- the key includes `CACHE_FORMAT`, so code compiled by an older sprintgen (without today's limits) is never used.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

#: Bump when the compiled code changes shape (e.g. the work limits inserted at compile time).
CACHE_FORMAT = "sprintgen-limits-1"
_MAX_ENTRY_BYTES = 16 * 1024 * 1024


def cache_dir() -> Path:
    """Where compiled templates are cached: under $SPRINTGEN_HOME when set, else $XDG_CACHE_HOME/sprintgen."""
    if os.environ.get("SPRINTGEN_HOME"):
        return Path(os.environ["SPRINTGEN_HOME"]) / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sprintgen"


def trusted(status: os.stat_result, kind: int) -> bool:
    """Ours alone: the right kind of file, owned by this user, writable by no one else."""
    return (stat.S_IFMT(status.st_mode) == kind and status.st_uid == os.getuid()
            and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def bytecode_cache():
    """A checked bytecode cache, or None (compile every time) when the directory cannot be made or trusted."""
    from jinja2 import FileSystemBytecodeCache

    class CheckedCache(FileSystemBytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return hashlib.sha1(f"{CACHE_FORMAT}\0{name}\0{filename or ''}".encode("utf-8", "surrogatepass")
                                ).hexdigest()

        def load_bytecode(self, bucket) -> None:
            data = _read_entry(Path(self._get_cache_filename(bucket)))
            if data is None:
                return
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # unreadable bytecode (another Python?): recompile
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            _write_entry(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())

    directory = cache_dir() / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not trusted(os.lstat(directory), stat.S_IFDIR):
            return None
    except OSError:
        return None
    return CheckedCache(str(directory), pattern="%s.jinja.cache")


def _read_entry(path: Path) -> bytes | None:
    """The entry's bytecode if it passes every check, else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not trusted(os.fstat(fd), stat.S_IFREG):
            return None
        data = handle.read(_MAX_ENTRY_BYTES)
    digest, payload = data[:32], data[32:]
    return payload if hashlib.sha256(payload).digest() == digest else None


def _write_entry(path: Path, payload: bytes) -> None:
    """Write an entry (digest, then bytecode) atomically; a cache that cannot be written is simply not used."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=path.parent)  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
