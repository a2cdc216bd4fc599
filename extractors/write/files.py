"""Output files, safely: atomic writes (temp file, fsync, rename, folder fsync), owner-only modes
(or group read for a shared OUT), JSON files, and the lock over OUT's records and rejected/
(`records_lock`). The guarantees these give every writer are listed in extractors/write.py.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import tempfile
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

FILE_MODE = 0o600
SHARED_FILE_MODE = 0o640
LOCK_NAME = ".records.lock"

_held = threading.local()


def dir_mode(file_mode: int) -> int:
    """0600 -> 0700, 0640 -> 0750: a folder is searchable by whoever may read its files."""
    return file_mode | ((file_mode & 0o444) >> 2)


@contextmanager
def records_lock(out: Path):
    """Exclusive lock over OUT's records files and rejected/ (blocks until free).

    Re-entrant within a thread, so a function holding it can call the writers below."""
    out = Path(out)
    key = str(out.resolve())
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = {}
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[key] = 1
        try:
            yield
        finally:
            held[key] = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def ensure_dir(path: Path, file_mode: int = FILE_MODE) -> None:
    """Create a folder (and parents) owner-only, or with group access for a shared mode."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, dir_mode(file_mode))


def atomic_write(path: Path, write_fn, mode: int | None = None) -> None:
    """write_fn(tmp_path) then fsync + rename over `path`. mode None keeps an existing file's
    mode (FILE_MODE for a new file). The temp file is 0600 from its creation."""
    path = Path(path)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else FILE_MODE
    ensure_dir(path.parent, mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write_fn(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _json_default(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, set):
        return sorted(v)
    return str(v)


def write_json(path: Path, payload: dict, mode: int | None = None) -> None:
    def _w(p):
        with open(p, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2, ensure_ascii=False, default=_json_default)
    atomic_write(path, _w, mode)


def dir_file_mode(folder: Path) -> int | None:
    """New files in an existing folder get the folder's access (0700 -> 0600, 0750 -> 0640)."""
    if not folder.is_dir():
        return None
    m = folder.stat().st_mode & 0o777
    return FILE_MODE | (m & 0o040)
