"""The batch driver: input files -> records + rejections in OUT. The only place that knows the
stage order (one document's order inside it is in extractors/run/extract.py):

    read (read ahead, limited children) -> [classify: --schema auto] -> candidates -> rank
    -> choose -> validate -> write (records or rejected/)

One loop serves one schema and `--schema auto` alike: a Lane is one schema's outputs in this run
(its extractor, its folder, its rows not yet flushed). With one schema there is one lane, OUT
itself; with auto, each document is classified after it is read and goes to the lane of its
schema, OUT/<schema>/ (each schema has its own columns), and a document that cannot be read or
classified is rejected into OUT/rejected/ with schema `auto`.

Where the model runs is an Engine (extractors/run/engines.py): the driver's own model, N local
worker processes or N Ray actors. Workers return each document's outcome (a row or a
rejection); only this driver writes, and it commits outcomes in input order, so the records are
the same, row for row, whichever engine ran them.
"""
from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from extractors.config import snapshot
from extractors.decide.classify import AUTO
from extractors.errors import RunError
from extractors.monitor import RunWatch
from extractors.read import settings as read_settings
from extractors.read.document import file_bytes, read_document
from extractors.review.learn import load_store
from extractors.run import settings
from extractors.run.engines import InlineEngine
from extractors.run.extract import Extractor
from extractors.run.outputs import check_out, flush, ledger, reject_document
from extractors.run.read_ahead import ReadAhead
from extractors.run.workers import Job, Outcome, WorkerSetup, as_document_error
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
    """Outcome -> the lane it is written to: with one schema always its lane; with auto the lane
    of the schema the worker's classifier chose, or OUT's own rejected/ (`fallback`) for a
    document that could not be read or classified."""

    def __init__(self, schemas: list, auto: bool, engine, out: Path, run_id: str, mode: int):
        self.auto, self.mode, self.host = auto, mode, engine.host
        self.lanes = {s.name: Lane(s, out / s.name if auto else out,
                                   self._prov(s, engine, run_id)) for s in schemas}
        # where a document goes when it has no lane yet (unreadable, unclassified)
        self.fallback = Lane(None, out, {"schema": AUTO, "schema_version": ",".join(self.lanes),
                                         "model": engine.name, "model_sha256": engine.sha256,
                                         "run_id": run_id}) if auto else \
            next(iter(self.lanes.values()))

    @staticmethod
    def _prov(schema, engine, run_id: str) -> dict:
        return {"schema": schema.name, "schema_version": schema.version,
                "schema_source": schema.source or schema.name, "schema_sha256": schema.sha256,
                "model": engine.name, "model_sha256": engine.sha256, "run_id": run_id}

    def open(self, lane: Lane, summary: Summary) -> Lane:
        """The lane's folder made and repaired (a crash before left it consistent), once."""
        if not lane.opened:
            lane.opened = True
            summary.repaired.update(open_out(lane.out, self.mode))
            lane.extractor = Extractor(lane.schema.model, None)   # its columns, for flushes
        return lane

    def lane(self, name: str | None, summary: Summary) -> Lane:
        return self.open(self.lanes[name], summary) if name else self.fallback

    def setup(self, review_below, read: dict) -> WorkerSetup:
        """What every model worker needs (the engine adds the schemas' sources if its
        workers load them again); hints are what reviewers taught in each lane's folder."""
        return WorkerSetup([], self.auto, {n: lane.prov for n, lane in self.lanes.items()},
                           {n: load_store(lane.out, n) for n, lane in self.lanes.items()},
                           review_below, read, settings=snapshot())

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
              read_ahead: int | None = None, read_workers: int | None = None,
              engine=None) -> Summary:
    """Extract every file into OUT. `schema`: a Schema, or a list of Schemas to classify each
    document among (`--schema auto`). `engine`: where the model runs (placement.make_engine);
    None: `backend`, in this process. Resumable: the ledger (content hashes already in records
    or rejected/ for the schema) is read from the outputs themselves, so a document counts as
    done exactly when its record or rejection is on disk; a killed run loses at most the
    accepted rows not yet flushed (every `flush_every` rows or `flush_seconds`) and the
    documents still with the workers, which the next run redoes. Flushes write part files that
    are folded into records.parquet/csv once at the end (extractors/write/records.py). Outputs
    are owner-only unless `shared_output` (group read). Up to `read_ahead` documents are read
    (hashed, parsed in their limited child, OCR'd; a Ray engine's workers get the bytes and
    read them) by `read_workers` background threads while the model works."""
    timeout = read_settings.PARSE_TIMEOUT if parse_timeout is None else parse_timeout
    mem_mb = read_settings.PARSE_MEMORY_MB if parse_mem_mb is None else parse_mem_mb
    check_limits(timeout, mem_mb, review_below)
    auto = isinstance(schema, (list, tuple))
    schemas = list(schema) if auto else [schema]
    check_out(out, [s.name for s in schemas], auto)
    mode = SHARED_FILE_MODE if shared_output else FILE_MODE
    summary = Summary()
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    engine = engine or InlineEngine(backend)
    router = Router(schemas, auto, engine, out, run_id, mode)
    watch = RunWatch(out, run_id, schema_names=[s.name for s in schemas], schemas=schemas,
                     backend=engine, auto=auto, mode=mode)
    if auto:
        summary.repaired.update(open_out(out, mode))
    else:
        router.open(router.fallback, summary)
    done = router.done(force)
    t0 = time.perf_counter()
    bar = tqdm(total=len(files), unit="doc", disable=not progress,
               desc="extract (auto)" if auto else "extract")
    read = {"password": password, "timeout": timeout, "mem_mb": mem_mb, "ocr": ocr}
    reader = _reader(engine, read, read_workers, read_ahead)
    flusher = _Flusher(router, mode, flush_every or settings.FLUSH_EVERY,
                       settings.FLUSH_SECONDS if flush_seconds is None else flush_seconds)

    def commit(o: Outcome) -> None:     # the bar counts documents done, not handed out
        _commit(o, router, summary, mode, watch)
        bar.update(1)
        flusher.check()

    ok = False
    try:
        engine.start(router.setup(review_below, read), schemas)
        for path, sha, got in reader.iterate(files, done):
            summary.documents += 1
            if got is None:
                summary.skipped += 1
                watch.skip()
                bar.update(1)
                continue
            if (failed := _submit(engine, path, sha, got, router)) is not None:
                commit(failed)
            while (o := engine.next(wait=engine.in_flight() > engine.slots)) is not None:
                commit(o)
        while (o := engine.next(wait=True)) is not None:
            commit(o)
        ok = True
    finally:   # also on Ctrl-C / SIGTERM: what was accepted so far is kept
        reader.close()      # first: its children hold copies of a worker pool's pipes
        engine.close(ok)
        bar.close()
        _flush_all(router, mode)
        for lane in router.lanes.values():
            if lane.opened:
                compact_records(lane.out, mode)   # the run's part files -> records, once
        # OUT/runs.jsonl + metrics.prom (never raises: a failure is one line on stderr)
        line = watch.finish(ok)
        summary.drift = (line or {}).get("drift", {}).get("flags", [])
    summary.seconds = time.perf_counter() - t0
    return summary


