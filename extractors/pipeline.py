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
from .write import append_records, write_rejection

INPUT_SUFFIXES = (".pdf", ".txt")
FLUSH_EVERY = 25


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


class Extractor:
    """Schema + model backend -> one document's record (built once per run)."""

    def __init__(self, model, backend, top_k: int = 5):
        self.model = model
        self.backend = backend
        self.specs: list[FieldSpec] = field_specs(model)
        self.top_k = top_k
        self.all_labels = tuple(lab for s in self.specs for lab in s.labels)

    def extract(self, doc: Document) -> Extraction:
        if not any(p.text.strip() for p in doc.pages):
            raise DocumentError("no_text", "document has no text", stage="read")
        cands = find_candidates(doc, self.specs)
        values, evidence, confidence, raw = {}, {}, {}, {}
        excerpt = doc.pages[0].text[:1200]
        for spec in self.specs:
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
            siblings = [s for s in self.specs if s is not spec]
            options = rank(spec, cands[spec.name], siblings, self.top_k, self.all_labels)
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
        return Extraction(values, evidence, confidence, raw)


@dataclass
class Summary:
    documents: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    reasons: dict = field(default_factory=dict)


def run_batch(files: list[Path], schema, backend, out: Path, *, review_below: float | None = None,
              password: str | None = None, parse_timeout: float = 60.0, parse_mem_mb: int = 2048,
              force: bool = False, progress: bool = True) -> Summary:
    out.mkdir(parents=True, exist_ok=True)
    done = set() if force else ledger(out, schema.name)
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    extractor = Extractor(schema.model, backend)
    prov = {"schema": schema.name, "schema_version": schema.version, "model": backend.name,
            "model_sha256": backend.sha256, "run_id": run_id}
    summary = Summary()
    pending: list[dict] = []
    t0 = time.perf_counter()
    bar = tqdm(files, unit="doc", disable=not progress, desc="extract")
    for path in bar:
        summary.documents += 1
        sha = _safe_sha(path)
        if sha in done:
            summary.skipped += 1
            continue
        done.add(sha)
        try:
            doc = read_document(path, password=password, timeout=parse_timeout,
                                mem_mb=parse_mem_mb, sha256=sha)
            ex = extractor.extract(doc)
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
                       min_confidence=weakest)
            pending.append(row)
            summary.accepted += 1
        except Exception as exc:  # noqa: BLE001 - no document is ever lost to a traceback
            if not isinstance(exc, DocumentError):
                exc = DocumentError("internal_error", f"{type(exc).__name__}: {exc}",
                                    stage="pipeline")
            _reject(out, path, sha, exc, prov)
            summary.rejected += 1
            summary.reasons[exc.reason] = summary.reasons.get(exc.reason, 0) + 1
        if len(pending) >= FLUSH_EVERY:
            _flush(out, pending, extractor.specs)
            pending = []
    _flush(out, pending, extractor.specs)
    summary.seconds = time.perf_counter() - t0
    return summary


def ledger(out: Path, schema_name: str) -> set[str]:
    """Content hashes already accepted or rejected in OUT for this schema."""
    import json

    import polars as pl
    seen: set[str] = set()
    pq = out / "records.parquet"
    if pq.exists():
        df = pl.read_parquet(pq, columns=["doc_sha256", "schema"])
        seen |= set(df.filter(pl.col("schema") == schema_name)["doc_sha256"].to_list())
    for f in (out / "rejected").glob("*.json"):
        try:
            r = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if r.get("schema") == schema_name:
            seen.add(r.get("doc_sha256"))
    return seen


def _flush(out: Path, rows: list[dict], specs) -> None:
    """Write accepted rows; a document accepted now leaves rejected/ (e.g. after --force)."""
    append_records(out, rows, specs)
    for r in rows:
        stale = out / "rejected" / f"{r['doc_sha256'][:16]}.json"
        if stale.exists():
            stale.unlink()


def _safe_sha(path: Path) -> str:
    from .read import file_sha256
    try:
        return file_sha256(path)
    except OSError:
        return "unreadable-" + uuid.uuid4().hex[:8]


def _dumps(v) -> str:
    import json
    return json.dumps(v, default=str, sort_keys=True)


def _reject(out: Path, path: Path, sha: str, exc: DocumentError, prov: dict) -> None:
    payload = {
        "source_file": str(path), "doc_sha256": sha, **prov,
        "rejected_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "reason": exc.reason, "stage": exc.stage, "message": exc.message,
        "field_errors": exc.field_errors, "raw_output": exc.raw_output,
        "partial": exc.partial, "evidence": exc.evidence, "confidence": exc.confidence,
    }
    write_rejection(out, sha[:16], payload)
    _drop_record(out, sha, prov["schema"])


def _drop_record(out: Path, sha: str, schema_name: str) -> None:
    """A document re-done with --force and now rejected leaves records (no duplicates)."""
    import polars as pl

    from .write import atomic_write, csv_safe
    pq = out / "records.parquet"
    if not pq.exists():
        return
    df = pl.read_parquet(pq)
    keep = df.filter(~((pl.col("doc_sha256") == sha) & (pl.col("schema") == schema_name)))
    if keep.height != df.height:
        atomic_write(pq, keep.write_parquet)
        atomic_write(out / "records.csv", lambda p: csv_safe(keep).write_csv(p))
