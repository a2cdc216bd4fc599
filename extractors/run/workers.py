"""Model workers: a document (read by the driver, or its bytes and hash) -> its Outcome (the
record row, or the DocumentError it is rejected with, and where its model ran), in whichever
process holds a model: the driver itself, one of N local worker processes, or a Ray actor
(extractors/run/engines.py, ray_engine.py). A worker never writes to OUT: the batch driver
(batch.py) commits every outcome through the ledger and the crash-safe writes.

A worker gets everything from one picklable WorkerSetup (the schemas as their source, the
learned hints, provenance, the read options, the model and every setting), so a spawned
process or a Ray actor on another machine extracts exactly as the driver would.
"""
from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from extractors.errors import DocumentError, RunError
from extractors.types import Document


@dataclass
class Job:
    """One document for a model worker: read by the driver (`doc`), or its bytes (`data`,
    read where the worker runs)."""
    path: Path
    sha: str
    doc: Document | None = None
    data: bytes | None = None


@dataclass
class Outcome:
    """A document's result: `row` (accepted) or `error` (rejected), in `lane` (its schema; None:
    OUT's own rejected/, for a document no schema took); `classified`: --schema auto chose it."""
    path: Path
    sha: str
    lane: str | None
    row: dict | None = None
    error: DocumentError | None = None
    host: str = ""
    classified: bool = False
    fingerprint: list[str] | None = None   # the document's first-page words (monitor families)


@dataclass
class SchemaSource:
    """A schema as a worker loads it again: a built-in's name, or a schema file's text."""
    name: str
    source: str = ""          # Schema.source: absolute path[:Model] of a file ("" built-in)
    sha256: str = ""
    text: bytes | None = None


def schema_source(schema) -> SchemaSource:
    if not schema.source or schema.source == schema.name:
        return SchemaSource(schema.name)
    path = Path(_file_of(schema.source, schema.name))
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise RunError(f"schema file {path} cannot be read again for the model workers: "
                       f"{exc.strerror or type(exc).__name__}") from None
    return SchemaSource(schema.name, schema.source, schema.sha256, text)


def _file_of(source: str, name: str) -> str:
    cut = source[:-len(name) - 1] if source.endswith(":" + name) else source
    return cut if cut.endswith(".py") else source


def load_source(src: SchemaSource):
    """SchemaSource -> Schema: a built-in by name; a file from its path when it is there
    unchanged (same machine), else from the text sent (a Ray node elsewhere)."""
    from schemas import load_schema
    if src.text is None:
        return load_schema(src.name)
    cls = f":{src.name}" if src.source.endswith(":" + src.name) else ""
    path = Path(_file_of(src.source, src.name))
    try:
        same = path.read_bytes() == src.text
    except OSError:
        same = False
    if same:
        return load_schema(f"{path}{cls}")
    folder = Path(tempfile.mkdtemp(prefix="extract-schema-"))
    copy = folder / path.name
    copy.write_bytes(src.text)
    return load_schema(f"{copy}{cls}")


@dataclass
class WorkerSetup:
    """Everything a model worker needs, picklable."""
    schemas: list[SchemaSource]
    auto: bool
    prov: dict[str, dict]                       # lane (schema name) -> provenance columns
    hints: dict = field(default_factory=dict)   # lane -> learn.HintStore or None
    review_below: float | None = None
    read: dict = field(default_factory=dict)    # read_document's options (workers that read)
    model_path: str | None = None               # --model (None: the embedded model)
    model_sha256: str = ""                      # as the driver verified it
    model_url: str | None = None                # --model-url
    server_probe: object = None                 # server_backend.ServerProbe
    threads: int = 0                            # llama.cpp threads (0: its own choice)
    engine: str = "local"                       # model_host says "<engine>:<hostname>"
    settings: dict = field(default_factory=dict)   # config.snapshot() of the driver


def make_backend(setup: WorkerSetup):
    """The worker's own model: a model server client, or llama.cpp loaded once (the same
    file the driver verified: its SHA-256 must match)."""
    if setup.model_url:
        from extractors.decide.server_backend import ServerBackend
        return ServerBackend(setup.model_url, setup.server_probe)
    from extractors.decide.backends import BACKENDS, resolve_model
    path, sha = resolve_model(setup.model_path)
    if setup.model_sha256 and sha != setup.model_sha256:
        raise RunError(f"the model on {socket.gethostname()} ({path}) is not the driver's "
                       f"(SHA-256 {sha[:12]}… vs {setup.model_sha256[:12]}…)")
    with quiet_stderr():
        return BACKENDS["llama"](path, sha, n_threads=setup.threads or None)


