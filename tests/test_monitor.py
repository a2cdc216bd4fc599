"""Monitoring (extractors/monitor): the drift tests on synthetic numbers, the history file's
crash-safety, and end to end with the real CLI and the embedded model: two runs into one OUT,
the second over documents of another kind -> drift flags in the run summary, in runs.jsonl, in
metrics.prom (parsed by prometheus_client) and in the report, rendered by headless Chromium."""
from __future__ import annotations

import html
import json
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from cli import main
from extractors import review
from extractors.monitor import (HISTORY, METRICS, REPORT, Tally, append_line, build_report,
                                check, chi2_quantile, psi, psi_test, rate_test, read_history,
                                settings)
from extractors.monitor.stats import histogram
from extractors.errors import ReportError
from extractors.run import run_batch
from schemas import load_schema
from tests.conftest import ROOT, FakeBackend

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]
BINS = tuple(settings.CONFIDENCE_BINS)


def cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "cli.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-3000:]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------------------------------------
# 1. the tests themselves, on synthetic numbers

def _beta(rng, n, a, b):
    return [rng.betavariate(a, b) for _ in range(n)]


def test_psi_is_zero_for_the_same_shape_and_grows_with_the_shift():
    assert psi([10, 20, 30], [20, 40, 60]) == pytest.approx(0.0, abs=1e-3)
    small = psi([30, 30, 30], [25, 30, 35])
    large = psi([30, 30, 30], [5, 10, 75])
    assert 0 < small < 0.05 < settings.PSI_THRESHOLD < large
    with pytest.raises(ValueError):
        psi([1, 2], [1, 2, 3])


def test_chi_square_quantiles_match_the_tables():
    for df, level, table in [(1, 0.99, 6.635), (5, 0.99, 15.086), (10, 0.95, 18.307),
                             (3, 0.99, 11.345)]:
        assert chi2_quantile(df, level) == pytest.approx(table, rel=0.02)


def test_psi_test_flags_a_real_shift_and_not_sampling_noise():
    rng = random.Random(20)
    same = [psi_test(histogram(_beta(rng, 60, 9, 1), BINS), histogram(_beta(rng, 60, 9, 1), BINS))
            for _ in range(200)]
    assert sum(flag for _, flag in same) <= 6, "more than 3% false alarms on unchanged data"
    shifted = [psi_test(histogram(_beta(rng, 60, 9, 1), BINS),
                        histogram(_beta(rng, 60, 4, 2), BINS)) for _ in range(50)]
    assert all(flag for _, flag in shifted), "a drop of mean confidence 0.9 -> 0.67 is missed"
    assert min(v for v, _ in shifted) >= settings.PSI_THRESHOLD
    # a handful of documents is never enough, however different
    tiny = psi_test(histogram([0.99] * 3, BINS), histogram([0.1] * 3, BINS))
    assert tiny[0] > settings.PSI_THRESHOLD and not tiny[1]


def test_rate_test_needs_a_large_and_significant_move():
    assert rate_test(6, 6, 0, 6)[2]                       # 100% -> 0% of 6
    assert not rate_test(95, 100, 93, 100)[2]             # two points: noise
    assert not rate_test(50, 100, 62, 100)[2]             # 12 points, but z 1.7 < 2.58
    assert rate_test(500, 1000, 620, 1000)[2]             # 12 points, z 5.4
    assert not rate_test(900, 1000, 950, 1000)[2]         # z 4.3, but 5 points < 10
    assert not rate_test(4, 4, 0, 4)[2]                   # under settings.MIN_DOCS


def _line(run_id, confidences: dict, found: dict, *, rejected=0, families=None,
          schema="utility_bill", documents=None) -> dict:
    """A run line as the run stage writes it, from synthetic per-field numbers."""
    t = Tally()
    n = documents if documents is not None else len(next(iter(confidences.values())))
    names = list(confidences)
    for i in range(n):
        values = {k: ("x" if i < found[k] else None) for k in names}
        t.add("validation_failed" if i < rejected else None, values,
              {k: confidences[k][i] for k in names}, (), names)
    tally = t.as_dict()
    return {"kind": "run", "run_id": run_id, "schema": {"name": schema},
            "totals": {**tally, "fields": {}}, "schemas": {schema: tally},
            "families": families or {}}


def _family(fid, n, new, label="a.pdf"):
    return {fid: {"schema": "utility_bill", "label": label, "new": new, "documents": n,
                  "accepted": n, "rejected": 0, "reasons": {}, "fields": {}}}


