"""Review `accept` and `discard`: the two ways out of the queue. Accept re-validates an item
(corrections applied) and appends it to records with review provenance, crash-safe (records
first, then the item leaves the queue; see extractors/review.py); discard archives it."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from extractors.decide.confidence import record_confidence
from extractors.decide.validate import validate_record
from extractors.errors import DocumentError, ExtractError, ReviewError
from extractors.fieldspecs import field_specs
from extractors.review.fix import schema_of
from extractors.review.queue import (Item, archive_accepted, check_id, check_out, default_reviewer,
                                     get_item, move_discarded, now_utc, out_records_lock, pending,
                                     resolve_source, review_lock)
from extractors.review.recover import recover
from extractors.write.files import write_json
from extractors.write.records import append_records

# ----------------------------------------------------------------------------------------------
# accept

@dataclass
class AcceptResult:
    accepted: list[tuple[str, str]] = field(default_factory=list)   # (id, review_status)
    failed: list[tuple[str, str]] = field(default_factory=list)     # (id, why)
    recovered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    item: Item
    row: dict
    specs: list
    gold: dict
    example: dict | None


def _status(item: Item) -> str:
    orig = item.original
    changed = {k for k, v in item.corrections.items() if orig.get(k) != v}
    return "corrected" if changed else "approved"


def _prepare(out: Path, item: Item, schema, reviewer: str, learn: bool,
             warnings: list[str], stores: dict) -> _Prepared:
    """Validate the item and build its records row, gold label and learned example."""
    from extractors.review import learn as learning
    d = item.data
    evidence = dict(d.get("evidence") or {})
    confidence = dict(d.get("confidence") or {})
    found = d.get("items") or {}   # repeated parts: the items the extractor found
    item_values = {**item.values, **{k: v.get("items") or [] for k, v in found.items()
                                     if k in schema.model.model_fields}}
    try:
        record = validate_record(schema.model, item_values, evidence=evidence,
                                 confidence=confidence, raw_output=d.get("raw_output"))
    except DocumentError as exc:
        raise ReviewError(f"still not valid: {exc.message}") from None
    specs = field_specs(schema.model)
    status = _status(item)
    changed = {k: {"was": item.original.get(k), "now": v} for k, v in item.corrections.items()
               if item.original.get(k) != v}
    # the document again, for corrected values only: where they are printed (evidence) and
    # what they teach; an approved record's values are the extractor's own: nothing to learn
    doc = _read_source(out, item, warnings) if changed else None
    values = record.model_dump()
    for name in changed:   # a corrected value: where it is printed (if it is), confidence 1
        spec = next(s for s in specs if s.name == name)
        hits = learning.locate(doc, spec, values.get(name)) if doc is not None and \
            spec.kind in learning.LEARNABLE else []
        evidence[name] = {**hits[0].evidence(), "by": "reviewer"} if hits else {"by": "reviewer"}
        confidence[name] = 1.0
    reviewed_at = now_utc()
    row = dict(values)
    row.update(source_file=item.source_file, doc_sha256=d.get("doc_sha256"),
               schema=schema.name, schema_version=schema.version,
               schema_source=schema.source or schema.name, schema_sha256=schema.sha256,
               model=d.get("model"),
               model_sha256=d.get("model_sha256"), run_id=d.get("run_id"),
               extracted_at=d.get("rejected_at"),
               evidence=json.dumps(evidence, default=str, sort_keys=True),
               confidence=json.dumps(confidence, default=str, sort_keys=True),
               min_confidence=min((float(v) for v in confidence.values()), default=1.0),
               record_confidence=record_confidence(confidence),
               review_status=status, reviewed_at=reviewed_at, reviewer=reviewer,
               review_id=item.id,
               review_corrections=json.dumps(changed, default=str, sort_keys=True))
    gold = learning.gold_row(item.source_file, d.get("doc_sha256"), values,
                             {"schema": schema.name, "review_status": status,
                              "reviewer": reviewer, "reviewed_at": reviewed_at})
    example = None
    if learn and doc is not None:
        if schema.name not in stores:
            stores[schema.name] = learning.load_store(out, schema.name) or \
                learning.HintStore(schema.name)
        store = stores[schema.name]
        example = learning.learn_example(doc, specs, schema.name, values, item.original,
                                         item.source_file, store)
        store.add(example)
    from extractors.fieldspecs import count_column, row_specs
    from extractors.write.items import child_rows
    children = {}
    for spec in specs:
        if spec.kind == "items":
            got = getattr(record, spec.name) or []
            children[spec.name] = (spec, child_rows(
                spec, got, (found.get(spec.name) or {}).get("evidence") or [],
                d.get("doc_sha256"), schema.name, item.source_file))
            row.pop(spec.name, None)
            gold.pop(spec.name, None) if isinstance(gold, dict) else None
            row[count_column(spec.name)] = len(got)
    if children:
        row["__items__"] = children
    return _Prepared(item, row, row_specs(specs), gold, example)


def _append_items(out: Path, group: list) -> None:
    """Repeated parts of accepted items -> OUT/records_<field>.parquet (see write.append_items)."""
    from extractors.write.items import append_items
    names = {n for p in group for n in p.row.get("__items__", {})}
    for name in names:
        spec = next(p.row["__items__"][name][0] for p in group if name in p.row.get("__items__", {}))
        rows = [r for p in group for r in p.row.get("__items__", {}).get(name, (None, []))[1]]
        docs = {(p.row["doc_sha256"], p.row["schema"]) for p in group}
        append_items(out, name, rows, docs, spec.items)


def _read_source(out: Path, item: Item, warnings: list[str]):
    """The item's document, read again (to learn from it and to ground corrected values)."""
    from extractors.read.document import read_document
    path = resolve_source(out, item.source_file)
    if path is None:
        warnings.append(f"{item.id}: source file {item.source_file} not found: "
                        "accepted without learning from it")
        return None
    try:
        return read_document(path, sha256=item.data.get("doc_sha256"))
    except DocumentError as exc:
        warnings.append(f"{item.id}: {item.source_file} could not be read ({exc.reason})")
        return None