@contextlib.contextmanager
def quiet_stderr():
    """File descriptor 2 to /dev/null meanwhile (what llama.cpp prints while loading)."""
    null = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


class Worker:
    """One model and the run's schemas: Job -> Outcome. `backend`/`schemas`: the driver's
    own (inline); otherwise made from the setup (a worker process, a Ray actor)."""

    def __init__(self, setup: WorkerSetup, backend=None, schemas=None):
        from extractors.decide.classify import Classifier
        if setup.settings:
            from extractors.config import restore
            restore(setup.settings)
        self.setup = setup
        self.schemas = {s.name: s for s in (schemas or [load_source(x) for x in setup.schemas])}
        self.backend = backend if backend is not None else make_backend(setup)
        self.classifier = Classifier(list(self.schemas.values())) if setup.auto else None
        self.extractors: dict = {}
        self.host = getattr(self.backend, "url", None) or \
            f"{setup.engine}:{socket.gethostname()}"

    def extractor(self, lane: str):
        if lane not in self.extractors:
            from extractors.run.extract import Extractor
            self.extractors[lane] = Extractor(self.schemas[lane].model, self.backend,
                                              hints=self.setup.hints.get(lane))
        return self.extractors[lane]

    def read(self, job: Job) -> Document:
        """A document from its bytes, read (in its limited child) from a private copy that
        keeps its file type; its source is the driver's path."""
        from extractors.read.document import read_document
        suffix = Path(os.fsdecode(job.path)).suffix.lower()
        with tempfile.TemporaryDirectory(prefix="extract-doc-") as tmp:
            copy = Path(tmp) / f"document{suffix if suffix in ('.pdf', '.txt') else ''}"
            with open(copy, "xb") as f:
                f.write(job.data)
            doc = read_document(copy, sha256=job.sha, **self.setup.read)
        return replace(doc, source=os.fsdecode(job.path))

    def process(self, job: Job) -> Outcome:
        """Read (if the job has bytes), classify (--schema auto), extract, validate: the
        record row or the rejection. Any error but a RunError (the run cannot go on: the
        model server is gone) becomes a rejection: no document is lost to a traceback."""
        from extractors.run.record import accept_document
        from extractors.review.learn import fingerprint
        lane, classified, words = None, False, None
        try:
            doc = job.doc if job.doc is not None else self.read(job)
            words = fingerprint(doc)
            extra: dict = {}
            if self.classifier is not None:
                import json
                c = self.classifier.classify(doc)
                lane, classified = c.schema, True
                extra = {"schema_confidence": c.confidence,
                         "schema_scores": json.dumps(c.scores, sort_keys=True)}
            else:
                lane = next(iter(self.schemas))
            extra["model_host"] = self.host
            row = accept_document(job.path, job.sha, doc, extra, self.extractor(lane),
                                  self.schemas[lane], self.setup.prov[lane],
                                  self.setup.review_below)
            return Outcome(job.path, job.sha, lane, row=row, host=self.host,
                           classified=classified, fingerprint=words)
        except RunError:
            raise
        except Exception as exc:  # noqa: BLE001 - no document is ever lost to a traceback
            stage = "classify" if self.classifier is not None and lane is None else "pipeline"
            return Outcome(job.path, job.sha, lane, error=as_document_error(exc, stage),
                           host=self.host, classified=classified, fingerprint=words)


def as_document_error(exc: Exception, stage: str) -> DocumentError:
    """A DocumentError as it is; anything else is a bug: internal_error, the batch goes on."""
    if isinstance(exc, DocumentError):
        return exc
    return DocumentError("internal_error", f"{type(exc).__name__}: {exc}", stage=stage)


# --- in a local worker process (engines.ProcessEngine) ---------------------------------------
_STATE: dict = {}


def start_worker(setup: WorkerSetup, parent: int) -> None:
    """A worker process's start: it dies with the driver (even SIGKILLed), leaves Ctrl-C to
    it, and writes nothing to the terminal (its errors go back to the driver)."""
    from extractors.read.child import die_with_parent
    die_with_parent(parent)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    _STATE["setup"] = setup


def run_job(job: Job) -> Outcome:
    """A job in a worker process; its model is loaded at the first job (a RunError then
    reaches the driver with the job)."""
    if "worker" not in _STATE:
        _STATE["worker"] = Worker(_STATE["setup"])
    return _STATE["worker"].process(job)