def test_check_flags_changed_fields_new_families_and_nothing_on_a_stable_run():
    rng = random.Random(3)

    def good():
        return {"due_date": _beta(rng, 80, 9, 1), "amount_due": _beta(rng, 80, 9, 1)}
    base = [_line(f"r{i}", good(), {"due_date": 80, "amount_due": 79},
                  families=_family("Labc", 80, i == 0)) for i in range(3)]
    stable = _line("s", good(), {"due_date": 80, "amount_due": 78},
                   families=_family("Labc", 80, False))
    result = check(stable, base)
    assert result["checked"] and result["baseline_runs"] == ["r2", "r1", "r0"]
    assert result["flags"] == []

    changed = _line("c", {"due_date": _beta(rng, 80, 9, 1), "amount_due": _beta(rng, 80, 3, 3)},
                    {"due_date": 40, "amount_due": 79}, rejected=40,
                    families={**_family("Labc", 50, False), **_family("Lnew", 30, True, "b.pdf")})
    flags = check(changed, base)["flags"]
    got = {(f["test"], f.get("field"), f.get("family")) for f in flags}
    assert ("found_rate", "due_date", None) in got
    assert ("confidence_psi", "amount_due", None) in got
    assert ("found_rate", "amount_due", None) not in got
    assert ("confidence_psi", "due_date", None) not in got
    assert ("rejected_share", None, None) in got
    assert ("new_family", None, "Lnew") in got
    msg = next(f["message"] for f in flags if f["test"] == "found_rate")
    assert "due_date" in msg and "50%" in msg and "100%" in msg

    # a new family with few documents, and a first run without a baseline: no flag
    few = _line("f", good(), {"due_date": 80, "amount_due": 80},
                families=_family("Lsmall", settings.NEW_FAMILY_MIN_DOCS - 1, True))
    assert check(few, base)["flags"] == []
    first = check(changed, [])
    assert first == {"checked": False, "baseline_runs": [], "flags": []}
    # runs of another schema are no baseline
    assert check(changed, [{**b, "schema": {"name": "invoice"}} for b in base])["flags"] == []


def test_the_baseline_is_the_last_runs_that_processed_documents(monkeypatch):
    monkeypatch.setattr(settings, "BASELINE_RUNS", 2)
    rng = random.Random(5)
    lines = [_line(f"r{i}", {"f": _beta(rng, 30, 9, 1)}, {"f": 30}) for i in range(4)]
    empty = {**_line("e", {"f": []}, {"f": 0}, documents=0)}
    now = _line("n", {"f": _beta(rng, 30, 9, 1)}, {"f": 30})
    assert check(now, lines + [empty])["baseline_runs"] == ["r3", "r2"]


# ---------------------------------------------------------------------------------------------
# 2. the history file

def test_history_appends_survive_a_torn_line_and_a_corrupt_line_is_named(tmp_path):
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    append_line(out, {"kind": "run", "run_id": "a"})
    with open(out / HISTORY, "ab") as f:       # a crash in the middle of the next append
        f.write(b'{"kind": "run", "run_id": "tor')
    assert [x["run_id"] for x in read_history(out)] == ["a"]
    append_line(out, {"kind": "run", "run_id": "b", "note": "two\nlines é"})
    assert [x["run_id"] for x in read_history(out)] == ["a", "b"]
    assert (out / HISTORY).read_bytes().count(b"\n") == 2
    assert stat.S_IMODE((out / HISTORY).stat().st_mode) == 0o600
    with open(out / HISTORY, "ab") as f:
        f.write(b"not json\n")
    append_line(out, {"kind": "run", "run_id": "c"})
    with pytest.raises(ReportError, match="line 3 is corrupt"):
        read_history(out, strict=True)
    assert [x["run_id"] for x in read_history(out, strict=False)] == ["a", "b", "c"]


# ---------------------------------------------------------------------------------------------
# 3. end to end: the real CLI and the embedded model, two runs into one OUT

@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """samples/utility_bill, then samples/invoice (another kind of document) with the same
    schema, into one OUT; then the invoices again (all already done: nothing processed)."""
    tmp = tmp_path_factory.mktemp("monitor")
    out = tmp / "out"
    cfg = tmp / "monitor.toml"           # the samples have 2 documents per layout
    cfg.write_text("[monitor]\nnew_family_min_docs = 2\n")
    first = cli("run", "samples/utility_bill", "--schema", "utility_bill", "--out", out,
                "--quiet", "--config", cfg)
    assert first.returncode == 0, first.stderr[-3000:]
    second = cli("run", "samples/invoice", "--schema", "utility_bill", "--out", out,
                 "--quiet", "--config", cfg)
    assert second.returncode == 0, second.stderr[-3000:]
    metrics_after_second = (out / METRICS).read_text()
    third = cli("run", "samples/invoice", "--schema", "utility_bill", "--out", out, "--quiet")
    assert third.returncode == 0, third.stderr[-3000:]
    return out, first, second, third, metrics_after_second


