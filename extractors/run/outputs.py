"""What a run writes and reads back in OUT: the ledger (content hashes already done, read from
the outputs themselves), rejections (rejected/<id>.json with their evidence), and the flush of
accepted rows (child tables first, then records; all under the records lock)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from extractors.decide.classify import AUTO
from extractors.errors import DocumentError, RunError
from extractors.write.files import printable_path, records_lock
from extractors.write.items import append_items, drop_items
from extractors.write.records import (PARTS, RECORDS, REJECTED, append_records, doc_id,
                                      read_records, write_rejection)


def ledger(out: Path, schema_name: str) -> set[str]:
    """Content hashes already accepted or rejected in OUT for this schema. Derived from the
    outputs (never stored apart from them), so it cannot disagree with them after a crash."""
    seen: set[str] = set()
    keys = read_records(out, columns=["doc_sha256", "schema"])
    if keys is not None:
        seen |= set(keys.filter(pl.col("schema") == schema_name)["doc_sha256"].to_list())
    for f in (out / "rejected").glob("*.json"):
        try:
            r = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if r.get("schema") == schema_name:
            seen.add(r.get("doc_sha256"))
    return seen


def held_schemas(out: Path) -> set[str]:
    """The schemas whose records or rejections OUT itself holds (not its subfolders)."""
    names: set[str] = set()
    try:
        keys = read_records(out, columns=["schema"])
    except Exception:  # noqa: BLE001 - unreadable records: the run's repair says so
        keys = None
    if keys is not None:
        names |= {n for n in keys["schema"].unique().to_list() if n}
    for f in (out / REJECTED).glob("*.json") if (out / REJECTED).is_dir() else []:
        try:
            r = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(r, dict) and isinstance(r.get("schema"), str):
            names.add(r["schema"])
    return names


def auto_folders(out: Path) -> list[str]:
    """Subfolders of OUT that hold a schema's outputs (a `--schema auto` OUT)."""
    found = []
    for sub in sorted(out.iterdir()) if out.is_dir() else []:
        if sub.name in (REJECTED, PARTS, "review") or sub.name.startswith(".") or \
                sub.is_symlink() or not sub.is_dir():
            continue
        if (sub / RECORDS).exists() or (sub / REJECTED).is_dir() or (sub / PARTS).is_dir():
            found.append(sub.name)
    return found


def check_out(out: Path, schema_names: list[str], auto: bool) -> None:
    """RunError unless OUT may take this run's outputs: one OUT holds one schema's records
    and rejections (a --schema auto OUT holds its per-schema folders OUT/<schema>/ and, in
    OUT/rejected/, the documents no schema took), so that records.parquet never mixes
    schemas. Checked before anything is written."""
    out = Path(out)
    if not out.is_dir():
        return
    shown = printable_path(out)
    held = held_schemas(out)
    if auto:
        other = sorted(held - {AUTO})
        if other:
            raise RunError(f"{shown} holds records of schema {', '.join(other)}; --schema auto "
                           "needs an OUT of its own: use another --out")
        for name in schema_names:
            lane = out / name
            if lane.is_dir() and (other := sorted(held_schemas(lane) - {name})):
                raise RunError(f"{printable_path(lane)} holds records of schema "
                               f"{', '.join(other)}, not {name}: use another --out")
        return
    name = schema_names[0]
    if AUTO in held or auto_folders(out):
        raise RunError(f"{shown} holds the per-schema folders of a --schema auto run; use "
                       f"--out {printable_path(out / name)} or another --out")
    other = sorted(held - {name})
    if other:
        raise RunError(f"{shown} holds records of schema {', '.join(other)}; one OUT holds one "
                       f"schema: use another --out for {name}")


def reject_document(out: Path, path: Path, sha: str, exc: DocumentError, prov: dict, mode: int) -> None:
    """rejected/<doc id>.json; write_rejection first removes a record of the same document
    (a document re-done with --force and now rejected leaves records: no duplicates)."""
    payload = {
        "source_file": printable_path(path), "doc_sha256": sha, **prov,
        "rejected_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "reason": exc.reason, "stage": exc.stage, "message": exc.message,
        "field_errors": exc.field_errors, "raw_output": exc.raw_output,
        "partial": exc.partial, "evidence": exc.evidence, "confidence": exc.confidence,
    }
    if exc.items:
        payload["items"] = exc.items
    with records_lock(out):
        drop_items(out, sha, prov["schema"], mode)   # a redone document keeps no old items
        write_rejection(out, doc_id(sha), payload, mode)


def flush(out: Path, pending: list[dict], extractor, mode: int) -> None:
    """Child tables first, then the parent rows, all under one hold of the records lock."""
    if not pending:
        return
    with records_lock(out):
        docs = {(r["doc_sha256"], r["schema"]) for r in pending}
        for spec in extractor.specs:
            if spec.kind == "items":
                rows = [it for r in pending for it in r.get("__items__", {}).get(spec.name, [])]
                append_items(out, spec.name, rows, docs, spec.items, mode)
        rows = [{k: v for k, v in r.items() if k != "__items__"} for r in pending]
        append_records(out, rows, extractor.row_specs, mode, compact=False)