def accept(out: Path, ids: list[str] | None = None, *, all_items: bool = False,
           reviewer: str | None = None, schema_spec: str | None = None,
           learn: bool = True, _crash_after_records: bool = False) -> AcceptResult:
    """Re-validate items (their corrections applied) and append them to records with review
    provenance; each accepted item leaves the queue. With all_items, every pending item that is
    valid is accepted and the rest are reported in `failed`."""
    check_out(out)
    ids = [check_id(i) for i in ids or []]      # every id checked before anything is done
    if schema_spec:                             # and a schema asked for loads
        from schemas import load_schema
        try:
            load_schema(schema_spec)
        except ExtractError as exc:
            raise ReviewError(str(exc)) from None
    reviewer = reviewer or default_reviewer()
    res = AcceptResult()
    with review_lock(out):
        res.recovered = recover(out)
        if all_items:
            items = pending(out)
        else:
            if not ids:
                raise ReviewError("give an item id, or --all")
            items = [get_item(out, i) for i in ids]
        prepared: list[_Prepared] = []
        stores: dict = {}      # learned hints per schema, growing as the items teach them
        seen = set()
        for item in items:
            if item.id in seen:
                continue
            seen.add(item.id)
            try:
                schema = schema_of(item, schema_spec)
                prepared.append(_prepare(out, item, schema, reviewer, learn, res.warnings,
                                         stores))
            except ReviewError as exc:
                res.failed.append((item.id, str(exc)))
        if not prepared:
            return res
        # 1. records first (one write for the batch); rows carry doc hash + item id. With the
        #    records lock held no run or other writer touches records or rejected/ meanwhile.
        with out_records_lock(out):
            by_schema: dict[str, list[_Prepared]] = {}
            for p in prepared:
                by_schema.setdefault(p.row["schema"], []).append(p)
            for group in by_schema.values():
                _append_items(Path(out), group)   # child tables first, as a run does
                append_records(Path(out), [{k: v for k, v in p.row.items() if k != "__items__"}
                                           for p in group], group[0].specs)
            if _crash_after_records:      # tests: the process dies here
                os._exit(17)
            # 2. out of the queue (append_records may already have removed the file)
            for p in prepared:
                archive_accepted(out, p.item, p.row)
                res.accepted.append((p.item.id, p.row["review_status"]))
        # 3. what the reviewed records teach (a crash here: the gold label is restored by
        #    the next review command; the learned hint is lost, nothing else)
        _save_learning(out, prepared)
    return res


def _save_learning(out: Path, prepared: list[_Prepared]) -> None:
    from extractors.review import learn as learning
    for p in prepared:
        learning.save_gold(out, p.gold)
        if p.example is not None:
            learning.save_example(out, p.example)


# ----------------------------------------------------------------------------------------------
# discard

def discard(out: Path, item_id: str, reason: str, *, reviewer: str | None = None) -> Path:
    """Take an item out of the queue as permanently unusable; it is archived, never deleted."""
    if not reason or not reason.strip():
        raise ReviewError("give a reason: --reason TEXT")
    check_out(out)
    check_id(item_id)
    with review_lock(out):
        recover(out)
        item = get_item(out, item_id)
        item.data["review"] = {**(item.data.get("review") or {}), "status": "discarded",
                               "reason": reason.strip(),
                               "reviewer": reviewer or default_reviewer(),
                               "reviewed_at": now_utc()}
        with out_records_lock(out):
            write_json(item.path, item.data)      # marked first: a crash is finished later
            return move_discarded(out, item)
