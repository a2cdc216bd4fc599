"""The run history, OUT/runs.jsonl: lines in -> lines out. One JSON object per line, appended,
never rewritten; its `kind` is

    run          one per run (`extract run`, `extract eval`), written at the run's end by
                 extractors/monitor/watch.py: counts, per-field rates and confidences, layout
                 families, drift flags (docs/monitoring.md lists every key)
    correction   one per `extract review fix`: per field the value the extractor had found, the
                 reviewer's value and whether they differ (where the extractor was wrong)

Appends are crash-safe: under OUT/.monitor.lock a whole line is written with one append and
fsync'd; a line torn by a crash (the file does not end with a newline) is cut off before the
next append and skipped by readers. A complete line that is not a JSON object is corruption:
`read_history(strict=True)` (the report) says which line; a run skips it."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

from extractors.errors import ReportError
from extractors.write.files import (FILE_MODE, dir_file_mode, folder_lock, fsync_dir,
                                    printable_path, printable_tree)

HISTORY = "runs.jsonl"
LOCK = ".monitor.lock"



@contextmanager
def history_lock(out: Path):
    """One writer of OUT's history and metrics at a time (an flock, released when the process
    dies). Re-entrant within a thread. The lock file takes the mode of OUT's files (0640 in a
    --shared-output OUT)."""
    with folder_lock(out, LOCK, dir_file_mode(Path(out)) or FILE_MODE):
        yield


def cut_torn_tail(fd: int) -> None:
    """Truncate an open file after its last newline (a line a crash left half-written)."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    pos, cut = size, 0
    while pos > 0:
        start = max(0, pos - 65536)
        i = os.pread(fd, pos - start, start).rfind(b"\n")
        if i >= 0:
            cut = start + i + 1
            break
        pos = start
    os.ftruncate(fd, cut)


def append_line(out: Path, payload: dict, mode: int | None = None) -> None:
    """One JSON line appended to OUT/runs.jsonl (crash-safe, see above). `mode`: the file's
    mode when it is created (default: what OUT's folder mode gives)."""
    out = Path(out)
    mode = mode or dir_file_mode(out) or FILE_MODE
    text = json.dumps(printable_tree(payload), ensure_ascii=False, default=str)
    data = (text.replace("\n", " ") + "\n").encode("utf-8")
    path = out / HISTORY
    with history_lock(out):
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, mode)
        try:
            cut_torn_tail(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            os.chmod(path, mode)
            fsync_dir(out)


def read_history(out: Path, strict: bool = True) -> list[dict]:
    """The history's lines, oldest first (a torn last line is skipped). A complete line that
    is not a JSON object: ReportError naming it when `strict`, else skipped."""
    path = Path(out) / HISTORY
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ReportError(f"cannot read {printable_path(path)}: "
                          f"{exc.strerror or type(exc).__name__}") from None
    pieces = raw.split(b"\n")
    pieces.pop()                      # after the last newline: "" or a torn line
    lines = []
    for number, piece in enumerate(pieces, 1):
        if not piece.strip():
            continue
        try:
            obj = json.loads(piece.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            obj, why = None, str(exc).splitlines()[0][:80]
        else:
            why = "not a JSON object"
        if isinstance(obj, dict):
            lines.append(obj)
        elif strict:
            raise ReportError(f"{printable_path(path)} line {number} is corrupt ({why}); move "
                              "that line out of the file and run again")
    return lines


def runs(lines: list[dict]) -> list[dict]:
    return [x for x in lines if x.get("kind") == "run"]


def history_home(out: Path) -> Path:
    """Where a review command's OUT keeps its history: OUT itself, or for the folder of one
    schema in a `--schema auto` OUT (OUT/<schema>/), the auto OUT above it."""
    out = Path(out)
    if (out / HISTORY).is_file() or not (out.parent / HISTORY).is_file():
        return out
    try:
        with open(out.parent / HISTORY, "rb") as f:
            first = json.loads(f.readline() or b"{}")
    except (OSError, ValueError):
        return out
    schema = first.get("schema") if isinstance(first, dict) else None
    return out.parent if isinstance(schema, dict) and schema.get("name") == "auto" else out


def same_value(a, b) -> bool:
    """A reviewer's value equals the extracted one (amounts compared as numbers)."""
    if a in (None, "", []) or b in (None, "", []):
        return a in (None, "", []) and b in (None, "", [])
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return str(a).strip() == str(b).strip()


def record_corrections(out: Path, data: dict, item_id: str, new: dict, reviewer: str) -> None:
    """A `review fix` -> one correction line in the history: per field set, the value the
    extractor had found (the rejection's partial record), the reviewer's, and whether they
    differ. Never raises: a history that cannot be written costs one line on stderr, not the
    reviewer's fix (which is already saved)."""
    partial = data.get("partial") or {}
    fields = {name: {"extracted": partial.get(name), "corrected": value,
                     "changed": not same_value(partial.get(name), value)}
              for name, value in new.items()}
    line = {"kind": "correction", "at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "item_id": item_id, "doc_sha256": data.get("doc_sha256"),
            "schema": data.get("schema"), "run_id": data.get("run_id"),
            "reason": data.get("reason"), "reviewer": reviewer, "fields": fields}
    try:
        append_line(history_home(out), line, dir_file_mode(Path(out)))
    except Exception as exc:  # noqa: BLE001 - monitoring never fails the reviewer's command
        print(f"warning: correction not recorded in {HISTORY} "
              f"({type(exc).__name__}: {exc}); the fix itself is saved", file=sys.stderr)
