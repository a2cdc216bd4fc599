"""Pipeline: input paths -> records + rejections. The only module that knows the stage order:

    read -> candidates -> rank -> choose -> validate -> write (records or rejected/)
"""
from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .candidates import find_candidates
from .choose import choose_field
from .errors import DocumentError, RunError
from .fields import FieldSpec, field_specs
from .rank import rank
from .read import Document, read_document
from .validate import validate_record
from .write import (FILE_MODE, SHARED_FILE_MODE, append_records, compact_records, ensure_dir,
                    read_records, doc_id, records_lock, repair, rows_frame, write_rejection)

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


@dataclass
class Extraction:
    values: dict
    evidence: dict
    confidence: dict
    raw_output: dict
    options: dict = field(default_factory=dict)   # field -> ranked Candidates offered


def repair_by_rules(model, ex: Extraction, kinds=("money", "date"), per_field: int = 3,
                    limit: int = 400) -> bool:
    """A record that breaks a business rule ("net + tax != total") gets the best-scoring
    combination of the other offered values (top few per money/date field) that passes
    validation; True when one was found. Every value still comes from the document; the
    confidence of a changed field is its option's rank score."""
    import itertools
    from pydantic import ValidationError
    names = [n for n, opts in ex.options.items()
             if opts and getattr(opts[0], "_kind", None) in kinds]
    choices = []
    for n in names:
        # only other printed values: dropping a printed value would hide the inconsistency
        choices.append([(o.score, o) for o in ex.options[n][:per_field]])
    combos = sorted(itertools.product(*choices), key=lambda c: -sum(s for s, _ in c))
    for combo in combos[:limit]:
        values = dict(ex.values)
        for n, (_, o) in zip(names, combo):
            values[n] = o.value
        if values == ex.values:
            continue
        try:
            model.model_validate(values)
        except ValidationError:
            continue
        for n, (score, o) in zip(names, combo):
            if values[n] != ex.values.get(n):
                ex.values[n] = values[n]
                ex.evidence[n] = o.evidence()
                ex.confidence[n] = round(max(min(score, 1.0), 0.0), 4)
                ex.raw_output.setdefault(n, {})["repaired"] = o.text
        return True
    return False


class Extractor:
    """Schema + model backend -> one document's record (built once per run)."""

    def __init__(self, model, backend, top_k: int = 5, hints=None):
        self.model = model
        self.backend = backend
        self.specs: list[FieldSpec] = field_specs(model)
        self.top_k = top_k
        self.all_labels = tuple(lab for s in self.specs for lab in s.labels)
        self.hints = hints   # learn.HintStore (issue 6: labels learned from reviews) or None

    def extract(self, doc: Document) -> Extraction:
        if not any(p.text.strip() for p in doc.pages):
            raise DocumentError("no_text", "document has no text", stage="read")
        specs, all_labels = self.specs, self.all_labels
        if self.hints is not None:   # issue 6: labels reviewers taught for documents like this
            from .learn import apply_hints
            specs = apply_hints(self.specs, doc, self.hints)
            all_labels = tuple(lab for s in specs for lab in s.labels)
        cands = find_candidates(doc, specs)
        values, evidence, confidence, raw = {}, {}, {}, {}
        taken: set = set()
        opts_by_field: dict = {}
        excerpt = doc.pages[0].text[:1200]
        for spec in specs:
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
            options = rank(spec, pool, siblings, self.top_k, all_labels)
            if self.hints is not None:   # issue 6: where reviewers' values were printed
                from .learn import rerank
                options = rerank(spec, options, doc, self.hints)
            for o in options:
                o._kind = spec.kind
            opts_by_field[spec.name] = options
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
        return Extraction(values, evidence, confidence, raw, opts_by_field)


@dataclass
class Summary:
    documents: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    reasons: dict = field(default_factory=dict)
    repaired: dict = field(default_factory=dict)


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
    records.parquet/csv once at the end (extractors/write.py). Outputs are owner-only unless `shared_output` (group read). `ocr`: see
    extractors/ocr.py; `preread`: path -> (Document, extra row columns) already read (and
    classified) by `--schema auto` (extractors/classify.py). Up to `read_ahead` documents are
    read (hashed, parsed in their limited child, OCR'd) by `read_workers` background threads
    while the model works on the current one (`ReadAhead`)."""
    mode = SHARED_FILE_MODE if shared_output else FILE_MODE
    ensure_dir(out, mode)
    summary = Summary()
    with records_lock(out):
        summary.repaired = {k: v for k, v in repair(out, mode).items() if v}
        done = set() if force else ledger(out, schema.name)
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    from .learn import load_store   # issue 6: label hints learned from reviews in this OUT
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
                _reject(out, path, sha, exc, prov, mode)
                summary.rejected += 1
                summary.reasons[exc.reason] = summary.reasons.get(exc.reason, 0) + 1
            if len(pending) >= flush_every or \
                    (pending and time.perf_counter() - last_flush >= flush_seconds):
                append_records(out, pending, extractor.specs, mode, compact=False)
                pending, last_flush = [], time.perf_counter()
    finally:   # also on Ctrl-C / SIGTERM: what was accepted so far is kept
        reader.close()
        bar.close()
        append_records(out, pending, extractor.specs, mode, compact=False)
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
        record = validate_record(schema.model, ex.values, evidence=ex.evidence,
                                 confidence=ex.confidence, raw_output=ex.raw_output)
    except DocumentError as exc:
        if exc.reason != "business_rule" or not repair_by_rules(schema.model, ex):
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
    row.update(source_file=str(path), doc_sha256=sha, **prov,
               extracted_at=dt.datetime.now(dt.timezone.utc).isoformat(),
               evidence=_dumps(ex.evidence), confidence=_dumps(ex.confidence),
               min_confidence=weakest, **extra)
    try:
        rows_frame([row], extractor.specs)   # fails now, as this document, not at the flush
    except ValueError as exc:
        raise DocumentError("validation_failed", str(exc), stage="write",
                            raw_output=ex.raw_output, partial=record.model_dump(mode="json"),
                            evidence=ex.evidence, confidence=ex.confidence) from None
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
                sha = _safe_sha(path)
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


def _safe_sha(path: Path) -> str:
    """The document's content hash; an unreadable file gets a stable id from its path (so a
    re-run skips it like any other rejected document)."""
    import hashlib

    from .read import file_sha256
    try:
        return file_sha256(path)
    except OSError:
        key = str(Path(path).resolve()).encode("utf-8", "surrogateescape")
        return "unreadable-" + hashlib.sha256(key).hexdigest()


def _dumps(v) -> str:
    import json
    return json.dumps(v, default=str, sort_keys=True)


def _reject(out: Path, path: Path, sha: str, exc: DocumentError, prov: dict, mode: int) -> None:
    """rejected/<doc id>.json; write_rejection first removes a record of the same document
    (a document re-done with --force and now rejected leaves records: no duplicates)."""
    payload = {
        "source_file": str(path), "doc_sha256": sha, **prov,
        "rejected_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "reason": exc.reason, "stage": exc.stage, "message": exc.message,
        "field_errors": exc.field_errors, "raw_output": exc.raw_output,
        "partial": exc.partial, "evidence": exc.evidence, "confidence": exc.confidence,
    }
    write_rejection(out, doc_id(sha), payload, mode)
