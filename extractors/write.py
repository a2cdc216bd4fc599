"""Write stage: accepted records -> OUT/records.parquet + OUT/records.csv (appended, never
dropping earlier rows); rejections -> OUT/rejected/<doc id>.json. Every file is written to a
temp file, fsynced and renamed into place, so a crash never leaves a half-written output."""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl

from .fields import FieldSpec

FORMULA_START = ("=", "+", "-", "@")


def atomic_write(path: Path, write_fn, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write_fn(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _dtype(spec: FieldSpec):
    return {"date": pl.Date, "money": pl.Decimal(18, 2), "number": pl.Float64,
            "pattern_list": pl.List(pl.String)}.get(spec.kind, pl.String)


def rows_frame(rows: list[dict], specs: list[FieldSpec]) -> pl.DataFrame:
    schema = {s.name: _dtype(s) for s in specs}
    for k in rows[0]:
        if k not in schema:
            schema[k] = pl.Float64 if k == "min_confidence" else pl.String
    return pl.DataFrame(rows, schema=schema, strict=False)


def csv_safe(df: pl.DataFrame) -> pl.DataFrame:
    """Flatten lists and escape cells that a spreadsheet would run as a formula."""
    cols = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.list.join("; ")
            dtype = pl.String
        if dtype == pl.String:
            col = pl.when(col.str.starts_with("=") | col.str.starts_with("+") |
                          col.str.starts_with("-") | col.str.starts_with("@")) \
                .then(pl.lit("'") + col).otherwise(col)
        cols.append(col.alias(name))
    return df.select(cols)


def append_records(out: Path, rows: list[dict], specs: list[FieldSpec]) -> int:
    """Append rows to records.parquet/csv; returns the total row count."""
    if not rows:
        return 0
    new = rows_frame(rows, specs)
    pq = out / "records.parquet"
    if pq.exists():
        old = pl.read_parquet(pq)
        redone = set(new["doc_sha256"].to_list())
        old = old.filter(~(pl.col("doc_sha256").is_in(redone) &
                           pl.col("schema").is_in(new["schema"].unique().to_list())))
        new = pl.concat([old, new], how="diagonal_relaxed")
    atomic_write(pq, new.write_parquet)
    atomic_write(out / "records.csv", lambda p: csv_safe(new).write_csv(p))
    return new.height


def _json_default(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, set):
        return sorted(v)
    return str(v)


def write_json(path: Path, payload: dict) -> None:
    def _w(p):
        with open(p, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2, ensure_ascii=False, default=_json_default)
    atomic_write(path, _w)


def write_rejection(out: Path, doc_id: str, payload: dict) -> Path:
    path = out / "rejected" / f"{doc_id}.json"
    write_json(path, payload)
    return path
