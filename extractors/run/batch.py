"""Pipeline: input paths -> records + rejections. The only module that knows the stage order:

    read -> candidates -> rank -> choose -> validate -> write (records or rejected/)
"""
from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

from tqdm import tqdm

from extractors.decide.choose import choose_field
from extractors.decide.rule_repair import repair_by_rules
from extractors.decide.validate import validate_record
from extractors.errors import DocumentError, RunError
from extractors.fieldspecs import count_column, field_specs, row_specs
from extractors.locate.candidates import find_candidates
from extractors.locate.rank import rank
from extractors.read.document import read_document
from extractors.types import Document, Extraction, FieldSpec, Summary
from extractors.write.files import FILE_MODE, SHARED_FILE_MODE, ensure_dir, records_lock
from extractors.write.frames import rows_frame
from extractors.write.items import append_items, drop_items, items_frame, prune_items
from extractors.write.records import (
    append_records,
    compact_records,
    doc_id,
    read_records,
    write_rejection,
)
from extractors.write.repair import repair

INPUT_SUFFIXES = (".pdf", ".txt")
FLUSH_EVERY = 25       # accepted rows are written every 25 documents
FLUSH_SECONDS = 30.0   # ... or every 30 s, whichever comes first
READ_AHEAD = 3         # documents read (each in its own limited child) while the model works
READ_WORKERS = 1       # ... by this many reader threads (each waits on one parser child)


def collect_inputs(inputs: list[str], limit: int | None = None) -> list[Path]:
    files: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            raise RunError(f"input path does not exist: {raw}")
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file()
                            and f.suffix.lower() in INPUT_SUFFIXES)
        else:
            files.append(p)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique[:limit] if limit else unique


REPAIR_OPTIONS = 12   # ranked options kept per field for repair_by_rules


class Extractor:
    """Schema + model backend -> one document's record (built once per run)."""

    def __init__(self, model, backend, top_k: int = 5, hints=None):
        self.model = model
        self.backend = backend
        self.specs: list[FieldSpec] = field_specs(model)
        self.row_specs = row_specs(self.specs)   # the parent row: repeated parts as counts
        self.top_k = top_k
        self.all_labels = tuple(lab for s in self.specs for lab in s.labels)
        self.hints = hints   # learn.HintStore (issue 6: labels learned from reviews) or None

    def extract(self, doc: Document) -> Extraction:
        if not any(p.text.strip() for p in doc.pages):
            raise DocumentError("no_text", "document has no text", stage="read")
        specs, all_labels = self.specs, self.all_labels
        if self.hints is not None:   # issue 6: labels reviewers taught for documents like this
            from extractors.review.learn import apply_hints
            specs = apply_hints(self.specs, doc, self.hints)
            all_labels = tuple(lab for s in specs for lab in s.labels)
        values, evidence, confidence, raw = {}, {}, {}, {}
        doc = _items_hook(doc, specs, values, evidence, confidence, raw)
        cands = find_candidates(doc, specs)
        taken: set = set()
        opts_by_field: dict = {}
        all_opts: dict = {}
        excerpt = doc.pages[0].text[:1200]
        for spec in specs:
            if spec.kind == "items":
                continue
            if spec.kind == "pattern_list":
                seen, items, ev = set(), [], []
                for c in cands[spec.name]:
                    if c.value not in seen:
                        seen.add(c.value)
                        items.append(c.value)
                        ev.append(c.evidence())
                values[spec.name] = items
                evidence[spec.name] = ev
                confidence[spec.name] = 1.0 if items else 0.0
                raw[spec.name] = {"items": items}
                continue
            if spec.kind == "choice":
                choice = self.backend.choose_value(spec, excerpt) \
                    if hasattr(self.backend, "choose_value") else None
                values[spec.name], confidence[spec.name] = choice or (None, 0.0)
                raw[spec.name] = {"choice": values[spec.name]}
                continue
            siblings = [s for s in specs if s is not spec]
            pool = cands[spec.name]
            if spec.kind == "text":   # one printed name answers one field (seller, then buyer)
                pool = [c for c in pool if str(c.value).casefold() not in taken]
            # more options than the model sees: business rules may choose among them
            wide = rank(spec, pool, siblings, max(self.top_k, REPAIR_OPTIONS), all_labels)
            if self.hints is not None:   # issue 6: where reviewers' values were printed
                from extractors.review.learn import rerank
                wide = rerank(spec, wide, doc, self.hints)
            for o in wide:
                o._kind = spec.kind
            options = wide[:self.top_k]
            opts_by_field[spec.name] = wide
            if spec.kind == "money":   # business-rule repair may look further (rule_repair.py)
                all_opts[spec.name] = _ranked_all(spec, pool, siblings, all_labels)
            ch = choose_field(self.backend, spec, options)
            raw[spec.name] = {"options": [o.text for o in options],
                              "probs": [round(p, 4) for p in ch.probs],
                              "chosen": ch.candidate.text if ch.candidate else None}
            confidence[spec.name] = ch.confidence
            if ch.candidate is None:
                values[spec.name] = None
                continue
            values[spec.name] = ch.candidate.value
            evidence[spec.name] = ch.candidate.evidence()
            if spec.kind == "text":
                taken.add(str(ch.candidate.value).casefold())
        return Extraction(values, evidence, confidence, raw, opts_by_field, all_opts)


