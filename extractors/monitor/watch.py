"""A run, watched: its documents as they are accepted, rejected or skipped -> at the run's end
one line in OUT/runs.jsonl (with its drift flags against the previous runs) and
OUT/metrics.prom. The run stage (extractors/run/batch.py) makes one RunWatch per run.

Monitoring never fails the run or a document: an error while observing is kept and the run
goes on; at the end, a line or metrics that cannot be written cost one line on stderr, and
the run's records and rejections are untouched."""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from importlib import metadata
from pathlib import Path

from extractors.fieldspecs import count_column
from extractors.monitor.drift import check
from extractors.monitor.families import Families, known_families
from extractors.monitor.history import append_line, history_lock, read_history
from extractors.monitor.metrics import write_metrics
from extractors.monitor.stats import Tally
from extractors.write.files import printable_path


def tool_version() -> str:
    try:
        return metadata.version("docextract")
    except metadata.PackageNotFoundError:
        return "unknown"


def row_values(row: dict, specs) -> tuple[dict, dict]:
    """An accepted row -> (values by field, confidence by field); a repeated part counts as
    found when it has items."""
    values = {}
    for spec in specs:
        if spec.kind == "items":
            values[spec.name] = row.get(count_column(spec.name)) or None
        else:
            values[spec.name] = row.get(spec.name)
    conf = row.get("confidence")
    conf = json.loads(conf) if isinstance(conf, str) else (conf or {})
    return values, conf


def error_values(exc, specs) -> tuple[dict | None, dict]:
    """A rejection -> (values by field, or None when no field was extracted; confidences)."""
    if exc.partial is None and not exc.confidence:
        return None, {}
    values = dict(exc.partial or {})
    for spec in specs:
        if spec.kind == "items":
            values[spec.name] = ((exc.items or {}).get(spec.name) or {}).get("items")
    return values, dict(exc.confidence or {})


class RunWatch:
    """One run's observations and, at its end, its history line and metrics."""

    def __init__(self, out: Path, run_id: str, *, schema_names: list[str], schemas: list,
                 backend, auto: bool, mode: int):
        self.out, self.run_id, self.mode = Path(out), run_id, mode
        self.started = dt.datetime.now(dt.timezone.utc)
        self.t0 = time.perf_counter()
        self.schema = {"name": "auto" if auto else schema_names[0],
                       "schemas": [{"name": s.name, "version": s.version,
                                    "sha256": s.sha256, "source": s.source or s.name}
                                   for s in schemas]}
        self.model = {"name": backend.name, "sha256": backend.sha256}
        self.totals, self.by_schema, self.by_family = Tally(), {}, {}
        self.skipped = 0
        self.families: Families | None = None
        self.errors: list[str] = []

    def skip(self) -> None:
        self.skipped += 1

    def accepted(self, schema: str, specs, words, row: dict, path) -> None:
        self._guard(lambda: self._observe(schema, specs, words, *row_values(row, specs), None,
                                          (), path))

    def rejected(self, schema: str | None, specs, words, exc, path) -> None:
        def observe():
            values, conf = error_values(exc, specs)
            self._observe(schema, specs, words, values, conf, str(exc.reason),
                          set(exc.field_errors or ()), path)
        self._guard(observe)

    def _guard(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - monitoring never fails a document
            if len(self.errors) < 3:
                self.errors.append(f"{type(exc).__name__}: {exc}")

    def _observe(self, schema, specs, words, values, conf, reason, review_fields, path) -> None:
        names = [s.name for s in specs or ()]
        self.totals.add(reason)
        if schema is not None:
            self.by_schema.setdefault(schema, Tally()).add(reason, values, conf, review_fields,
                                                           names)
        if self.families is None:
            self.families = Families(known_families(read_history(self.out, strict=False)))
        fam = self.families.assign(schema, words, printable_path(path))
        if fam is not None:
            self.by_family.setdefault(fam.id, (fam, Tally()))[1].add(
                reason, values, conf, review_fields, names)

    def line(self, completed: bool) -> dict:
        """This run's history line (without its drift result)."""
        ended = dt.datetime.now(dt.timezone.utc)
        seconds = time.perf_counter() - self.t0
        processed = self.totals.documents
        families = {}
        for fid, (fam, tally) in self.by_family.items():
            families[fid] = {"schema": fam.schema, "label": fam.label, "new": fam.new,
                             **tally.as_dict()}
            if fam.new:
                families[fid]["fingerprint"] = sorted(fam.words)
        return {"kind": "run", "run_id": self.run_id, "started_at": self.started.isoformat(),
                "ended_at": ended.isoformat(), "seconds": round(seconds, 3),
                "completed": completed, "tool_version": tool_version(),
                "schema": self.schema, "model": self.model,
                "documents": processed + self.skipped, "skipped": self.skipped,
                "documents_per_minute": round(processed / (seconds / 60), 2) if seconds else 0.0,
                "totals": self.totals.as_dict(),
                "schemas": {k: v.as_dict() for k, v in self.by_schema.items()},
                "families": families, "monitor_errors": list(self.errors)}

    def finish(self, completed: bool = True) -> dict | None:
        """Compare with the history, append the line, replace metrics.prom -> the line written
        (None when it could not be written: one line on stderr says why)."""
        try:
            line = self.line(completed)
            with history_lock(self.out):
                previous = read_history(self.out, strict=False)
                line["drift"] = check(line, previous) if completed else \
                    {"checked": False, "baseline_runs": [], "flags": []}
                append_line(self.out, line, self.mode)
                write_metrics(self.out, line, self.mode)
            return line
        except Exception as exc:  # noqa: BLE001 - monitoring never fails the run
            print(f"warning: run history/metrics not written in {printable_path(self.out)} "
                  f"({type(exc).__name__}: {exc}); the run's records are complete",
                  file=sys.stderr)
            return None
