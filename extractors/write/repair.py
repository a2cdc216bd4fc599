"""Write-stage repair: finishes or undoes what a crash interrupted (half-accepted documents,
stale temp files, run part files), and sets the output mode of an existing OUT."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from extractors.write.files import LOCK_NAME, dir_mode, frame_bytes, records_lock, write_bytes
from extractors.write.frames import csv_safe
from extractors.write.items import ITEMS_PREFIX
from extractors.write.records import (ACCEPTING, KEY, PARTS, RECORDS, RECORDS_CSV, REJECTED,
                                      part_files, compact_records, read_records)

STALE_TEMP_SECONDS = 300


def repair(out: Path, mode: int | None = None) -> dict:
    """Make OUT consistent after a crash (run under the lock at the start of every run):
    remove leftover temp files, finish or undo an interrupted accept (a rejection set aside:
    deleted if the record was written, else put back), drop a rejection whose document also
    has a record, rewrite a CSV older than the parquet. With `mode`, apply the
    access mode to OUT, rejected/ and every output file. Returns counts of what was fixed."""
    out = Path(out)
    fixed = {"temp_files": 0, "accepts_finished": 0, "accepts_undone": 0,
             "stale_rejections": 0, "csv_rewritten": 0, "parts_compacted": 0}
    with records_lock(out):
        now = time.time()
        for folder, anyage in ((out, True), (out / PARTS, True), (out / REJECTED, False)):
            if not folder.is_dir():
                continue
            for tmp in folder.glob(".*.tmp"):
                try:
                    if anyage or now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                        tmp.unlink()
                        fixed["temp_files"] += 1
                except OSError:
                    pass
        pq, csv = out / RECORDS, out / RECORDS_CSV
        have: set = set()
        if pq.exists() or part_files(out):
            try:
                keys = read_records(out, columns=list(KEY))
            except Exception as exc:  # noqa: BLE001
                from extractors.errors import RunError
                raise RunError(f"{pq} cannot be read ({type(exc).__name__}); move it aside "
                               "and re-run (its documents will be redone)") from None
            have = set(zip(keys["doc_sha256"].to_list(), keys["schema"].to_list()))
        rej_dir = out / REJECTED
        for aside in rej_dir.glob(f".*.json{ACCEPTING}") if rej_dir.is_dir() else []:
            try:
                r = json.loads(aside.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                r = {}
            if (r.get("doc_sha256"), r.get("schema")) in have:
                aside.unlink()
                fixed["accepts_finished"] += 1
            else:
                os.replace(aside, rej_dir / aside.name[1:-len(ACCEPTING)])
                fixed["accepts_undone"] += 1
        if part_files(out):      # a run died before folding its parts in
            compact_records(out, mode)
            fixed["parts_compacted"] = 1
        if pq.exists():
            for f in rej_dir.glob("*.json") if rej_dir.is_dir() else []:
                try:
                    r = json.loads(f.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if (r.get("doc_sha256"), r.get("schema")) in have:
                    f.unlink(missing_ok=True)
                    fixed["stale_rejections"] += 1
            if not csv.exists() or csv.stat().st_mtime_ns < pq.stat().st_mtime_ns:
                df = read_records(out)
                write_bytes(csv, frame_bytes(csv_safe(df), "csv"), mode)
                fixed["csv_rewritten"] = 1
        if mode is not None:
            set_output_mode(out, mode)
    return fixed


OUTPUT_FILES = (RECORDS, RECORDS_CSV, LOCK_NAME, ".review.lock", "gold.jsonl", "learned.json",
                # extractors/monitor's history, its lock, metrics and report
                "runs.jsonl", ".monitor.lock", "metrics.prom", "report.html")
OUTPUT_FOLDERS = (PARTS, REJECTED, "review")     # review/: `extract review html`'s pages


def set_output_mode(out: Path, mode: int) -> None:
    """Apply a file mode to OUT's own files (records, child tables, learned hints, gold labels)
    and everything under .records-parts/, rejected/ (reviewers' archives too) and review/,
    and the matching folder mode to OUT and the folders under those. Other files a user keeps
    in OUT are left alone; symbolic links are not followed."""
    out = Path(out)
    os.chmod(out, dir_mode(mode))
    names = list(OUTPUT_FILES) + [p.name for p in out.glob(f"{ITEMS_PREFIX}*.parquet")] + \
        [p.name for p in out.glob(f"{ITEMS_PREFIX}*.csv")]
    for name in names:
        p = out / name
        if p.is_file() and not p.is_symlink():
            os.chmod(p, mode)
    for folder in OUTPUT_FOLDERS:
        top = out / folder
        if not top.is_dir() or top.is_symlink():
            continue
        os.chmod(top, dir_mode(mode))
        for p in top.rglob("*"):
            if p.is_symlink():
                continue
            os.chmod(p, dir_mode(mode) if p.is_dir() else mode)