def _ranked_all(spec, pool, siblings, all_labels):
    """Every candidate of the field ranked, computed only when asked (repair is rare)."""
    def ranked():
        out = rank(spec, pool, siblings, max(len(pool), 1), all_labels)
        for o in out:
            o._kind = spec.kind
        return out
    return ranked


def _items_hook(doc: Document, specs, values, evidence, confidence, raw) -> Document:
    """Repeated parts (extractors/items.py): their items go into values/evidence; the document
    returned holds only the pages that can carry top-level fields (not those filled with
    items), so a long statement's top-level search stays small."""
    item_specs = [s for s in specs if s.kind == "items"]
    if not item_specs:
        return doc
    from extractors.locate.line_items import extract_items, top_level_pages
    regions: set = set()
    for spec in item_specs:
        res = extract_items(doc, spec, [s for s in specs if s.kind != "items"])
        values[spec.name] = res.items
        evidence[spec.name] = res.evidence
        confidence[spec.name] = 1.0
        raw[spec.name] = {"method": res.method, "count": len(res.items)}
        regions |= res.regions
    pages = top_level_pages(doc, regions)
    return doc if len(pages) == len(doc.pages) else Document(doc.source, doc.sha256, pages, doc.kind)


def child_rows(spec: FieldSpec, record_items, evidence: list, sha: str, schema: str,
               source: str) -> list[dict]:
    rows = []
    for i, item in enumerate(record_items):
        vals = item.model_dump() if hasattr(item, "model_dump") else dict(item)
        rows.append({"doc_sha256": sha, "schema": schema, "source_file": source, "item_index": i,
                     **{s.name: vals.get(s.name) for s in spec.items},
                     "evidence": _dumps(evidence[i] if i < len(evidence) else {})})
    return rows


def _flush(out: Path, pending: list[dict], extractor: "Extractor", mode: int) -> None:
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


