"""A run's history line -> OUT/metrics.prom, in Prometheus' text format for node_exporter's
textfile collector (`--collector.textfile.directory`), replaced atomically at the end of
every run. The values are the last run's (gauges); every series carries an `out` label (the
OUT folder), so the files of several OUT folders can sit in one collector directory.

    extract_last_run_documents{status}              accepted, rejected, skipped
    extract_last_run_rejections{reason}             rejected documents by reason code
    extract_last_run_duration_seconds               wall time of the run
    extract_last_run_documents_per_minute           documents processed (not skipped) per minute
    extract_last_run_timestamp_seconds              when it ended (alert when it gets old)
    extract_last_run_drift_flags                    drift flags the run raised
    extract_field_found_ratio{schema,field}         share of documents with the field found
    extract_field_confidence_mean{schema,field}     mean confidence of the field
    extract_field_review_ratio{schema,field}        share sent to review naming the field
    extract_run_info{run_id,tool_version,schema,model,model_sha256}   always 1
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from extractors.write.files import printable_path, write_bytes

METRICS = "metrics.prom"


def _gauge(registry, name: str, doc: str, labels=()) -> Gauge:
    return Gauge(name, doc, ["out", *labels], registry=registry)


def _run_gauges(reg, line: dict, out: str) -> None:
    totals = line.get("totals") or {}
    docs = _gauge(reg, "extract_last_run_documents", "Documents of the last run by status.",
                  ["status"])
    for status in ("accepted", "rejected"):
        docs.labels(out, status).set(totals.get(status, 0))
    docs.labels(out, "skipped").set(line.get("skipped", 0))
    reasons = _gauge(reg, "extract_last_run_rejections",
                     "Rejected documents of the last run by reason code.", ["reason"])
    for reason, n in (totals.get("reasons") or {}).items():
        reasons.labels(out, reason).set(n)
    _gauge(reg, "extract_last_run_duration_seconds",
           "Wall time of the last run.").labels(out).set(line.get("seconds", 0.0))
    _gauge(reg, "extract_last_run_documents_per_minute",
           "Documents processed (not skipped) per minute in the last run."
           ).labels(out).set(line.get("documents_per_minute", 0.0))
    ended = dt.datetime.fromisoformat(line["ended_at"]).timestamp() \
        if line.get("ended_at") else 0.0
    _gauge(reg, "extract_last_run_timestamp_seconds",
           "Unix time the last run ended.").labels(out).set(ended)
    _gauge(reg, "extract_last_run_drift_flags", "Drift flags raised by the last run."
           ).labels(out).set(len((line.get("drift") or {}).get("flags", [])))
    schema, model = line.get("schema") or {}, line.get("model") or {}
    _gauge(reg, "extract_run_info", "The last run: its id, tool, schema and model (always 1).",
           ["run_id", "tool_version", "schema", "model", "model_sha256"]).labels(
        out, str(line.get("run_id", "")), str(line.get("tool_version", "")),
        str(schema.get("name", "")), str(model.get("name", "")),
        str(model.get("sha256", ""))).set(1)


def _field_gauges(reg, line: dict, out: str) -> None:
    found = _gauge(reg, "extract_field_found_ratio",
                   "Share of the last run's documents with the field found.",
                   ["schema", "field"])
    conf = _gauge(reg, "extract_field_confidence_mean",
                  "Mean confidence of the field in the last run.", ["schema", "field"])
    review = _gauge(reg, "extract_field_review_ratio",
                    "Share of the last run's documents sent to review naming the field.",
                    ["schema", "field"])
    for schema, tally in (line.get("schemas") or {}).items():
        for name, f in (tally.get("fields") or {}).items():
            if f.get("found_rate") is not None:
                found.labels(out, schema, name).set(f["found_rate"])
                review.labels(out, schema, name).set(f.get("review_share") or 0.0)
            if (f.get("confidence") or {}).get("mean") is not None:
                conf.labels(out, schema, name).set(f["confidence"]["mean"])


def metrics_text(line: dict, out: Path) -> bytes:
    """The Prometheus text exposition of one run line."""
    reg = CollectorRegistry()
    where = printable_path(Path(out).resolve())
    _run_gauges(reg, line, where)
    _field_gauges(reg, line, where)
    return generate_latest(reg)


def write_metrics(out: Path, line: dict, mode: int | None = None) -> Path:
    """OUT/metrics.prom replaced atomically (temp file, fsync, rename: node_exporter never
    reads half a file; the temp file's name does not end in .prom)."""
    path = Path(out) / METRICS
    write_bytes(path, metrics_text(line, out), mode)
    return path
