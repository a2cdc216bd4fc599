"""records.parquet/csv, a run's part files (.records-parts/, folded in by `compact_records`),
and rejected/<doc id>.json: a document is in records or in rejected/, never both (the crash-safe
order is described in extractors/write.py).
"""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import polars as pl

from extractors.types import FieldSpec
from extractors.write.files import (FILE_MODE, dir_file_mode, ensure_dir, frame_bytes,
                                    fsync_dir, records_lock, write_bytes, write_json)
from extractors.write.frames import csv_safe, rows_frame

RECORDS = "records.parquet"
RECORDS_CSV = "records.csv"
PARTS = ".records-parts"      # a run's flushes, folded into records.parquet/csv at its end
REJECTED = "rejected"
KEY = ("doc_sha256", "schema")


def part_files(out: Path) -> list[Path]:
    folder = Path(out) / PARTS
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def read_records(out: Path, columns: list[str] | None = None) -> pl.DataFrame | None:
    """records.parquet plus the part files of a run in progress (a later row of a document
    replaces an earlier one), as one frame (None if there are none). Each file is read in one
    open() so a reader without the lock still sees consistent versions while a writer renames
    new ones in (a part folded in meanwhile: read again)."""
    for _ in range(5):
        frames = []
        try:
            for f in [Path(out) / RECORDS] + part_files(out):
                try:
                    data = f.read_bytes()
                except FileNotFoundError:
                    if f.name == RECORDS:
                        continue
                    raise
                frames.append(pl.read_parquet(io.BytesIO(data), columns=columns))
        except FileNotFoundError:
            continue
        break
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    df = pl.concat(frames, how="diagonal_relaxed")
    if all(k in df.columns for k in KEY):
        df = df.unique(subset=list(KEY), keep="last", maintain_order=True)
    return df


def _write_records(out: Path, df: pl.DataFrame, mode: int | None) -> None:
    """Parquet first, then the CSV made from it (`repair` redoes a CSV older than the parquet).
    A new file gets OUT's access (a run sets it: 0700 -> 0600, 0750 -> 0640)."""
    if mode is None and not (out / RECORDS).exists():
        mode = dir_file_mode(out)
    write_bytes(out / RECORDS, frame_bytes(df, "parquet"), mode)
    write_bytes(out / RECORDS_CSV, frame_bytes(csv_safe(df), "csv"), mode)


def doc_id(sha: str) -> str:
    """A document's id in rejected/: the first 16 hex digits of its SHA-256."""
    return sha[:27] if sha.startswith("unreadable-") else sha[:16]


def rejection_path(out: Path, sha: str) -> Path:
    return Path(out) / REJECTED / f"{doc_id(sha)}.json"


ACCEPTING = ".accepting"


def _set_aside_rejection(out: Path, sha: str, schema_name: str | None) -> Path | None:
    """rejected/<id>.json -> rejected/.<id>.json.accepting (out of the ledger, still on disk)."""
    path = rejection_path(out, sha)
    if not path.exists():
        return None
    try:
        rej = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rej = {}
    if rej.get("doc_sha256", sha) != sha or rej.get("schema", schema_name) != schema_name:
        return None
    aside = path.with_name(f".{path.name}{ACCEPTING}")
    os.replace(path, aside)
    fsync_dir(path.parent)
    return aside


def append_records(out: Path, rows: list[dict], specs: list[FieldSpec],
                   mode: int | None = None, compact: bool = True) -> int:
    """Add rows to records.parquet/csv (a row replaces an earlier row of the same document and
    schema: appending is idempotent per doc_sha256); those documents leave rejected/ (see the
    module docstring for the crash-safe order). Returns the number of rows written.

    compact=False (a run's flushes): the rows go to a new part file under OUT/.records-parts/
    (written atomically, like every output), so a flush costs its own rows, not the whole
    batch; `compact_records` folds the parts into records.parquet/csv at the end of the run
    (and `repair` after a crash). Readers (`read_records`) see the parts meanwhile."""
    if not rows:
        return 0
    out = Path(out)
    new = rows_frame(rows, specs)
    new = new.unique(subset=list(KEY), keep="last", maintain_order=True)
    with records_lock(out):
        aside = [p for r in rows
                 if (p := _set_aside_rejection(out, r["doc_sha256"], r.get("schema")))]
        if compact:
            old = read_records(out)
            if old is not None:
                old = old.join(new.select(KEY), on=list(KEY), how="anti", nulls_equal=True,
                               maintain_order="left")
                new = pl.concat([old, new], how="diagonal_relaxed")
            _write_records(out, new, mode)
            _drop_parts(out)
        else:
            if mode is None:
                mode = dir_file_mode(out)
            folder = out / PARTS
            ensure_dir(folder, mode or FILE_MODE)
            name = f"{time.time_ns():020d}-{os.getpid()}.parquet"
            write_bytes(folder / name, frame_bytes(new, "parquet"), mode)
        for p in aside:
            p.unlink(missing_ok=True)
        return new.height


def compact_records(out: Path, mode: int | None = None) -> int:
    """Fold OUT's part files into records.parquet/csv (one rewrite per run, not per flush);
    the parts are deleted after the new files are in place, so a crash in between leaves
    rows that read_records and the next compaction de-duplicate. Returns the row count."""
    out = Path(out)
    with records_lock(out):
        if not part_files(out):
            return 0
        df = read_records(out)
        _write_records(out, df, mode)
        _drop_parts(out)
        return df.height


def _drop_parts(out: Path) -> None:
    parts = part_files(out)
    for f in parts:
        f.unlink(missing_ok=True)
    try:
        (out / PARTS).rmdir()     # empty after a run: OUT holds only its usual files
    except OSError:
        pass
    if parts:
        fsync_dir(out)


def drop_records(out: Path, sha: str, schema_name: str, mode: int | None = None) -> int:
    """Remove a document's rows (if any); returns how many were removed."""
    out = Path(out)
    with records_lock(out):
        keys = read_records(out, columns=list(KEY))
        if keys is None:
            return 0
        hit = keys.filter((pl.col("doc_sha256") == sha) & (pl.col("schema") == schema_name))
        if not hit.height:
            return 0
        df = read_records(out)      # with the parts of a run: they are folded in here
        keep = df.filter(~((pl.col("doc_sha256") == sha) & (pl.col("schema") == schema_name)))
        _write_records(out, keep, mode)
        _drop_parts(out)
        return df.height - keep.height


def write_rejection(out: Path, doc_id: str, payload: dict, mode: int | None = None) -> Path:
    """Write rejected/<doc id>.json; a record of the same document and schema is removed first
    (so a document re-done with --force and now rejected leaves records)."""
    out = Path(out)
    path = out / REJECTED / f"{doc_id}.json"
    with records_lock(out):
        if payload.get("doc_sha256") and payload.get("schema"):
            drop_records(out, payload["doc_sha256"], payload["schema"], mode)
        write_json(path, payload, mode if mode is not None else dir_file_mode(path.parent))
    return path
