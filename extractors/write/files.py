"""Output files, safely: atomic writes (temp file, fsync, rename, folder fsync), owner-only modes
(or group read for a shared OUT), JSON files, and the lock over OUT's records and rejected/
(`records_lock`). The guarantees these give every writer are listed in extractors/write.py.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import io
import json
import os
import re
import tempfile
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

FILE_MODE = 0o600
SHARED_FILE_MODE = 0o640
LOCK_NAME = ".records.lock"

_held = threading.local()

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def printable(text: str) -> str:
    """Text that UTF-8 can hold, for every output (JSON, Parquet, CSV, the terminal): a byte of
    a file name that is not UTF-8 (which Python keeps as a lone surrogate, os.fsdecode) is
    written as the four characters \\xNN, any other lone surrogate as \\uXXXX. Text without
    either is returned unchanged."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}"
                          if 0xDC80 <= ord(m[0]) <= 0xDCFF else f"\\u{ord(m[0]):04x}", text)


def printable_path(path) -> str:
    """A path as outputs record it (`source_file`, messages): see `printable`."""
    return printable(os.fsdecode(path))


def source_path(recorded: str) -> Path:
    """The path a `printable_path` names again: each \\xNN (80-ff) back to its byte. (A name
    that really contains a backslash followed by x and two hex digits reads as the byte: try
    the recorded text as a path first.)"""
    return Path(_ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m[1], 16)), recorded))


def printable_tree(value):
    """`printable` applied to every string in a JSON-like value (keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_tree(k) if isinstance(k, str) else k: printable_tree(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(v) for v in value]
    return value


def dir_mode(file_mode: int) -> int:
    """0600 -> 0700, 0640 -> 0750: a folder is searchable by whoever may read its files."""
    return file_mode | ((file_mode & 0o444) >> 2)


@contextmanager
def folder_lock(out: Path, name: str, mode: int | None = None):
    """Exclusive flock on OUT/name (blocks until free; released when the process dies).
    Re-entrant within a thread, per lock file. `mode`: the lock file's mode when it is made."""
    path = Path(out) / name
    key = str(path.resolve())
    held = _held.__dict__.setdefault("paths", {})
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if created and mode is not None:
            os.fchmod(fd, mode)
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[key] = 1
        try:
            yield
        finally:
            held[key] = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def records_lock(out: Path):
    """Exclusive lock over OUT's records files and rejected/ (blocks until free).

    Re-entrant within a thread, so a function holding it can call the writers below."""
    ensure_dir(Path(out))           # a new OUT is owner-only whatever the umask
    with folder_lock(out, LOCK_NAME):
        yield


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
    """Create a folder (and the parents it needs) owner-only, or with group access for a
    shared mode, whatever the umask: every folder made here gets that mode."""
    path = Path(path)
    if path.is_dir():
        return
    made = []
    p = path
    while not p.exists() and p != p.parent:
        made.append(p)
        p = p.parent
    path.mkdir(parents=True, exist_ok=True)
    for p in made:
        try:
            os.chmod(p, dir_mode(file_mode))
        except OSError:
            pass
    os.chmod(path, dir_mode(file_mode))


def _os_error(exc: BaseException, path: Path) -> OSError | None:
    """The OSError behind a writer's failure: in its causes, or ENOSPC when the disk is full
    (polars reports a full disk as ComputeError "Invalid thrift: transport error")."""
    seen = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    if "no space left" in text or "disk quota" in text:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    try:        # the failed write's temp file is still there: a full disk is (nearly) empty
        st = os.statvfs(path)
        free = st.f_bfree if os.geteuid() == 0 else st.f_bavail
        if free * st.f_frsize < 1 << 16 or (st.f_files and st.f_favail == 0):
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    except OSError:
        pass
    if type(exc).__module__.split(".")[0] == "polars" and \
            any(m in text for m in ("i/o", "io error", "os error", "transport error")):
        return OSError(errno.EIO, f"write failed ({type(exc).__name__}: {exc})", str(path))
    return None


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
        try:
            write_fn(tmp)
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - a library's wrapping of a write error
            err = _os_error(exc, path.parent)
            if err is None:
                raise
            raise err from exc
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


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """`data` written atomically to `path` (Python's own writes: a full disk is an OSError)."""
    def _w(p):
        with open(p, "wb") as f:
            f.write(data)
    atomic_write(path, _w, mode)


def frame_bytes(df, fmt: str) -> bytes:
    """A polars frame as Parquet or CSV bytes, made in memory: the disk is written by
    `write_bytes`, never by polars (whose errors do not say that the disk is full)."""
    buf = io.BytesIO()
    df.write_parquet(buf) if fmt == "parquet" else df.write_csv(buf)
    return buf.getvalue()


def write_json(path: Path, payload: dict, mode: int | None = None) -> None:
    """A JSON file, atomically; strings UTF-8 cannot hold (non-UTF-8 file names) are written
    with `printable`, so the write never fails on them."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default)
    if _SURROGATE.search(text):
        text = json.dumps(printable_tree(json.loads(text)), indent=2, ensure_ascii=False)
    write_bytes(path, text.encode("utf-8"), mode)


def dir_file_mode(folder: Path) -> int | None:
    """New files in an existing folder get the folder's access (0700 -> 0600, 0750 -> 0640)."""
    if not folder.is_dir():
        return None
    m = folder.stat().st_mode & 0o777
    return FILE_MODE | (m & 0o040)
