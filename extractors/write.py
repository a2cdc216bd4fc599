"""Write stage: accepted records -> OUT/records.parquet + OUT/records.csv (appended, never
dropping earlier rows); rejections -> OUT/rejected/<doc id>.json.

Guarantees, for every writer (a run, a reviewer's `review accept`, several at once):

- Every file is written to a temp file in the same folder, fsynced and renamed into place (then
  the folder is fsynced), so a crash never leaves a half-written output.
- Every read-modify-write of the records files, and every change to rejected/, happens under an
  exclusive lock on OUT/.records.lock (`records_lock`), so concurrent writers never lose or
  duplicate rows.
- A document is in records or in rejected/, never both, even after a crash. Accepting first
  renames the document's rejection aside (rejected/.<id>.json.accepting), then writes the
  record, then deletes the renamed file; a crash in between is finished or undone by `repair`
  (record present: delete it; absent: rename the rejection back). Rejecting removes the record
  first and then writes the rejection; a crash in between leaves the document in neither, so it
  is not in the ledger and the next run redoes it.
- A value that would not survive the typed columns unchanged (a decimal out of range, a time
  on a date) raises instead of being written as null or truncated.
- Files are owner-only (0600, folders 0700) unless a mode is given (`SHARED_FILE_MODE` gives
  group read); rewriting a file keeps its mode.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import io
import json
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import polars as pl

from .fields import FieldSpec

FILE_MODE = 0o600
SHARED_FILE_MODE = 0o640
LOCK_NAME = ".records.lock"
RECORDS = "records.parquet"
RECORDS_CSV = "records.csv"
PARTS = ".records-parts"      # a run's flushes, folded into records.parquet/csv at its end
REJECTED = "rejected"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
KEY = ("doc_sha256", "schema")
STALE_TEMP_SECONDS = 300

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


def _fsync_dir(path: Path) -> None:
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
        _fsync_dir(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _dtype(spec: FieldSpec):
    return {"date": pl.Date, "money": pl.Decimal(18, 2), "number": pl.Float64,
            "pattern_list": pl.List(pl.String), "count": pl.Int64}.get(spec.kind, pl.String)


def _decimal_scale(values) -> int:
    scale = 2
    for v in values:
        if isinstance(v, Decimal) and v.is_finite():
            scale = max(scale, -v.as_tuple().exponent)
    return min(scale, 18)


def _to_decimal(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return v
    return Decimal(str(v))


def rows_frame(rows: list[dict], specs: list[FieldSpec]) -> pl.DataFrame:
    """Rows -> a typed frame; raises ValueError if a field value would not survive its column
    type unchanged (never a silent null or truncation)."""
    schema = {s.name: _dtype(s) for s in specs}
    money = [s.name for s in specs if s.kind == "money"]
    if money:
        rows = [{**r, **{k: _to_decimal(r[k]) for k in money if k in r}} for r in rows]
    for name in money:
        schema[name] = pl.Decimal(38, _decimal_scale(r.get(name) for r in rows))
    for r in rows:
        for k in r:
            if k not in schema:
                schema[k] = pl.Float64 if k == "min_confidence" else pl.String
    try:
        frame = pl.DataFrame(rows, schema=schema, strict=False)
    except Exception as exc:  # noqa: BLE001 - polars refuses e.g. a decimal over 38 digits
        raise ValueError(f"a value does not fit its column type ({type(exc).__name__})") \
            from None
    _check_lossless(frame, rows, specs)
    return frame


def _check_lossless(frame: pl.DataFrame, rows: list[dict], specs: list[FieldSpec]) -> None:
    typed = {s.name: s.kind for s in specs if s.kind in ("date", "money", "number")}
    for name, dtype in frame.schema.items():
        got = frame[name].to_list()
        for i, (row, v_out) in enumerate(zip(rows, got)):
            v_in = row.get(name)
            if v_in is None:
                continue
            kind = typed.get(name)
            if v_out is None:
                lost = True
            elif kind == "date":
                lost = type(v_in) is not type(v_out) or v_in != v_out
            elif kind == "money":
                lost = _to_decimal(v_in) != v_out
            elif kind == "number" and isinstance(v_in, (int, float, Decimal)):
                lost = (v_in != int(v_out)) if isinstance(v_in, int) else float(v_in) != v_out
            else:
                lost = False
            if lost:
                raise ValueError(f"field {name!r} of row {i} does not fit its column type "
                                 f"{dtype} (value not written)")


def csv_safe(df: pl.DataFrame) -> pl.DataFrame:
    """Flatten lists and escape text cells that a spreadsheet would run as a formula (starting
    with = + - @, a tab or a carriage return, or their full-width forms): prefixed with '."""
    cols = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.cast(pl.List(pl.String)).list.join("; ")
            dtype = pl.String
        if dtype == pl.String:
            risky = pl.lit(False)
            for ch in FORMULA_START:
                risky = risky | col.str.starts_with(ch)
            col = pl.when(risky).then(pl.lit("'") + col).otherwise(col)
        cols.append(col.alias(name))
    return df.select(cols)