def test_every_run_appends_its_line_with_counts_fields_and_families(two_runs):
    out, first, second, third, _ = two_runs
    runs = [x for x in read_history(out) if x["kind"] == "run"]
    assert len(runs) == 3
    one, two, three = runs
    for run in runs:
        assert run["model"]["name"] and len(run["model"]["sha256"]) == 64
        assert run["schema"]["name"] == "utility_bill" and run["tool_version"]
        assert run["started_at"] <= run["ended_at"]
    assert (one["totals"]["documents"], one["skipped"]) == (6, 0)
    assert three["documents"] == 6 and three["skipped"] == 6 and three["totals"]["documents"] == 0
    assert three["drift"]["flags"] == []           # nothing processed: nothing compared
    records = two["totals"]["accepted"] + one["totals"]["accepted"]
    import polars as pl
    assert pl.read_parquet(out / "records.parquet").height == records
    rejected = len(list((out / "rejected").glob("*.json")))
    assert one["totals"]["rejected"] + two["totals"]["rejected"] == rejected
    assert sum(two["totals"]["reasons"].values()) == two["totals"]["rejected"]
    fields = one["schemas"]["utility_bill"]["fields"]
    assert set(fields) == {"provider_name", "account_number", "customer_name", "statement_date",
                           "period_start", "period_end", "due_date", "current_charges",
                           "amount_due"}
    for f in fields.values():
        c = f["confidence"]
        assert 0 <= c["q10"] <= c["q50"] <= c["q90"] <= 1 and f["n"] == 6
        assert sum(f["confidence_hist"]) == f["confidence_n"] == 6
    # layout families: the first run's are known in the second, the invoices' are new
    assert all(f["new"] for f in one["families"].values())
    assert sum(f["documents"] for f in one["families"].values()) == 6
    assert {f["schema"] for f in two["families"].values()} == {"utility_bill"}
    assert all(f["new"] and f["label"].startswith("invoice_") for f in two["families"].values())
    assert set(three["families"]) == set()


def test_the_drift_flag_fires_and_is_in_the_summary(two_runs):
    out, first, second, _, _ = two_runs
    assert "drift:" not in first.stdout               # nothing to compare with yet
    two = [x for x in read_history(out) if x["kind"] == "run"][1]
    flags = two["drift"]["flags"]
    assert two["drift"]["checked"] and two["drift"]["baseline_runs"] == [
        [x for x in read_history(out) if x["kind"] == "run"][0]["run_id"]]
    tests = {f["test"] for f in flags}
    assert {"found_rate", "rejected_share", "new_family"} <= tests, flags
    # the utility bills' billing period is nowhere on an invoice
    period = [f for f in flags if f["test"] == "found_rate" and f["field"] == "period_start"]
    assert period and period[0]["before"] == 1.0 and period[0]["after"] < 0.5
    for f in flags:
        assert f"drift: {f['message']}" in second.stdout
    assert f"drift: {len(flags)} flag(s)" in second.stdout


def test_metrics_prom_parses_and_holds_the_last_run(two_runs):
    out, _, _, _, after_second = two_runs
    runs = [x for x in read_history(out) if x["kind"] == "run"]
    for text, run in ((after_second, runs[1]), ((out / METRICS).read_text(), runs[2])):
        samples = {}
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                samples[(s.name, tuple(sorted((k, v) for k, v in s.labels.items()
                                              if k != "out")))] = s.value
        assert samples[("extract_last_run_documents", (("status", "rejected"),))] == \
            run["totals"]["rejected"]
        assert samples[("extract_last_run_documents", (("status", "skipped"),))] == \
            run["skipped"]
        for reason, n in run["totals"]["reasons"].items():
            assert samples[("extract_last_run_rejections", (("reason", reason),))] == n
        assert samples[("extract_last_run_duration_seconds", ())] == run["seconds"]
        assert samples[("extract_last_run_drift_flags", ())] == len(run["drift"]["flags"])
        for name, f in run["schemas"].get("utility_bill", {}).get("fields", {}).items():
            key = (("field", name), ("schema", "utility_bill"))
            assert samples[("extract_field_found_ratio", key)] == f["found_rate"]
            assert samples[("extract_field_confidence_mean", key)] == f["confidence"]["mean"]
    assert stat.S_IMODE((out / METRICS).stat().st_mode) == 0o600
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def _screenshot(page: Path, tmp: Path, size=(1300, 2600)) -> np.ndarray:
    shot = tmp / "report.png"
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}",
           f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}", page.resolve().as_uri()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert shot.exists(), f"chromium made no screenshot: {r.stderr[-2000:]}"
    return np.asarray(Image.open(shot).convert("RGB")).astype(int)


