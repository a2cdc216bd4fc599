"""Extraction output folders -> a SHA-256 digest of each table's canonical content, and a total.

To show a change (a refactor, a restructure) keeps behaviour: run the same `extract run`
commands with the old and the new code, digest both outputs, compare (bench/digest_runs.sh
does the runs).

    python bench/digest.py OUT [OUT ...] [--dump DIR]

An OUT is a folder written by `extract run`. Every folder in it (OUT itself, and
OUT/<schema>/ for `--schema auto`) gives these tables:

- records.parquet and each records_<field>.parquet (child tables): every row, every column
  except run ids and times (run_id and any column named *_at: extracted_at, ...), rows sorted
  by (source_file, doc_sha256, item_index where there is one), then by the row's own line;
- rejected: one row per rejected/*.json: every key except run_id and *_at (rejected_at):
  source_file, doc_sha256, schema, reason, stage, message, field_errors, partial, evidence,
  confidence, raw_output, items, schema_version, model, model_sha256; plus `_file`, the
  file's name. Always listed, with 0 rows when there is no rejected/ (absent and empty are
  the same content).

A row is one line of JSON with its keys (the columns) sorted by name: compact, floats written
as repr (which is what json does: 0.1 -> 0.1, NaN -> NaN), decimals as str, dates and times in
ISO 8601. A parquet table's lines start with one of its column names and polars dtypes in the
file's order, so a changed column type or order changes the digest too. The digest of a table
is the SHA-256 of its lines, each ended by a newline; the total is the SHA-256 of the
"<digest>  <table>" lines sorted by table name (the order of the OUT arguments does not
matter). A table is named <OUT's folder name>/<path inside OUT>.

--dump DIR writes each table's lines to DIR/<table, '/' as '__'>.txt, so two dumps can be
compared with `diff -r`.

Reads with polars and the standard library only; it does not import the project (so it reads
the outputs of any version of the code the same way).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl

SORT_KEYS = ("source_file", "doc_sha256", "item_index")


def dropped(name: str) -> bool:
    """Run ids and times: different on every run, not behaviour."""
    return name == "run_id" or name.endswith("_at")


def plain(v):
    """A polars / JSON value -> a value json.dumps writes the same way every time."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "to_list"):          # a polars Series in a list column
        return [plain(x) for x in v.to_list()]
    return repr(v)


def line(row: dict) -> str:
    return json.dumps(plain(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sort_key(row: dict, text: str):
    key = []
    for k in SORT_KEYS:
        v = row.get(k)
        key.append((v is None, v if isinstance(v, (int, float)) else str(v)))
    return (key, text)


def sorted_lines(rows: list[dict]) -> list[str]:
    pairs = [(r, line(r)) for r in rows]
    pairs.sort(key=lambda p: sort_key(*p))
    return [t for _, t in pairs]


def parquet_lines(path: Path) -> tuple[list[str], int]:
    df = pl.read_parquet(path)
    df = df.select([c for c in df.columns if not dropped(c)])
    head = "#columns " + json.dumps([[c, str(t)] for c, t in df.schema.items()])
    rows = sorted_lines(list(df.iter_rows(named=True)))
    return [head] + rows, len(rows)


def rejection_lines(folder: Path) -> tuple[list[str], int]:
    rows = []
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for f in files:
        if f.name.startswith("."):
            continue
        d = json.loads(f.read_text(encoding="utf-8"))
        row = {k: v for k, v in d.items() if not dropped(k)}
        row["_file"] = f.name
        rows.append(row)
    return sorted_lines(rows), len(rows)


def tables(out: Path):
    """(name inside OUT, lines, rows) for every table under OUT, in a fixed order."""
    found = []
    for root, dirs, files in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d != "rejected" and not d.startswith("."))
        here = Path(root)
        rel = here.relative_to(out)
        if any(d.startswith(".records-parts") for d in os.listdir(here)):
            print(f"warning: {here} has part files of an unfinished run (left out)",
                  file=sys.stderr)
        pqs = sorted(f for f in files if f.endswith(".parquet") and
                     (f == "records.parquet" or f.startswith("records_")))
        if not pqs and not (here / "rejected").is_dir():
            continue
        for f in pqs:
            found.append(((rel / f).as_posix(), *parquet_lines(here / f)))
        found.append(((rel / "rejected").as_posix(), *rejection_lines(here / "rejected")))
    found.sort(key=lambda t: t[0])
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outs", nargs="+", type=Path, metavar="OUT")
    ap.add_argument("--dump", type=Path, metavar="DIR",
                    help="write each table's canonical lines to DIR/<table>.txt")
    args = ap.parse_args(argv)
    entries = []
    for out in args.outs:
        if not out.is_dir():
            ap.error(f"{out}: not a folder")
        found = tables(out)
        if not found:
            print(f"warning: {out}: no records or rejections", file=sys.stderr)
        for rel, lines, n in found:
            name = f"{out.resolve().name}/{rel.removeprefix('./')}"
            text = "".join(t + "\n" for t in lines)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            entry = f"{digest}  {name}"
            print(f"{entry}  ({n} rows)")
            entries.append((name, entry))
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / (name.replace("/", "__") + ".txt")).write_text(text,
                                                                            encoding="utf-8")
    total = "".join(e + "\n" for _, e in sorted(entries))
    print(f"{hashlib.sha256(total.encode('utf-8')).hexdigest()}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