def _reader(engine, read: dict, workers: int | None, ahead: int | None) -> ReadAhead:
    """The driver's readers: each file read into a Document (in its limited child), or, for an
    engine whose workers read, its bytes; enough of them to keep every model worker fed."""
    if engine.reads:
        def fn(path, sha):
            return file_bytes(path)
    else:
        def fn(path, sha):
            return read_document(path, sha256=sha, **read)
    return ReadAhead(fn, workers=workers or max(
        settings.READ_WORKERS, getattr(engine, "workers", 1) if not engine.reads else 1),
        ahead=max(settings.READ_AHEAD, engine.slots) if ahead is None else ahead)


def _submit(engine, path: Path, sha: str, got, router: Router) -> Outcome | None:
    """A document read by the driver's readers -> to the engine; a read that failed -> its
    rejection, returned to be committed now."""
    try:
        payload, _ = got()
    except Exception as exc:  # noqa: BLE001 - no document is ever lost to a traceback
        err = as_document_error(exc, "classify" if router.auto else "pipeline")
        return Outcome(path, sha, None, error=err, host=router.host)
    engine.submit(Job(path, sha, data=payload) if engine.reads else Job(path, sha, doc=payload))
    return None


def _commit(o: Outcome, router: Router, summary: Summary, mode: int, watch: RunWatch) -> None:
    """One outcome: an accepted row waits for the next flush; a rejection is written now. The
    run's watch sees each outcome (it never raises)."""
    if o.classified:
        summary.by_schema[o.lane] = summary.by_schema.get(o.lane, 0) + 1
    lane = router.lane(o.lane, summary)
    specs = lane.extractor.specs if lane.extractor else []
    name = lane.schema.name if lane.schema else None
    if o.error is None:
        lane.pending.append(o.row)
        summary.accepted += 1
        watch.accepted(name, specs, o.fingerprint, o.row, o.path)
        return
    reject_document(lane.out, o.path, o.sha, o.error, {**lane.prov, "model_host": o.host}, mode)
    summary.rejected += 1
    summary.reasons[o.error.reason] = summary.reasons.get(o.error.reason, 0) + 1
    watch.rejected(name, specs, o.fingerprint, o.error, o.path)


class _Flusher:
    """Accepted rows written every `every` rows or `seconds`, whichever comes first."""

    def __init__(self, router: Router, mode: int, every: int, seconds: float):
        self.router, self.mode, self.every, self.seconds = router, mode, every, seconds
        self.last = time.perf_counter()

    def check(self) -> None:
        pending = sum(len(lane.pending) for lane in self.router.lanes.values())
        if pending >= self.every or (pending and
                                     time.perf_counter() - self.last >= self.seconds):
            _flush_all(self.router, self.mode)
            self.last = time.perf_counter()


def _flush_all(router: Router, mode: int) -> None:
    for lane in router.lanes.values():
        if lane.pending:
            flush(lane.out, lane.pending, lane.extractor, mode)
            lane.pending = []
