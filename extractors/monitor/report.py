"""OUT's run history (runs.jsonl) -> OUT/report.html, one self-contained page (inline CSS and
SVG charts, no script, nothing fetched: it opens offline), and a short terminal summary of the
same. The page shows, oldest run first:

    the last run at a glance and its drift flags
    documents per run by status and rejection reason (a red dot over runs with drift flags)
    per field: found-rate and mean confidence over runs, the q10..q90 confidence band shaded
               (red rings where that field was flagged)
    corrections per field: values reviewers changed with `extract review fix`
    every drift flag, and the layout families (first file, documents, first seen)
"""
from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from extractors.errors import ReportError
from extractors.monitor import svg
from extractors.monitor.history import HISTORY, read_history
from extractors.write.files import dir_file_mode, printable_path, write_bytes

REPORT = "report.html"
MARKERS = (HISTORY, ".records.lock", "records.parquet", "records.csv", "rejected")
CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.flag{color:#d62728;font-weight:600}.grid{display:grid;grid-template-columns:repeat(auto-fill,
minmax(430px,1fr));gap:12px}figure{margin:0 0 8px}svg{width:100%;height:auto;font-size:11px}
figure.bars,figure.hbars{max-width:760px}
figcaption{font-size:13px}.key{margin-right:12px;white-space:nowrap}.key i{display:inline-block;
width:10px;height:10px;margin-right:4px}.ok{color:#2a7a2a}"""


def load(out: Path) -> tuple[list[dict], list[dict]]:
    """OUT -> (run lines, correction lines), or ReportError with one clear line."""
    out = Path(out)
    shown = printable_path(out)
    if not out.exists():
        raise ReportError(f"no such folder: {shown} (give the --out folder of a run)")
    if not out.is_dir():
        raise ReportError(f"not a folder: {shown} (give the --out folder of a run)")
    if not any((out / m).exists() for m in MARKERS):
        raise ReportError(f"not an extraction folder: {shown} (no {HISTORY}, records or "
                          "rejected/ in it; give the --out folder of a run)")
    if not (out / HISTORY).is_file():
        raise ReportError(f"{shown} has no run history ({HISTORY}) yet: every run writes it "
                          f"at its end; run `extract run ... --out {shown}` once")
    lines = read_history(out, strict=True)
    runs = [x for x in lines if x.get("kind") == "run"]
    if not runs:
        raise ReportError(f"{printable_path(out / HISTORY)} holds no run yet")
    return runs, [x for x in lines if x.get("kind") == "correction"]


def corrections_per_field(corrections: list[dict]) -> dict[str, int]:
    """"schema.field" -> values reviewers changed (per item and field, the latest fix counts)."""
    latest: dict[tuple, bool] = {}
    for c in corrections:
        for name, f in (c.get("fields") or {}).items():
            if isinstance(f, dict):
                latest[(c.get("schema"), c.get("item_id"), name)] = bool(f.get("changed"))
    out: dict[str, int] = {}
    for (schema, _, name), changed in latest.items():
        if changed:
            key = f"{schema}.{name}"
            out[key] = out.get(key, 0) + 1
    return out


def flags_of(run: dict) -> list[dict]:
    return [f for f in ((run.get("drift") or {}).get("flags") or []) if isinstance(f, dict)]


def run_label(i: int, run: dict) -> str:
    return f"#{i + 1} {str(run.get('started_at', ''))[5:16].replace('T', ' ')}"


def _status_chart(runs: list[dict], labels: list[str]) -> str:
    reasons = sorted({r for run in runs for r in ((run.get("totals") or {}).get("reasons")
                                                  or {})})
    series = [("accepted", [(run.get("totals") or {}).get("accepted", 0) for run in runs])]
    series += [(f"rejected: {r}", [((run.get("totals") or {}).get("reasons") or {}).get(r, 0)
                                   for run in runs]) for r in reasons]
    series.append(("skipped (already done)", [run.get("skipped", 0) for run in runs]))
    flagged = {i for i, run in enumerate(runs) if flags_of(run)}
    return svg.stacked_bars(labels, series, "Documents per run, by status and reason", flagged)


def _field_charts(runs: list[dict], labels: list[str]) -> list[str]:
    charts = []
    names: dict[tuple, None] = {}
    for run in runs:
        for schema, tally in (run.get("schemas") or {}).items():
            for name in (tally.get("fields") or {}):
                names[(schema, name)] = None
    for schema, name in names:
        stats = [((run.get("schemas") or {}).get(schema) or {}).get("fields", {}).get(name, {})
                 for run in runs]
        conf = [s.get("confidence") or {} for s in stats]
        def flagged(test, schema=schema, name=name):
            return {i for i, run in enumerate(runs) for f in flags_of(run)
                    if f.get("test") == test and f.get("field") == name
                    and f.get("schema") == schema}
        charts.append(svg.lines(
            labels, [("found-rate", [s.get("found_rate") for s in stats], flagged("found_rate")),
                     ("mean confidence", [c.get("mean") for c in conf],
                      flagged("confidence_psi"))],
            f"{schema}.{name}", band=([c.get("q10") for c in conf], [c.get("q90") for c in conf])))
    return charts


def _flag_rows(runs: list[dict], labels: list[str]) -> str:
    rows = [f"<tr><td>{escape(labels[i])}</td><td>{escape(str(f.get('test', '')))}</td>"
            f"<td class='flag'>{escape(str(f.get('message', '')))}</td></tr>"
            for i, run in enumerate(runs) for f in flags_of(run)]
    if not rows:
        return "<p class='ok'>No drift flagged in any run.</p>"
    return "<table><tr><th>run</th><th>test</th><th>flag</th></tr>" + "".join(rows) + "</table>"


def _family_rows(runs: list[dict], labels: list[str]) -> str:
    fams: dict[str, dict] = {}
    for i, run in enumerate(runs):
        for fid, f in (run.get("families") or {}).items():
            e = fams.setdefault(fid, {"schema": f.get("schema"), "label": f.get("label", ""),
                                      "first": labels[i], "docs": 0, "last": 0})
            e["docs"] += f.get("documents") or 0
            e["last"] = (f.get("documents") or 0) if i == len(runs) - 1 else e["last"]
    rows = [f"<tr><td>{escape(fid)}</td><td>{escape(str(e['schema'] or '-'))}</td>"
            f"<td>{escape(e['label'])}</td><td>{escape(e['first'])}</td><td>{e['docs']}</td>"
            f"<td>{e['last']}</td></tr>" for fid, e in fams.items()]
    return ("<table><tr><th>family</th><th>schema</th><th>first document</th><th>first seen"
            "</th><th>documents</th><th>in the last run</th></tr>" + "".join(rows) + "</table>")


def _last_run(run: dict) -> str:
    t = run.get("totals") or {}
    reasons = ", ".join(f"{k}={v}" for k, v in (t.get("reasons") or {}).items())
    model = run.get("model") or {}
    text = (f"({run.get('started_at')}, {run.get('seconds', 0):.1f} s, "
            f"{run.get('documents_per_minute', 0)} documents/min): {run.get('documents', 0)} "
            f"documents, {t.get('accepted', 0)} accepted, {t.get('rejected', 0)} rejected"
            f"{' (' + reasons + ')' if reasons else ''}, {run.get('skipped', 0)} skipped. "
            f"Schema {(run.get('schema') or {}).get('name')}, model {model.get('name')} "
            f"({str(model.get('sha256', ''))[:12]}), tool {run.get('tool_version')}.")
    return f"<p>Run <b>{escape(str(run.get('run_id')))}</b> {escape(text)}</p>"


def render(out: Path, runs: list[dict], corrections: list[dict]) -> str:
    """The report page as one HTML string."""
    labels = [run_label(i, r) for i, r in enumerate(runs)]
    last = runs[-1]
    flags = flags_of(last)
    fixed = corrections_per_field(corrections)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>extract report: "
             f"{escape(printable_path(out))}</title><style>{CSS}</style></head><body>",
             f"<h1>Extraction runs in {escape(printable_path(Path(out).resolve()))}</h1>",
             f"<p>{len(runs)} runs, {len(corrections)} review corrections; made {now} from "
             f"{HISTORY}.</p>", "<h2>Last run</h2>", _last_run(last)]
    if flags:
        parts.append(f"<p class='flag'>Drift: {len(flags)} flag(s) in the last run</p><ul>" +
                     "".join(f"<li class='flag'>{escape(str(f.get('message')))}</li>"
                             for f in flags) + "</ul>")
    else:
        parts.append("<p class='ok'>No drift flagged in the last run.</p>")
    parts += ["<h2>Documents and reasons per run</h2>", _status_chart(runs, labels),
              "<h2>Fields over runs</h2><p>Found-rate and mean confidence per run; the shaded "
              "band is the 10th..90th percentile of confidence; a red ring marks a drift flag "
              "on that field.</p><div class='grid'>", *_field_charts(runs, labels), "</div>",
              "<h2>Corrections per field</h2>"]
    parts.append(svg.hbars(list(fixed.items()), "Values reviewers changed (extract review "
                                                "fix), per field") if fixed else
                 "<p>No reviewer has changed an extracted value yet.</p>")
    parts += ["<h2>Drift flags</h2>", _flag_rows(runs, labels),
              "<h2>Layout families</h2>", _family_rows(runs, labels),
              "<p><small>Charts are inline SVG drawn by extract itself; the page loads "
              "nothing from the network.</small></p></body></html>"]
    return "\n".join(parts)


