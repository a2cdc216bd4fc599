"""Monitor stage: a run's outcomes -> its history, drift flags, metrics and a report, so that
an operator notices a supplier's new layout, a degrading scanner or a new document type
before the data team does.

    OUT/runs.jsonl     one line per run (counts by status and reason, per field found-rate,
                       confidence quantiles and review share, the same per layout family,
                       drift flags) and one per reviewer correction (history.py, stats.py,
                       families.py, watch.py)
    OUT/metrics.prom   the last run in Prometheus' text format for node_exporter's textfile
                       collector, replaced atomically (metrics.py)
    OUT/report.html    `extract report OUT`: one offline page with SVG charts (report.py, svg.py)

Contract: the run stage makes one `RunWatch` per run, tells it each document's outcome and
calls `finish()` at the end (also after Ctrl-C); `review fix` calls `record_corrections`.
Neither ever raises: monitoring that cannot write costs one line on stderr, never a run, a
document or a reviewer's fix. Drift (drift.py) compares the run with the previous runs of its
schema: a field's found-rate or the rejected / unclassified share moved by settings.RATE_SHIFT
beyond chance, a field's confidence PSI over settings.PSI_THRESHOLD beyond chance, or a new
layout family with settings.NEW_FAMILY_MIN_DOCS documents (docs/monitoring.md). Imports: this
package uses write/ and review/learn's first-page fingerprint, never run/."""
from __future__ import annotations

from extractors.monitor.drift import check, chi2_quantile, psi, psi_test, rate_test
from extractors.monitor.families import Families, Family, known_families
from extractors.monitor.history import (HISTORY, append_line, history_home, read_history,
                                        record_corrections, runs)
from extractors.monitor.metrics import METRICS, metrics_text, write_metrics
from extractors.monitor.report import REPORT, build_report, load, terminal_summary
from extractors.monitor.stats import FieldTally, Tally, is_found, quantile
from extractors.monitor.watch import RunWatch

__all__ = ["RunWatch", "check", "chi2_quantile", "psi", "psi_test", "rate_test", "Families",
           "Family", "known_families", "HISTORY", "append_line", "history_home",
           "read_history", "record_corrections", "runs", "METRICS", "metrics_text",
           "write_metrics", "REPORT", "build_report", "load", "terminal_summary", "FieldTally",
           "Tally", "is_found", "quantile"]
