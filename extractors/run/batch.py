"""The batch driver: input files -> records + rejections in OUT. The only place that knows the
stage order (one document's order inside it is in extractors/run/extract.py):

    read (read ahead, limited children) -> [classify: --schema auto] -> candidates -> rank
    -> choose -> validate -> write (records or rejected/)

One loop serves one schema and `--schema auto` alike: a Lane is one schema's outputs in this run
(its extractor, its folder, its rows not yet flushed). With one schema there is one lane, OUT
itself; with auto, each document is classified after it is read and goes to the lane of its
schema, OUT/<schema>/ (each schema has its own columns), and a document that cannot be read or
classified is rejected into OUT/rejected/ with schema `auto`.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from extractors.decide.classify import AUTO, Classifier
from extractors.errors import DocumentError, RunError
from extractors.monitor import RunWatch
from extractors.read import settings as read_settings
from extractors.read.document import read_document
from extractors.review.learn import load_store
from extractors.run import settings
from extractors.run.extract import Extractor
from extractors.run.outputs import check_out, flush, ledger, reject_document
from extractors.run.read_ahead import ReadAhead
from extractors.run.record import accept_document
from extractors.types import Summary
from extractors.write.files import FILE_MODE, SHARED_FILE_MODE, ensure_dir, records_lock
from extractors.write.items import prune_items
from extractors.write.records import compact_records
from extractors.write.repair import repair


@dataclass
class Lane:
    """One schema's outputs in this run."""
    schema: object
    out: Path
    prov: dict
    extractor: Extractor | None = None     # None: the lane of documents with no schema (auto)
    pending: list = field(default_factory=list)
    opened: bool = False


class Router:
    """Document -> (its lane, extra row columns). One schema: always its lane; auto: the lane
    of the schema the classifier chooses (DocumentError `unclassified` otherwise)."""

    def __init__(self, schemas: list, auto: bool, backend, out: Path, run_id: str, mode: int):
        self.auto, self.backend, self.mode = auto, backend, mode
        self.classifier = Classifier(schemas) if auto else None
        self.lanes = {s.name: Lane(s, out / s.name if auto else out, self._prov(s, run_id))
                      for s in schemas}
        # where a document goes when it has no lane yet (unreadable, unclassified)
        self.fallback = Lane(None, out, {"schema": AUTO, "schema_version": ",".join(self.lanes),
                                         "model": backend.name, "model_sha256": backend.sha256,
                                         "run_id": run_id}) if auto else \
            next(iter(self.lanes.values()))

    def _prov(self, schema, run_id: str) -> dict:
        return {"schema": schema.name, "schema_version": schema.version,
                "schema_source": schema.source or schema.name, "schema_sha256": schema.sha256,
                "model": self.backend.name, "model_sha256": self.backend.sha256, "run_id": run_id}

    def open(self, lane: Lane, summary: Summary) -> Lane:
        """The lane's folder made and repaired (a crash before left it consistent), once."""
        if not lane.opened:
            lane.opened = True
            summary.repaired.update(open_out(lane.out, self.mode))
            lane.extractor = Extractor(lane.schema.model, self.backend,
                                       hints=load_store(lane.out, lane.schema.name))
        return lane

    def route(self, doc, summary: Summary) -> tuple[Lane, dict]:
        if not self.auto:
            return self.open(self.fallback, summary), {}
        c = self.classifier.classify(doc)
        summary.by_schema[c.schema] = summary.by_schema.get(c.schema, 0) + 1
        return self.open(self.lanes[c.schema], summary), {
            "schema_confidence": c.confidence,
            "schema_scores": json.dumps(c.scores, sort_keys=True)}

    def done(self, force: bool) -> set[str]:
        """Content hashes already accepted or rejected in this run's folders (the ledger)."""
        if force:
            return set()
        seen = set()
        if self.auto:
            seen |= ledger(self.fallback.out, AUTO)
        for name, lane in self.lanes.items():
            if lane.out.is_dir():
                seen |= ledger(lane.out, name)
        return seen


def open_out(out: Path, mode: int) -> dict:
    """OUT made, and what a crash interrupted there finished or undone: -> what was repaired."""
    ensure_dir(out, mode)
    with records_lock(out):
        repaired = {k: v for k, v in repair(out, mode).items() if v}
        if pruned := prune_items(out, mode):
            repaired["orphan_items"] = pruned
    return repaired


def check_limits(timeout, mem_mb, review_below=None) -> None:
    """RunError unless the read limits and --review-below make sense (from flags or a config
    file): a time limit and a memory limit above 0, a finite review threshold."""
    def number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    if not (number(timeout) and timeout > 0):
        raise RunError(f"the parse timeout must be a number of seconds above 0, not {timeout}")
    if not (number(mem_mb) and mem_mb >= 1):
        raise RunError(f"the parse memory limit must be 1 MB or more, not {mem_mb}")
    if review_below is not None and not number(review_below):   # the CLI also wants [0, 1]
        raise RunError(f"--review-below must be a number from 0 to 1, not {review_below}")