def build_report(out: Path, dest: Path | None = None) -> tuple[Path, list[dict], list[dict]]:
    """Write OUT/report.html (or `dest`) atomically -> (its path, run lines, corrections)."""
    runs, corrections = load(out)
    path = Path(dest) if dest else Path(out) / REPORT
    write_bytes(path, render(out, runs, corrections).encode("utf-8"), dir_file_mode(Path(out)))
    return path, runs, corrections


def terminal_summary(runs: list[dict], corrections: list[dict]) -> list[str]:
    """The report in a few lines for the terminal."""
    last = runs[-1]
    t = last.get("totals") or {}
    reasons = ", ".join(f"{k}={v}" for k, v in (t.get("reasons") or {}).items())
    lines = [f"runs: {len(runs)} ({str(runs[0].get('started_at', ''))[:16]} .. "
             f"{str(last.get('started_at', ''))[:16]})  corrections: {len(corrections)}",
             f"last run {last.get('run_id')}: documents {last.get('documents', 0)}  accepted "
             f"{t.get('accepted', 0)}  rejected {t.get('rejected', 0)}"
             f"{'  (' + reasons + ')' if reasons else ''}  skipped {last.get('skipped', 0)}  "
             f"{last.get('seconds', 0):.1f}s"]
    schemas = last.get("schemas") or {}
    for schema, tally in schemas.items():
        low = sorted(((f.get("found_rate"), n) for n, f in (tally.get("fields") or {}).items()
                      if f.get("found_rate") is not None))[:3]
        if low:
            lines.append(f"  {schema}: lowest found-rates " +
                         ", ".join(f"{n} {r:.0%}" for r, n in low))
    flags = flags_of(last)
    lines.append(f"drift in the last run: {len(flags)} flag(s)" if flags else
                 "drift in the last run: none")
    lines += [f"  drift: {f.get('message')}" for f in flags]
    total = sum(len(flags_of(r)) for r in runs)
    lines.append(f"drift flags over all runs: {total}")
    fixed = sorted(corrections_per_field(corrections).items(), key=lambda kv: -kv[1])[:5]
    if fixed:
        lines.append("most corrected fields: " + ", ".join(f"{k} {v}" for k, v in fixed))
    return lines