def run_batch(files: list[Path], schema, backend, out: Path, *, review_below: float | None = None,
              password: str | None = None, parse_timeout: float = 60.0, parse_mem_mb: int = 2048,
              force: bool = False, progress: bool = True, shared_output: bool = False,
              flush_every: int = FLUSH_EVERY, flush_seconds: float = FLUSH_SECONDS,
              ocr: str = "auto", preread: dict | None = None, read_ahead: int = READ_AHEAD,
              read_workers: int = READ_WORKERS) -> Summary:
    """Extract every file into OUT. Resumable: the ledger (content hashes already in records or
    rejected/ for this schema) is read from the outputs themselves, so a document counts as
    done exactly when its record or rejection is on disk; a killed run loses at most the
    accepted rows not yet flushed (every `flush_every` rows or `flush_seconds`), which the next
    run redoes. Flushes write part files (cost: their own rows) that are folded into
    records.parquet/csv once at the end (extractors/write_records.py). Outputs are owner-only unless `shared_output` (group read). `ocr`: see
    extractors/ocr.py; `preread`: path -> (Document, extra row columns) already read (and
    classified) by `--schema auto` (extractors/classify.py). Up to `read_ahead` documents are
    read (hashed, parsed in their limited child, OCR'd) by `read_workers` background threads
    while the model works on the current one (`ReadAhead`)."""
    mode = SHARED_FILE_MODE if shared_output else FILE_MODE
    ensure_dir(out, mode)
    summary = Summary()
    with records_lock(out):
        summary.repaired = {k: v for k, v in repair(out, mode).items() if v}
        if pruned := prune_items(out, mode):
            summary.repaired["orphan_items"] = pruned
        done = set() if force else ledger(out, schema.name)
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    from extractors.review.learn import (
        load_store,  # issue 6: label hints learned from reviews in this OUT
    )
    extractor = Extractor(schema.model, backend, hints=load_store(out, schema.name))
    prov = {"schema": schema.name, "schema_version": schema.version, "model": backend.name,
            "model_sha256": backend.sha256, "run_id": run_id}
    pending: list[dict] = []
    t0 = last_flush = time.perf_counter()
    bar = tqdm(total=len(files), unit="doc", disable=not progress, desc="extract")
    reader = ReadAhead(lambda path, sha: read_document(
        path, password=password, timeout=parse_timeout, mem_mb=parse_mem_mb, sha256=sha,
        ocr=ocr), workers=read_workers, ahead=read_ahead)
    try:
        for path, sha, doc in reader.iterate(files, done, preread):
            bar.update(1)
            summary.documents += 1
            if doc is None:
                summary.skipped += 1
                continue
            try:
                pending.append(_accept(path, sha, extractor, schema, prov, review_below,
                                       doc_reader=doc))
                summary.accepted += 1
            except Exception as exc:  # noqa: BLE001 - no document is ever lost to a traceback
                if not isinstance(exc, DocumentError):
                    exc = DocumentError("internal_error", f"{type(exc).__name__}: {exc}",
                                        stage="pipeline")
                reject_document(out, path, sha, exc, prov, mode)
                summary.rejected += 1
                summary.reasons[exc.reason] = summary.reasons.get(exc.reason, 0) + 1
            if len(pending) >= flush_every or \
                    (pending and time.perf_counter() - last_flush >= flush_seconds):
                _flush(out, pending, extractor, mode)
                pending, last_flush = [], time.perf_counter()
    finally:   # also on Ctrl-C / SIGTERM: what was accepted so far is kept
        reader.close()
        bar.close()
        _flush(out, pending, extractor, mode)
        compact_records(out, mode)     # the run's part files -> records.parquet/csv, once
    summary.seconds = time.perf_counter() - t0
    return summary


def _accept(path: Path, sha: str, extractor: Extractor, schema, prov: dict, review_below,
            password=None, parse_timeout=60.0, parse_mem_mb=2048, ocr="auto", preread=None,
            doc_reader=None) -> dict:
    """One document -> its record row, or a DocumentError. `doc_reader`: a callable that
    returns the document's (Document, extra row columns) or raises (ReadAhead's result)."""
    if doc_reader is not None:
        doc, extra = doc_reader()
    else:
        doc, extra = (preread or {}).pop(path, (None, {}))
    if doc is None:
        doc = read_document(path, password=password, timeout=parse_timeout,
                            mem_mb=parse_mem_mb, sha256=sha, ocr=ocr)
    ex = extractor.extract(doc)
    try:
        return _accept_extraction(path, sha, doc, ex, extractor, schema, prov, review_below, extra)
    except DocumentError as exc:   # the items found go into the rejection too
        exc.items = {s.name: {"items": ex.values.get(s.name), "evidence": ex.evidence.get(s.name)}
                     for s in extractor.specs if s.kind == "items"}
        if exc.items and isinstance(exc.evidence, dict):   # item evidence lives under "items"
            exc.evidence = {k: v for k, v in exc.evidence.items() if k not in exc.items}
        raise


