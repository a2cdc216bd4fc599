"""Repeated parts (kind "items"): child tables OUT/records_<field>.parquet / .csv, one row per
item, keyed by the parent document (doc_sha256, schema)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from extractors.types import FieldSpec
from extractors.write.files import dir_file_mode, frame_bytes, records_lock, write_bytes
from extractors.write.frames import csv_safe, rows_frame
from extractors.write.records import KEY, read_records

ITEMS_PREFIX = "records_"
ITEM_KEY_COLUMNS = ("doc_sha256", "schema", "source_file", "item_index")


def items_paths(out: Path, field_name: str) -> tuple[Path, Path]:
    out = Path(out)
    return out / f"{ITEMS_PREFIX}{field_name}.parquet", out / f"{ITEMS_PREFIX}{field_name}.csv"


def items_frame(rows: list[dict], sub_specs: list[FieldSpec]) -> pl.DataFrame:
    """Item rows (doc_sha256, schema, source_file, item_index, the sub-fields, evidence JSON) ->
    a typed frame: dates as dates, money and quantities as decimals; raises ValueError when a
    value would not survive its column type (as rows_frame does)."""
    specs = [FieldSpec("item_index", "count")] + \
        [FieldSpec(s.name, "money" if s.kind == "number" else s.kind) for s in sub_specs]
    if not rows:
        return pl.DataFrame()
    frame = rows_frame(rows, specs)
    first = [c for c in ITEM_KEY_COLUMNS if c in frame.columns]
    return frame.select(first + [c for c in frame.columns if c not in first])


def read_items(out: Path, field_name: str) -> pl.DataFrame | None:
    pq, _ = items_paths(out, field_name)
    try:
        data = pq.read_bytes()
    except FileNotFoundError:
        return None
    return pl.read_parquet(io.BytesIO(data))


def _write_items(out: Path, field_name: str, df: pl.DataFrame, mode: int | None) -> None:
    pq, csv = items_paths(out, field_name)
    if mode is None and not pq.exists():
        mode = dir_file_mode(out)
    write_bytes(pq, frame_bytes(df, "parquet"), mode)
    write_bytes(csv, frame_bytes(csv_safe(df), "csv"), mode)


def append_items(out: Path, field_name: str, rows: list[dict], docs: set,
                 sub_specs: list[FieldSpec], mode: int | None = None) -> int:
    """Replace the items of `docs` ((doc_sha256, schema) pairs: a document redone with --force
    keeps no old items, a document with no items keeps none) by `rows` in
    records_<field>.parquet/csv; atomic, under the records lock. Callers write items before
    the parent rows (a crash in between leaves items of a document not in records, which the
    next run's `prune_items` drops and the redone document writes again). Returns the row count."""
    out = Path(out)
    if not docs:
        return 0
    new = items_frame(rows, sub_specs)
    with records_lock(out):
        old = read_items(out, field_name)
        if old is None and not rows:
            return 0
        if old is not None:
            keep = ~pl.struct(["doc_sha256", "schema"]).is_in(
                [{"doc_sha256": a, "schema": b} for a, b in docs])
            old = old.filter(keep)
            new = pl.concat([old, new], how="diagonal_relaxed") if new.height else old
        _write_items(out, field_name, new, mode)
        return new.height


def items_fields(out: Path) -> list[str]:
    """Fields with a child table in OUT."""
    return sorted(p.name[len(ITEMS_PREFIX):-len(".parquet")]
                  for p in Path(out).glob(f"{ITEMS_PREFIX}*.parquet"))


def drop_items(out: Path, sha: str, schema_name: str, mode: int | None = None) -> int:
    """Remove a document's items from every child table; returns how many rows went."""
    out = Path(out)
    removed = 0
    with records_lock(out):
        for name in items_fields(out):
            df = read_items(out, name)
            if df is None or not df.height:
                continue
            keep = df.filter(~((pl.col("doc_sha256") == sha) & (pl.col("schema") == schema_name)))
            if keep.height != df.height:
                _write_items(out, name, keep, mode)
                removed += df.height - keep.height
    return removed


def prune_items(out: Path, mode: int | None = None) -> int:
    """Drop items whose document has no row in records.parquet (left by a crash between the
    child and the parent write, or by a document since rejected); run under the lock."""
    out = Path(out)
    removed = 0
    with records_lock(out):
        names = items_fields(out)
        if not names:
            return 0
        keys = read_records(out, columns=list(KEY))
        have = keys if keys is not None else pl.DataFrame(
            {"doc_sha256": [], "schema": []}, schema={"doc_sha256": pl.String, "schema": pl.String})
        for name in names:
            df = read_items(out, name)
            if df is None or not df.height:
                continue
            keep = df.join(have.unique(), on=list(KEY), how="semi", maintain_order="left")
            if keep.height != df.height:
                _write_items(out, name, keep, mode)
                removed += df.height - keep.height
    return removed


def child_rows(spec: FieldSpec, record_items, evidence: list, sha: str, schema: str,
               source: str) -> list[dict]:
    """A record's repeated part (validated items) -> its child-table rows, keyed by the parent."""
    rows = []
    for i, item in enumerate(record_items):
        vals = item.model_dump() if hasattr(item, "model_dump") else dict(item)
        rows.append({"doc_sha256": sha, "schema": schema, "source_file": source, "item_index": i,
                     **{s.name: vals.get(s.name) for s in spec.items},
                     "evidence": json.dumps(evidence[i] if i < len(evidence) else {},
                                            default=str, sort_keys=True)})
    return rows