def run_batch(files: list[Path], schema, backend, out: Path, *, review_below: float | None = None,
              password: str | None = None, parse_timeout: float | None = None,
              parse_mem_mb: int | None = None, force: bool = False, progress: bool = True,
              shared_output: bool = False, flush_every: int | None = None,
              flush_seconds: float | None = None, ocr: str = "auto",
              read_ahead: int | None = None, read_workers: int | None = None) -> Summary:
    """Extract every file into OUT. `schema`: a Schema, or a list of Schemas to classify each
    document among (`--schema auto`). Resumable: the ledger (content hashes already in records
    or rejected/ for the schema) is read from the outputs themselves, so a document counts as
    done exactly when its record or rejection is on disk; a killed run loses at most the
    accepted rows not yet flushed (every `flush_every` rows or `flush_seconds`), which the next
    run redoes. Flushes write part files that are folded into records.parquet/csv once at the
    end (extractors/write/records.py). Outputs are owner-only unless `shared_output` (group
    read). Up to `read_ahead` documents are read (hashed, parsed in their limited child, OCR'd)
    by `read_workers` background threads while the model works on the current one."""
    timeout = read_settings.PARSE_TIMEOUT if parse_timeout is None else parse_timeout
    mem_mb = read_settings.PARSE_MEMORY_MB if parse_mem_mb is None else parse_mem_mb
    check_limits(timeout, mem_mb, review_below)
    every = flush_every or settings.FLUSH_EVERY
    seconds = settings.FLUSH_SECONDS if flush_seconds is None else flush_seconds
    auto = isinstance(schema, (list, tuple))
    schemas = list(schema) if auto else [schema]
    check_out(out, [s.name for s in schemas], auto)
    mode = SHARED_FILE_MODE if shared_output else FILE_MODE
    summary = Summary()
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    router = Router(schemas, auto, backend, out, run_id, mode)
    watch = RunWatch(out, run_id, schema_names=[s.name for s in schemas], schemas=schemas,
                     backend=backend, auto=auto, mode=mode)
    if auto:
        summary.repaired.update(open_out(out, mode))
    else:
        router.open(router.fallback, summary)
    done = router.done(force)
    t0 = last_flush = time.perf_counter()
    bar = tqdm(total=len(files), unit="doc", disable=not progress,
               desc="extract (auto)" if auto else "extract")
    reader = ReadAhead(lambda path, sha: read_document(
        path, password=password, timeout=timeout, mem_mb=mem_mb, sha256=sha, ocr=ocr),
        workers=read_workers, ahead=read_ahead)
    completed = False
    try:
        for path, sha, got in reader.iterate(files, done):
            bar.update(1)
            summary.documents += 1
            if got is None:
                summary.skipped += 1
                watch.skip()
                continue
            _one(path, sha, got, router, summary, review_below, mode, watch)
            pending = sum(len(lane.pending) for lane in router.lanes.values())
            if pending >= every or (pending and time.perf_counter() - last_flush >= seconds):
                _flush_all(router, mode)
                last_flush = time.perf_counter()
        completed = True
    finally:   # also on Ctrl-C / SIGTERM: what was accepted so far is kept
        reader.close()
        bar.close()
        _flush_all(router, mode)
        for lane in router.lanes.values():
            if lane.opened:
                compact_records(lane.out, mode)   # the run's part files -> records, once
        # OUT/runs.jsonl + metrics.prom (never raises: a failure is one line on stderr)
        line = watch.finish(completed)
        summary.drift = (line or {}).get("drift", {}).get("flags", [])
    summary.seconds = time.perf_counter() - t0
    return summary


def _one(path: Path, sha: str, got, router: Router, summary: Summary, review_below,
         mode: int, watch: RunWatch) -> None:
    """One document: read result -> a pending record row, or a rejection on disk. No document
    is ever lost to a traceback: any error becomes a rejection with a reason code. The run's
    watch sees each outcome (it never raises)."""
    lane = doc = None
    try:
        doc, _ = got()
        lane, extra = router.route(doc, summary)
        row = accept_document(path, sha, doc, extra, lane.extractor, lane.schema, lane.prov,
                              review_below)
        lane.pending.append(row)
        summary.accepted += 1
        watch.accepted(lane.schema.name, lane.extractor.specs, doc, row, path)
    except Exception as exc:  # noqa: BLE001 - no document is ever lost to a traceback
        if not isinstance(exc, DocumentError):
            stage = "classify" if router.auto and lane is None else "pipeline"
            exc = DocumentError("internal_error", f"{type(exc).__name__}: {exc}", stage=stage)
        target = lane or router.fallback
        reject_document(target.out, path, sha, exc, target.prov, mode)
        summary.rejected += 1
        summary.reasons[exc.reason] = summary.reasons.get(exc.reason, 0) + 1
        watch.rejected(target.schema.name if target.schema else None,
                       target.extractor.specs if target.extractor else [], doc, exc, path)


def _flush_all(router: Router, mode: int) -> None:
    for lane in router.lanes.values():
        if lane.pending:
            flush(lane.out, lane.pending, lane.extractor, mode)
            lane.pending = []