def test_report_shows_the_drift_and_renders_its_plots_in_chromium(two_runs, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("headless Chromium is needed: apt-get install -y chromium")
    out = tmp_path / "out"
    shutil.copytree(two_runs[0], out)
    r = cli("report", out)
    assert r.returncode == 0, r.stderr
    page = out / REPORT
    assert f"report: {page}" in r.stdout
    runs = [x for x in read_history(out) if x["kind"] == "run"]
    flags = runs[1]["drift"]["flags"]
    text = page.read_text()
    for f in flags:
        assert html.escape(f["message"]) in text           # in the drift table
    assert "runs: 3" in r.stdout and f"drift flags over all runs: {len(flags)}" in r.stdout
    assert "drift in the last run: none" in r.stdout
    # self-contained: nothing to fetch
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "src=" not in text and "@import" not in text
    n_fields = len(runs[0]["schemas"]["utility_bill"]["fields"])
    assert text.count("<svg") == 1 + n_fields                # status bars + one per field
    assert text.count("class='flag'") >= 1                   # the drifted run's mark
    img = _screenshot(page, tmp_path)
    ink = (img.min(axis=2) < 200).mean()
    assert ink > 0.03, f"the page looks blank ({ink:.3f} of the pixels have ink)"

    def pixels(hex_colour):
        rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(img - rgb).max(axis=2) <= 24).sum())
    from extractors.monitor import svg
    assert pixels(svg.colour(0)) > 2000, "no bars or found-rate lines drawn"
    assert pixels(svg.colour(1)) > 2000, "no rejected bars or confidence lines drawn"
    assert pixels(svg.FLAG) > 100, "no drift flag drawn"
    band = (np.abs(img - 236).max(axis=2) <= 5).sum()       # #999 at 18% over white
    assert band > 1000, "no confidence band drawn"


# ---------------------------------------------------------------------------------------------
# 4. quicker paths with the fake model: corrections, failures, bad input, auto, modes

PDFS = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[:2]


def _fake_cli(monkeypatch, *args):
    import extractors.decide.backends as backends
    monkeypatch.setattr(backends, "load_backend", lambda *a, **kw: FakeBackend())
    return CliRunner().invoke(main, [str(a) for a in args])


def test_review_fix_records_corrections_per_field_and_the_report_shows_them(tmp_path):
    out = tmp_path / "out"
    run_batch(PDFS, load_schema("invoice"), FakeBackend(), out, progress=False,
              review_below=1.01)
    items = review.pending(out)
    assert len(items) == 2
    first, second = items
    was = first.original["invoice_number"]
    review.fix(out, first.id, {"invoice_number": "CHANGED-1"})
    review.fix(out, first.id, {"invoice_number": "CHANGED-2"})       # the latest fix counts
    review.fix(out, second.id, {"invoice_number": second.original["invoice_number"]})
    lines = [x for x in read_history(out) if x["kind"] == "correction"]
    assert len(lines) == 3
    assert lines[0]["fields"]["invoice_number"] == {"extracted": was, "corrected": "CHANGED-1",
                                                    "changed": True}
    assert lines[0]["item_id"] == first.id and lines[0]["schema"] == "invoice"
    assert lines[2]["fields"]["invoice_number"]["changed"] is False   # confirmed, not wrong
    page, runs, corrections = build_report(out)
    assert len(runs) == 1 and len(corrections) == 3
    text = page.read_text()
    assert "invoice.invoice_number: 1</title>" in text               # one value changed
    r = CliRunner().invoke(main, ["report", str(out)])
    assert r.exit_code == 0 and "most corrected fields: invoice.invoice_number 1" in r.output