def _part_files(out: Path) -> list[Path]:
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
            for f in [Path(out) / RECORDS] + _part_files(out):
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
        mode = _dir_file_mode(out)
    atomic_write(out / RECORDS, df.write_parquet, mode)
    atomic_write(out / RECORDS_CSV, lambda p: csv_safe(df).write_csv(p), mode)


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
    _fsync_dir(path.parent)
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
                mode = _dir_file_mode(out)
            folder = out / PARTS
            ensure_dir(folder, mode or FILE_MODE)
            name = f"{time.time_ns():020d}-{os.getpid()}.parquet"
            atomic_write(folder / name, new.write_parquet, mode)
        for p in aside:
            p.unlink(missing_ok=True)
        return new.height


def compact_records(out: Path, mode: int | None = None) -> int:
    """Fold OUT's part files into records.parquet/csv (one rewrite per run, not per flush);
    the parts are deleted after the new files are in place, so a crash in between leaves
    rows that read_records and the next compaction de-duplicate. Returns the row count."""
    out = Path(out)
    with records_lock(out):
        if not _part_files(out):
            return 0
        df = read_records(out)
        _write_records(out, df, mode)
        _drop_parts(out)
        return df.height


def _drop_parts(out: Path) -> None:
    parts = _part_files(out)
    for f in parts:
        f.unlink(missing_ok=True)
    try:
        (out / PARTS).rmdir()     # empty after a run: OUT holds only its usual files
    except OSError:
        pass
    if parts:
        _fsync_dir(out)


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


def write_rejection(out: Path, doc_id: str, payload: dict, mode: int | None = None) -> Path:
    """Write rejected/<doc id>.json; a record of the same document and schema is removed first
    (so a document re-done with --force and now rejected leaves records)."""
    out = Path(out)
    path = out / REJECTED / f"{doc_id}.json"
    with records_lock(out):
        if payload.get("doc_sha256") and payload.get("schema"):
            drop_records(out, payload["doc_sha256"], payload["schema"], mode)
        write_json(path, payload, mode if mode is not None else _dir_file_mode(path.parent))
    return path


def _dir_file_mode(folder: Path) -> int | None:
    """New files in an existing folder get the folder's access (0700 -> 0600, 0750 -> 0640)."""
    if not folder.is_dir():
        return None
    m = folder.stat().st_mode & 0o777
    return FILE_MODE | (m & 0o040)


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
        if pq.exists() or _part_files(out):
            try:
                keys = read_records(out, columns=list(KEY))
            except Exception as exc:  # noqa: BLE001
                from .errors import RunError
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
        if _part_files(out):      # a run died before folding its parts in
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
                atomic_write(csv, lambda p: csv_safe(df).write_csv(p), mode)
                fixed["csv_rewritten"] = 1
        if mode is not None:
            set_output_mode(out, mode)
    return fixed


OUTPUT_FILES = (RECORDS, RECORDS_CSV, LOCK_NAME, ".review.lock", "gold.jsonl", "learned.json")


def set_output_mode(out: Path, mode: int) -> None:
    """Apply a file mode to OUT's own files and everything under rejected/ (reviewers'
    archives too), and the matching folder mode to OUT and the folders under rejected/.
    Other files a user keeps in OUT are left alone."""
    out = Path(out)
    os.chmod(out, dir_mode(mode))
    for name in OUTPUT_FILES:
        if (out / name).is_file():
            os.chmod(out / name, mode)
    if (out / PARTS).is_dir():
        os.chmod(out / PARTS, dir_mode(mode))
        for p in (out / PARTS).glob("*.parquet"):
            os.chmod(p, mode)
    rej = out / REJECTED
    if rej.is_dir():
        os.chmod(rej, dir_mode(mode))
        for p in rej.rglob("*"):
            if p.is_symlink():
                continue
            os.chmod(p, dir_mode(mode) if p.is_dir() else mode)


# ------------------------------------------------------------------------------------------
# repeated parts (kind "items"): child tables OUT/records_<field>.parquet / .csv
# ------------------------------------------------------------------------------------------
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
        mode = _dir_file_mode(out)
    atomic_write(pq, df.write_parquet, mode)
    atomic_write(csv, lambda p: csv_safe(df).write_csv(p), mode)


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