def _accept_extraction(path, sha, doc, ex, extractor, schema, prov, review_below, extra) -> dict:
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
    if review_below is not None and weakest < review_below:
        low = {k: [f"confidence {v:.2f} below {review_below}"]
               for k, v in ex.confidence.items() if v < review_below}
        raise DocumentError("low_confidence", f"weakest field confidence {weakest:.2f}",
                            stage="review", field_errors=low, raw_output=ex.raw_output,
                            partial=record.model_dump(mode="json"),
                            evidence=ex.evidence, confidence=ex.confidence)
    row = record.model_dump()
    items, ev = {}, dict(ex.evidence)
    for spec in extractor.specs:
        if spec.kind == "items":
            got = getattr(record, spec.name) or []
            items[spec.name] = child_rows(spec, got, ev.pop(spec.name, None) or [], sha,
                                          schema.name, str(path))
            row.pop(spec.name, None)
            row[count_column(spec.name)] = len(got)
    row.update(source_file=str(path), doc_sha256=sha, **prov,
               extracted_at=dt.datetime.now(dt.timezone.utc).isoformat(),
               evidence=_dumps(ev), confidence=_dumps(ex.confidence),
               min_confidence=weakest, **extra)
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


class ReadAhead:
    """Reads documents ahead of the model: `iterate` yields (path, sha, result) in input order,
    where result is None for a document already done (ledger, or the same content earlier in
    this batch) and otherwise a callable returning (Document, extra columns) or raising the
    read's error. At most `ahead` documents are read but not yet taken (memory stays bounded);
    each read runs `read_fn(path, sha)` (the read stage: its own child process with time and
    memory limits) in one of `workers` daemon threads, which only wait on that child, so
    parsing overlaps the model. ahead=0 reads each document when it is taken."""

    def __init__(self, read_fn, workers: int = READ_WORKERS, ahead: int = READ_AHEAD):
        import queue
        import threading
        self.read_fn, self.ahead = read_fn, max(int(ahead), 0)
        self.jobs: queue.Queue = queue.Queue()
        self.threads = [threading.Thread(target=self._work, daemon=True, name=f"read-{i}")
                        for i in range(max(int(workers), 1) if self.ahead else 0)]
        for t in self.threads:
            t.start()

    def _work(self):
        while True:
            job = self.jobs.get()
            if job is None:
                return
            job()

    def _submit(self, path, sha):
        import threading
        box: dict = {}
        ready = threading.Event()

        def job():
            try:
                box["doc"] = (self.read_fn(path, sha), {})
            except BaseException as exc:  # noqa: BLE001 - handed to the main loop
                box["exc"] = exc
            finally:
                ready.set()
        if self.ahead:
            self.jobs.put(job)
        else:
            job()

        def result():
            ready.wait()
            if "exc" in box:
                raise box.pop("exc")
            return box.pop("doc")
        return result

    def iterate(self, files, done: set, preread: dict | None = None):
        from collections import deque
        queued: deque = deque()
        todo = iter(files)
        while True:
            while len(queued) <= self.ahead:
                path = next(todo, None)
                if path is None:
                    break
                sha = safe_sha(path)
                if sha in done:
                    queued.append((path, sha, None))
                    continue
                done.add(sha)
                got = (preread or {}).pop(path, None)
                if got is not None:
                    queued.append((path, sha, lambda got=got: got))
                else:
                    queued.append((path, sha, self._submit(path, sha)))
            if not queued:
                return
            yield queued.popleft()

    def close(self):
        """Stop the reader threads (a read in progress finishes in its child or is killed
        with this process: parser children die with their parent)."""
        import queue
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self.threads:
            self.jobs.put(None)


def ledger(out: Path, schema_name: str) -> set[str]:
    """Content hashes already accepted or rejected in OUT for this schema. Derived from the
    outputs (never stored apart from them), so it cannot disagree with them after a crash."""
    import json

    import polars as pl
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


def safe_sha(path: Path) -> str:
    """The document's content hash; an unreadable file gets a stable id from its path (so a
    re-run skips it like any other rejected document)."""
    import hashlib

    from extractors.read.document import file_sha256
    try:
        return file_sha256(path)
    except OSError:
        key = str(Path(path).resolve()).encode("utf-8", "surrogateescape")
        return "unreadable-" + hashlib.sha256(key).hexdigest()


def _dumps(v) -> str:
    import json
    return json.dumps(v, default=str, sort_keys=True)


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
    if getattr(exc, "items", None):
        payload["items"] = exc.items
    with records_lock(out):
        drop_items(out, sha, prov["schema"], mode)   # a redone document keeps no old items
        write_rejection(out, doc_id(sha), payload, mode)
