"""Review queue, on disk: the pending items in OUT/rejected/, the review lock, and the archive
moves that take an item out of the queue (OUT/rejected/accepted/, OUT/rejected/discarded/).
The commands that use them are in extractors/review.py (list, show), review_fix.py (fix),
review_accept.py (accept, discard) and review_recover.py (finishing interrupted ones).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import ReviewError
from extractors.write.files import FILE_MODE, dir_file_mode, dir_mode, fsync_dir, write_json

QUEUE = "rejected"
ACCEPTED = "accepted"
DISCARDED = "discarded"
LOCK = ".review.lock"
# what a run leaves in every OUT it writes (extractors/write): any of them marks an extraction
# folder
OUT_MARKERS = (".records.lock", "records.parquet", "records.csv", QUEUE)

# The ids the queue issues (extractors/write/records.py doc_id): the first 16 hex digits of
# the document's SHA-256, or "unreadable-" + 16 hex digits for a file that could not be read.
# A reviewer may type a unique prefix of at least MIN_PREFIX hex digits, in any case.
MIN_PREFIX = 4
ID_HEX = 16
_ID_RX = re.compile(rf"(?:unreadable-)?[0-9a-f]{{{MIN_PREFIX},{ID_HEX}}}", re.ASCII)


# ----------------------------------------------------------------------------------------------
# the queue

@dataclass
class Item:
    id: str
    path: Path
    data: dict
    raw: bytes = b""

    @property
    def source_file(self) -> str:
        return self.data.get("source_file", "")

    @property
    def reasons(self) -> list[str]:
        return [self.data.get("reason", "unknown")]

    @property
    def fields_at_fault(self) -> list[str]:
        return [k for k in (self.data.get("field_errors") or {})]

    @property
    def corrections(self) -> dict:
        return dict((self.data.get("review") or {}).get("corrections") or {})

    @property
    def original(self) -> dict:
        return dict(self.data.get("partial") or {})

    @property
    def values(self) -> dict:
        """The record as it stands: the extracted values with the reviewer's corrections."""
        return {**self.original, **self.corrections}

    def summary(self) -> dict:
        return {"id": self.id, "source_file": self.source_file, "reasons": self.reasons,
                "fields": self.fields_at_fault, "message": self.data.get("message", ""),
                "schema": self.data.get("schema"), "doc_sha256": self.data.get("doc_sha256"),
                "rejected_at": self.data.get("rejected_at"),
                "corrections": self.corrections}


def queue_dir(out: Path) -> Path:
    return Path(out) / QUEUE


def _load(path: Path) -> Item | None:
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Item(path.stem, path, data, raw)


def pending(out: Path) -> list[Item]:
    """The items waiting for review, oldest first (no recovery; see list_items)."""
    items = [it for p in sorted(queue_dir(out).glob("*.json")) if (it := _load(p))]
    return sorted(items, key=lambda it: (it.data.get("rejected_at") or "", it.id))


def shown(text: str, limit: int = 40) -> str:
    """User input quoted in a one-line message: shortened, control characters escaped."""
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    return text.encode("unicode_escape").decode("ascii")


def check_id(item_id: str) -> str:
    """A review id as typed -> the id (lowercase), or ReviewError: only the hex ids the queue
    issues (or a prefix of at least MIN_PREFIX hex digits), never a path or a glob pattern."""
    typed = item_id.strip().lower()
    if not _ID_RX.fullmatch(typed):
        raise ReviewError(f"not a review id: '{shown(item_id)}' (ids are the {ID_HEX} hex digits "
                          f"`extract review list OUT` shows; the first {MIN_PREFIX} or more are "
                          "enough)")
    return typed


