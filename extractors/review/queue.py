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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import ReviewError
from extractors.write.files import fsync_dir, write_json

QUEUE = "rejected"
ACCEPTED = "accepted"
DISCARDED = "discarded"
LOCK = ".review.lock"




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


def get_item(out: Path, item_id: str) -> Item:
    """A pending item by id (or an unambiguous prefix of at least 4 characters)."""
    check_out(out)
    item_id = item_id.strip()
    path = queue_dir(out) / f"{item_id}.json"
    if "/" not in item_id and path.is_file() and (it := _load(path)):
        return it
    matches = [it for it in pending(out) if len(item_id) >= 4 and it.id.startswith(item_id)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ReviewError(f"'{item_id}' matches {len(matches)} items: give more characters")
    for sub in (ACCEPTED, DISCARDED):
        if list((queue_dir(out) / sub).glob(f"{item_id}*.json")):
            raise ReviewError(f"item {item_id} was already {sub}; it is no longer in the queue")
    raise ReviewError(f"no pending item '{item_id}' in {queue_dir(out)} "
                      "(see: extract review list OUT)")


def check_out(out: Path) -> None:
    if not Path(out).is_dir():
        raise ReviewError(f"not an extraction folder: {out}")


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
    dest_dir.mkdir(parents=True, exist_ok=True)
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
    write_json(dest, data)
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
