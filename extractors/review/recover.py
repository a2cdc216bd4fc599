"""Review crash recovery: every review command starts by finishing what a crash interrupted
(see extractors/review.py for the accept order that makes this possible)."""
from __future__ import annotations

from pathlib import Path

from extractors.review.queue import archive_accepted, move_discarded, out_records_lock, pending


def recover(out: Path) -> list[str]:
    """Finish review steps a crash interrupted (call with the review lock held):
    - an item whose reviewed record is already in records (same document hash, schema and
      item id) leaves the queue instead of being appended again;
    - an item marked discarded but not yet moved is moved to the archive;
    - a reviewed record without its gold label gets it.
    Returns the ids of the items finished."""
    import polars as pl

    from extractors import write
    from extractors.review import learn as learning
    done = []
    with out_records_lock(out):
        if hasattr(write, "repair"):   # an accept interrupted inside the records write
            write.repair(Path(out))
        for item in pending(out):
            if (item.data.get("review") or {}).get("status") == "discarded":
                move_discarded(out, item)
                done.append(item.id)
        pq = Path(out) / "records.parquet"
        if not pq.exists():
            return done
        df = pl.read_parquet(pq)
        if "review_id" not in df.columns:
            return done
        reviewed = {(r["doc_sha256"], r["schema"], r["review_id"]): r
                    for r in df.filter(pl.col("review_id").is_not_null()).iter_rows(named=True)}
        for item in pending(out):
            row = reviewed.get((item.data.get("doc_sha256"), item.data.get("schema"), item.id))
            if row is not None:
                archive_accepted(out, item, row)
                done.append(item.id)
    have = learning.gold_keys(out)
    names = [c for c in df.columns if c not in _META_COLUMNS]
    for row in reviewed.values():
        if (row["doc_sha256"], row["schema"]) not in have:
            learning.save_gold(out, learning.gold_row(
                row["source_file"], row["doc_sha256"], {k: row.get(k) for k in names},
                {"schema": row["schema"], "review_status": row["review_status"],
                 "reviewer": row["reviewer"], "reviewed_at": row["reviewed_at"]}))
    return done


_META_COLUMNS = ("source_file", "doc_sha256", "schema", "schema_version", "schema_source",
                 "schema_sha256", "model", "model_sha256",
                 "run_id", "extracted_at", "evidence", "confidence", "min_confidence",
                 "record_confidence",
                 "review_status", "reviewed_at", "reviewer", "review_id", "review_corrections")