def get_item(out: Path, item_id: str) -> Item:
    """A pending item by id (or an unambiguous prefix of at least MIN_PREFIX hex digits)."""
    item_id = check_id(item_id)
    check_out(out)
    path = queue_dir(out) / f"{item_id}.json"
    if path.is_file() and (it := _load(path)):
        return it
    matches = [it for it in pending(out) if it.id.startswith(item_id)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ReviewError(f"'{item_id}' matches {len(matches)} items: give more characters")
    for sub in (ACCEPTED, DISCARDED):
        folder = queue_dir(out) / sub
        if folder.is_dir() and any(p.name.startswith(item_id) and p.suffix == ".json"
                                   for p in folder.iterdir()):
            raise ReviewError(f"item {item_id} was already {sub}; it is no longer in the queue")
    raise ReviewError(f"no pending item '{item_id}' in {queue_dir(out)} "
                      "(see: extract review list OUT)")


def check_out(out: Path) -> None:
    """OUT must be the output folder of a run (it holds records or rejected/)."""
    p = Path(out)
    if not p.exists():
        raise ReviewError(f"no such folder: {out} (give the --out folder of a run)")
    if not p.is_dir():
        raise ReviewError(f"not a folder: {out} (give the --out folder of a run)")
    if not any((p / m).exists() for m in OUT_MARKERS):
        raise ReviewError(f"not an extraction folder: {out} (no records and no rejected/ in it; "
                          "give the --out folder of a run)")


def out_file_mode(out: Path) -> int:
    """The mode of the files a review command writes for OUT: what the run gave OUT (owner only,
    0600; 0640 when OUT was written with --shared-output), as extractors/write decides it."""
    return dir_file_mode(Path(out)) or FILE_MODE


def make_dirs(path: Path, file_mode: int) -> None:
    """Create a folder and its missing parents, each exactly dir_mode(file_mode) (0700 / 0750)
    whatever the umask. Folders that exist are left as they are."""
    path = Path(path)
    missing = []
    while not path.is_dir():
        if path.exists() or path.is_symlink():
            raise ReviewError(f"not a folder: {path}")
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            if not d.is_dir():
                raise ReviewError(f"not a folder: {d}") from None
            continue
        os.chmod(d, dir_mode(file_mode))


@contextmanager
def review_lock(out: Path):
    """One review command at a time on an OUT folder (an exclusive flock, released on exit or
    when the process dies)."""
    fd = os.open(Path(out) / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def resolve_source(out: Path, source_file: str) -> Path | None:
    """The source file as recorded (relative to the directory the run was started in), else
    relative to OUT's parent."""
    if not source_file:
        return None
    p = Path(source_file)
    for cand in (p, Path(out).resolve().parent / p):
        if cand.is_file():
            return cand
    return None


def out_records_lock(out: Path):
    """extractors.write's lock over records and rejected/ (shared with runs), if it has one."""
    from extractors import write
    lock = getattr(write, "records_lock", None)
    if lock is None:
        from contextlib import nullcontext
        return nullcontext()
    return lock(out)


# ----------------------------------------------------------------------------------------------
# out of the queue: the archives

def _archive_path(out: Path, item_id: str, sub: str) -> Path:
    dest_dir = queue_dir(out) / sub
    make_dirs(dest_dir, out_file_mode(out))
    dest = dest_dir / f"{item_id}.json"
    if dest.exists():   # the same document rejected again later: keep every archive
        dest = dest_dir / f"{item_id}-{dt.datetime.now().strftime('%Y%m%dT%H%M%S%f')}.json"
    return dest


def archive_accepted(out: Path, item: Item, row: dict) -> Path:
    """Archive an accepted item (its record is already written) and take it out of the queue."""
    data = dict(item.data)
    data["review"] = {**(data.get("review") or {}), "status": row["review_status"],
                      "reviewer": row["reviewer"], "reviewed_at": row["reviewed_at"]}
    dest = _archive_path(out, item.id, ACCEPTED)
    write_json(dest, data, out_file_mode(out))
    if item.path.exists():
        item.path.unlink()
    fsync_dir(queue_dir(out))
    return dest


def move_discarded(out: Path, item: Item) -> Path:
    dest = _archive_path(out, item.id, DISCARDED)
    os.replace(item.path, dest)                   # atomic: the item leaves the queue here
    fsync_dir(queue_dir(out))
    return dest


def discarded_hashes(out: Path) -> set[str]:
    """Content hashes of discarded documents (a re-run can skip them)."""
    hashes = set()
    for p in (queue_dir(out) / DISCARDED).glob("*.json"):
        it = _load(p)
        if it and it.data.get("doc_sha256"):
            hashes.add(it.data["doc_sha256"])
    return hashes