def test_monitoring_that_cannot_write_costs_one_line_not_the_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    (out / HISTORY).mkdir(parents=True)            # runs.jsonl cannot be appended
    r = _fake_cli(monkeypatch, "run", *PDFS, "--schema", "invoice", "--out", out, "--quiet")
    assert r.exit_code == 0, r.output
    assert "documents: 2" in r.stdout
    warn = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(warn) == 1 and "run history/metrics not written" in warn[0], r.stderr
    assert (out / "records.parquet").exists() or list((out / "rejected").glob("*.json"))
    (out / HISTORY).rmdir()
    r = _fake_cli(monkeypatch, "run", *PDFS, "--schema", "invoice", "--out", out, "--quiet")
    assert r.exit_code == 0 and not r.stderr.strip(), r.stderr
    assert [x["skipped"] for x in read_history(out)] == [2]   # written again, nothing redone
    assert (out / METRICS).is_file()


def test_shared_output_gives_the_history_and_metrics_group_read(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = os.umask(0)
    try:
        r = _fake_cli(monkeypatch, "run", PDFS[0], "--schema", "invoice", "--out", out,
                      "--quiet", "--shared-output")
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    for name in (HISTORY, METRICS):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o640, name


def test_auto_runs_keep_one_history_and_count_unclassified(tmp_path, monkeypatch):
    out = tmp_path / "out"
    junk = tmp_path / "in" / "junk.txt"
    junk.parent.mkdir()
    junk.write_text("x7#@ qqq !!zz 9\n" * 20)
    r = _fake_cli(monkeypatch, "run", PDFS[0], junk, "--schema", "auto", "--out", out,
                  "--quiet")
    assert r.exit_code == 0, r.output
    (run,) = read_history(out)
    assert run["schema"]["name"] == "auto" and run["totals"]["documents"] == 2
    assert run["totals"]["reasons"].get("unclassified") == 1
    assert "invoice" in run["schemas"]
    lane = out / "invoice"
    assert not (lane / HISTORY).exists()
    from extractors.monitor import history_home
    assert history_home(lane) == out


def test_monitor_settings_are_listed_and_set_by_a_config_file(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "PSI_THRESHOLD", settings.PSI_THRESHOLD)   # restored after
    r = CliRunner().invoke(main, ["settings"])
    assert r.exit_code == 0 and "[monitor]" in r.output and "psi_threshold = 0.25" in r.output
    cfg = tmp_path / "c.toml"
    cfg.write_text("[monitor]\npsi_threshold = 0.4\n")
    r = CliRunner().invoke(main, ["settings", "--config", str(cfg)])
    assert "psi_threshold = 0.4" in r.output
    cfg.write_text("[monitor]\npsi_treshold = 0.4\n")
    r = CliRunner().invoke(main, ["settings", "--config", str(cfg)])
    assert r.exit_code == 2 and "psi_treshold" in r.output


@pytest.fixture
def history_out(tmp_path):
    out = tmp_path / "out"
    run_batch(PDFS[:1], load_schema("invoice"), FakeBackend(), out, progress=False)
    return out


def test_report_bad_input_is_one_line(tmp_path, history_out):
    one_line_error(cli("report", tmp_path / "nope"), "no such folder")
    f = tmp_path / "file"
    f.write_text("x")
    one_line_error(cli("report", f), "not a folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(cli("report", empty), "not an extraction folder")
    (history_out / HISTORY).rename(tmp_path / "saved.jsonl")
    one_line_error(cli("report", history_out), "no run history")
    good = (tmp_path / "saved.jsonl").read_bytes()
    (history_out / HISTORY).write_bytes(b"{broken\n" + good)
    one_line_error(cli("report", history_out), "line 1 is corrupt")
    (history_out / HISTORY).write_bytes(b"[1, 2]\n" + good)
    one_line_error(cli("report", history_out), "line 1 is corrupt")
    (history_out / HISTORY).write_bytes(good + b'{"kind": "run", "run_')     # a torn append
    r = cli("report", history_out)
    assert r.returncode == 0, r.stderr


def test_a_run_stopped_by_ctrl_c_still_appends_its_line(tmp_path, monkeypatch):
    import extractors.run.record as record     # the model worker's call (run/workers.py)
    real = record.accept_document
    calls = []

    def accept_then_stop(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*a, **kw)
    monkeypatch.setattr(record, "accept_document", accept_then_stop)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch(PDFS, load_schema("invoice"), FakeBackend(), out, progress=False,
                  read_ahead=0)
    (line,) = read_history(out)
    assert line["completed"] is False and line["totals"]["documents"] == 1
    assert line["drift"] == {"checked": False, "baseline_runs": [], "flags": []}
    assert (out / METRICS).is_file()
