"""What a run writes and reads back in OUT: the ledger (content hashes already done, read from
the outputs themselves), rejections (rejected/<id>.json with their evidence), and the flush of
accepted rows (child tables first, then records; all under the records lock)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from extractors.errors import DocumentError
from extractors.write.files import records_lock
from extractors.write.items import append_items, drop_items
from extractors.write.records import append_records, doc_id, read_records, write_rejection


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


def reject_document(out: Path, path: Path, sha: str, exc: DocumentError, prov: dict, mode: int) -> None:
    """rejected/<doc id>.json; write_rejection first removes a record of the same document
    (a document re-done with --force and now rejected leaves records: no duplicates)."""
    payload = {
        "source_file": str(path), "doc_sha256": sha, **prov,
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
