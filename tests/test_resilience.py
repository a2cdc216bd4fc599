"""Never lose or corrupt a document: concurrent writers, crash repair, kill-and-resume, hostile
PDFs, invisible-text injection twins, privacy (no network, no values in logs, owner-only
outputs)."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from extractors.fields import FieldSpec
from extractors.read import file_sha256
from extractors.write import append_records, drop_records, write_rejection
from tests.conftest import ROOT, FakeBackend

# fork from a clean server process: a plain fork of a process whose polars thread pool is
# running can deadlock the child
MP = mp.get_context("forkserver")
MP.set_forkserver_preload(["tests.test_resilience", "extractors.pipeline", "schemas"])
FIGURES: dict = {}     # numbers for the README, printed by test_zz_report_figures

SPECS = [FieldSpec("total", "money", "", [], True)]


def _row(i: int, schema: str = "s") -> dict:
    from decimal import Decimal
    return {"total": Decimal(i) / 4, "doc_sha256": f"{i:064x}", "schema": schema,
            "source_file": f"doc{i}.txt"}


def _writer(out: str, start: int, n: int) -> None:
    for i in range(start, start + n):
        append_records(Path(out), [_row(i)], SPECS)


def _rejecter(out: str, shas: list[int]) -> None:
    for i in shas:
        write_rejection(Path(out), f"{i:064x}"[:16],
                        {"doc_sha256": f"{i:064x}", "schema": "s", "reason": "test"})


def test_concurrent_writers_never_lose_or_duplicate_rows(tmp_path):
    """Four processes append 15 documents each while a fifth rejects (moves to rejected/) ten
    documents that one of them accepts: every read-modify-write holds OUT/.records.lock."""
    out = tmp_path / "out"
    ctx = MP
    procs = [ctx.Process(target=_writer, args=(str(out), k * 100, 15)) for k in range(4)]
    procs.append(ctx.Process(target=_rejecter, args=(str(out), list(range(500, 510)))))
    procs.append(ctx.Process(target=_writer, args=(str(out), 500, 10)))
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    df = pl.read_parquet(out / "records.parquet")
    shas = df["doc_sha256"].to_list()
    assert len(shas) == len(set(shas))                          # no duplicate
    rejected = {json.loads(f.read_text())["doc_sha256"] for f in (out / "rejected").glob("*.json")}
    expected = {f"{k * 100 + i:064x}" for k in range(4) for i in range(15)}
    moved = {f"{i:064x}" for i in range(500, 510)}
    assert expected <= set(shas)                                # nothing lost
    assert set(shas) | rejected == expected | moved             # each of the ten is somewhere...
    assert not (set(shas) & rejected)                           # ...exactly once
    assert pl.read_csv(out / "records.csv").height == df.height


def test_drop_records_and_rejection_move_a_document(tmp_path):
    out = tmp_path / "out"
    append_records(out, [_row(1), _row(2)], SPECS)
    write_rejection(out, f"{1:064x}"[:16], {"doc_sha256": f"{1:064x}", "schema": "s"})
    assert pl.read_parquet(out / "records.parquet")["doc_sha256"].to_list() == [f"{2:064x}"]
    append_records(out, [_row(1)], SPECS)     # accepted again (review accept / --force)
    assert not list((out / "rejected").glob("*.json"))
    assert drop_records(out, f"{2:064x}", "s") == 1
    assert pl.read_parquet(out / "records.parquet")["doc_sha256"].to_list() == [f"{1:064x}"]


# ---------------------------------------------------------------------------------------------
# kill and resume: every input ends exactly once in records or rejected/
# ---------------------------------------------------------------------------------------------
INVOICE = """Invoice

