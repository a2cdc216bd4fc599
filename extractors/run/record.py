"""A document's record: Extraction -> the row written to records (validated, repaired by the
schema's business rules, provenance and evidence attached), or a DocumentError that becomes
its rejection (validation_failed, business_rule, low_confidence)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from extractors.decide.confidence import default_review_below, record_confidence
from extractors.decide.rule_repair import repair_by_rules
from extractors.decide.validate import validate_record
from extractors.errors import DocumentError
from extractors.fieldspecs import count_column
from extractors.types import Document
from extractors.write.files import printable_path
from extractors.write.frames import rows_frame
from extractors.write.items import child_rows, items_frame


def dumps(v) -> str:
    return json.dumps(v, default=str, sort_keys=True)


def accept_document(path: Path, sha: str, doc: Document, extra: dict, extractor, schema,
                    prov: dict, review_below: float | None) -> dict:
    """One read document -> its record row (with `__items__`: its child-table rows), or a
    DocumentError; `extra`: columns added to the row (--schema auto's schema_confidence)."""
    ex = extractor.extract(doc)
    try:
        return accept_extraction(path, sha, doc, ex, extractor, schema, prov, review_below, extra)
    except DocumentError as exc:   # the items found go into the rejection too
        exc.items = {s.name: {"items": ex.values.get(s.name), "evidence": ex.evidence.get(s.name)}
                     for s in extractor.specs if s.kind == "items"}
        if exc.items and isinstance(exc.evidence, dict):   # item evidence lives under "items"
            exc.evidence = {k: v for k, v in exc.evidence.items() if k not in exc.items}
        raise


def accept_extraction(path, sha, doc, ex, extractor, schema, prov, review_below, extra) -> dict:
    try:
        record = validate_record(schema.model, ex.values, evidence=ex.evidence,
                                 confidence=ex.confidence, raw_output=ex.raw_output)
    except DocumentError as exc:
        if exc.reason != "business_rule" or not repair_by_rules(schema.model, ex,
                                                                  all_options=ex.all_options):
            raise
        record = validate_record(schema.model, ex.values, evidence=ex.evidence,
                                 confidence=ex.confidence, raw_output=ex.raw_output)
    weakest = min(ex.confidence.values(), default=1.0)
    whole = record_confidence(ex.confidence)
    if review_below is None:
        review_below = default_review_below()
    if review_below is not None and whole < review_below:
        low = {k: [f"confidence {v:.2f}; record {whole:.2f} below {review_below}"]
               for k, v in sorted(ex.confidence.items(), key=lambda kv: kv[1])[:3]}
        raise DocumentError("low_confidence", f"record confidence {whole:.2f}",
                            stage="review", field_errors=low, raw_output=ex.raw_output,
                            partial=record.model_dump(mode="json"),
                            evidence=ex.evidence, confidence=ex.confidence)
    row = record.model_dump()
    items, ev = {}, dict(ex.evidence)
    for spec in extractor.specs:
        if spec.kind == "items":
            got = getattr(record, spec.name) or []
            items[spec.name] = child_rows(spec, got, ev.pop(spec.name, None) or [], sha,
                                          schema.name, printable_path(path))
            row.pop(spec.name, None)
            row[count_column(spec.name)] = len(got)
    row.update(source_file=printable_path(path), doc_sha256=sha, **prov,
               extracted_at=dt.datetime.now(dt.timezone.utc).isoformat(),
               evidence=dumps(ev), confidence=dumps(ex.confidence),
               min_confidence=weakest, record_confidence=whole, **extra)
    try:
        rows_frame([row], extractor.row_specs)   # fails now, as this document, not at the flush
        for spec in extractor.specs:
            if spec.kind == "items" and items[spec.name]:
                items_frame(items[spec.name], spec.items)
    except ValueError as exc:
        raise DocumentError("validation_failed", str(exc), stage="write",
                            raw_output=ex.raw_output, partial=record.model_dump(mode="json"),
                            evidence=ex.evidence, confidence=ex.confidence) from None
    if items:
        row["__items__"] = items
    return row