Seller: ACME Widgets GmbH
Bill To: Blue River Trading Ltd
Invoice No: INV-{n}
Invoice Date: 14.03.2024
Due Date: 13.04.2024
Currency: EUR
Net total: {net},00 EUR
VAT: {vat},00 EUR
Total: {tot},00 EUR
"""


def make_batch(d: Path, good: int = 8, junk: int = 3, pdfs: int = 0) -> list[Path]:
    """Good .txt invoices, junk text (validation_failed), an empty and a not-a-PDF file, a
    second path with the same content as the first invoice, and optionally sample PDFs."""
    d.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(good):
        net = 100 + i
        p = d / f"inv{i:03d}.txt"
        p.write_text(INVOICE.format(n=1000 + i, net=net, vat=19, tot=net + 19))
        files.append(p)
    for i in range(junk):
        p = d / f"junk{i}.txt"
        p.write_text(f"qZx!! 9#kq ~~ pwo&& zz^ ylk{i} \n" * 5)
        files.append(p)
    (d / "empty.pdf").write_bytes(b"")
    (d / "notpdf.pdf").write_bytes(b"PK\x03\x04 this is a zip, not a pdf")
    shutil.copy(files[0], d / "copy_of_inv000.txt")
    files += [d / "empty.pdf", d / "notpdf.pdf", d / "copy_of_inv000.txt"]
    for src in sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[:pdfs]:
        shutil.copy(src, d / src.name)
        files.append(d / src.name)
    return files


def check_exactly_once(out: Path, files: list[Path], schema: str = "invoice",
                       complete: bool = True) -> tuple[int, int]:
    """No duplicate rows, no document both in records and rejected/, nothing foreign; when
    `complete`, every input is in one of them. records.parquet must read back with polars."""
    shas = {file_sha256(f) for f in files}
    pq = out / "records.parquet"
    recs = pl.read_parquet(pq) if pq.exists() else pl.DataFrame({"doc_sha256": [],
                                                                  "schema": []})
    rec = recs.filter(pl.col("schema") == schema)["doc_sha256"].to_list()
    assert len(rec) == len(set(rec)), "duplicate record"
    rej = []
    for f in (out / "rejected").glob("*.json") if (out / "rejected").is_dir() else []:
        r = json.loads(f.read_text())
        if r["schema"] == schema:
            rej.append(r["doc_sha256"])
    assert not set(rec) & set(rej), "document both in records and rejected/"
    assert set(rec) | set(rej) <= shas
    if complete:
        assert set(rec) | set(rej) == shas, f"lost: {shas - set(rec) - set(rej)}"
        if pq.exists():
            csv = pl.read_csv(out / "records.csv", infer_schema=False)
            assert sorted(csv["doc_sha256"].to_list()) == sorted(recs["doc_sha256"].to_list())
    return len(rec), len(rej)


def _crash_child(files, out, crash_at, after, kw):
    """Run a batch that dies (like SIGKILL: no cleanup, no finally) at the crash_at-th rename
    of an output file, before or after it."""
    from extractors.pipeline import run_batch
    from schemas import load_schema
    real, n = os.replace, [0]

    def replace(a, b):
        n[0] += 1
        if n[0] == crash_at and not after:
            os._exit(137)
        real(a, b)
        if n[0] == crash_at and after:
            os._exit(137)
    os.replace = replace
    run_batch(files, load_schema("invoice"), FakeBackend(), out, progress=False,
              flush_every=2, **kw)
    os._exit(0)


def _run_crashing(files, out, crash_at, after, **kw) -> int:
    p = MP.Process(target=_crash_child, args=(files, out, crash_at, after, kw))
    p.start()
    p.join(120)
    assert p.exitcode in (0, 137), p.exitcode
    return p.exitcode


def test_crash_at_every_write_then_resume_is_exactly_once(tmp_path, fake_backend):
    """A run dies at each rename of an output file in turn (before and after it), in a fresh
    run, in a --force run that moves every record to rejected/ (review_below) and in a --force
    run that moves them back; the next run resumes; every input ends exactly once."""
    from extractors.pipeline import run_batch
    from schemas import load_schema
    files = make_batch(tmp_path / "in", good=4, junk=2)
    schema = load_schema("invoice")
    crashes = 0
    scenarios = [("fresh", {}, None), ("force_to_rejected", {"force": True, "review_below": 1.01},
                                       {}),
                 ("force_to_records", {"force": True}, {"review_below": 1.01})]
    for name, kw, before in scenarios:
        k = 1
        while True:
            for after in (False, True):
                out = tmp_path / f"out-{name}-{k}-{after}"
                if before is not None:       # a finished earlier run to redo with --force
                    run_batch(files, schema, fake_backend, out, progress=False, **before)
                code = _run_crashing(files, out, k, after, **kw)
                check_exactly_once(out, files, complete=False)
                resume = {x: v for x, v in kw.items() if x != "force"}
                s = run_batch(files, schema, fake_backend, out, progress=False, **resume)
                check_exactly_once(out, files)
                crashes += code == 137
            if code == 0:    # the run finished before its k-th rename: all points covered
                break
            k += 1
    FIGURES["crash_points"] = crashes
    assert crashes >= 40


def _extract(*args) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "run", *map(str, args)]


def _progress_mark(out: Path) -> tuple:
    rej = out / "rejected"
    pq = out / "records.parquet"
    return (pq.stat().st_mtime_ns if pq.exists() else 0,
            len(list(rej.iterdir())) if rej.is_dir() else 0)


def test_sigkill_the_cli_at_several_points_then_resume(tmp_path):
    """The real command (embedded model; real PDF parsing for a sample invoice) killed with
    SIGKILL at different moments (during start-up, and at several delays after it first writes
    an output, so kills land while documents are parsed, rows flushed, rejections written),
    re-run each time; then --force runs moving every document to rejected/ (review below 1.01)
    killed too; then a --force run to the end moving them back, and a run that skips all. After every kill: records.parquet reads back, no duplicate, no
    document both in records and rejected/; at the end every input is there exactly once."""
    files = make_batch(tmp_path / "in", good=24, junk=4, pdfs=1)
    out = tmp_path / "out"
    common = [tmp_path / "in", "--schema", "invoice", "--out", out, "--quiet",
              "--flush-every", "3", "--parse-timeout", "20"]
    plan = [([], ("start", 1.0))]
    plan += [([], ("written", d)) for d in (0.0, 0.15, 0.4, 0.8)]
    plan += [(["--force", "--review-below", "1.01"], ("written", d)) for d in (0.1, 0.5)]
    plan += [(["--force"], None), ([], None)]   # to the end (moving them back); all skipped
    kills, states = 0, []
    for extra, kill in plan:
        mark = _progress_mark(out)
        proc = subprocess.Popen(_extract(*common, *extra), cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        if kill is None:
            so, se = proc.communicate(timeout=600)
            assert proc.returncode == 0 and "Traceback" not in se, se
        else:
            when, delay = kill
            t0 = time.monotonic()
            while when == "written" and proc.poll() is None and \
                    _progress_mark(out) == mark and time.monotonic() - t0 < 300:
                time.sleep(0.01)
            time.sleep(delay)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)      # the main process only, like an OOM kill
                kills += 1
            proc.communicate(timeout=60)
            try:
                os.killpg(proc.pid, signal.SIGKILL)    # a parse child left behind, if any
            except ProcessLookupError:
                pass
        states.append(check_exactly_once(out, files, complete=False))
    n_rec, n_rej = check_exactly_once(out, files)
    assert f"skipped (already done; --force redoes them): {len(files)}" in so
    assert (n_rec, n_rej) == (25, 6)      # 24 + 1 PDF; junk 4, empty, not-a-pdf (+1 copy)
    FIGURES["sigkill"] = {"kills": kills, "runs": len(plan), "documents": len(files),
                          "unique_documents": n_rec + n_rej, "records": n_rec,
                          "rejected": n_rej, "lost": 0, "duplicated": 0,
                          "records_rejected_after_each_run": states}
    print(FIGURES["sigkill"])
    assert kills >= 6
