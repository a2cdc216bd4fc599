"""Where the model runs (issue 19): --workers N local processes, --engine ray (a real local Ray
cluster on this machine), --model-url (llama.cpp's server, started on 127.0.0.1 with the
embedded model) give the same records as the plain local run; a killed Ray driver is resumed
by re-running; the sensitivity rule; bad flags are one line. Every server and cluster a test
needs is started by it on this machine and stopped by its process id."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import ROOT, FakeBackend
from tests.test_resilience import INVOICE, check_exactly_once

VOLATILE = {"run_id", "extracted_at", "model_host"}


def _extract(*args) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "run", *map(str, args)]


def _run(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run(_extract(*args), cwd=ROOT, capture_output=True, text=True,
                       timeout=timeout, env=env)
    return r


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """A process this test started in its own session: asked to stop (it stops what it
    started), then whatever is left of its session killed."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def make_docs(d: Path) -> list[Path]:
    """8 documents for one schema: the 6 sample invoice PDFs (line items too), a text invoice
    and a junk text (rejected validation_failed)."""
    d.mkdir(parents=True)
    files = []
    for src in sorted((ROOT / "samples" / "invoice").glob("*.pdf")):
        files.append(Path(shutil.copy(src, d / src.name)))
    (d / "inv_txt.txt").write_text(INVOICE.format(n=4711, net=200, vat=38, tot=238))
    (d / "junk.txt").write_text("qZx!! 9#kq ~~ pwo&& zz^ ylk \n" * 5)
    return files + [d / "inv_txt.txt", d / "junk.txt"]


def outputs(out: Path) -> dict:
    """What a run wrote, without what differs by run or by where it ran: records (per
    document: values, evidence, confidence, provenance), their order, line items and
    rejections (reason, stage, field messages, partial record, evidence), and what the run's
    monitor saw (counts, per-field rates, layout families with their fingerprints)."""
    recs = pl.read_parquet(out / "records.parquet")
    rows = {r["doc_sha256"]: {k: v for k, v in r.items() if k not in VOLATILE}
            for r in recs.iter_rows(named=True)}
    items = out / "records_line_items.parquet"
    item_rows = sorted((json.dumps(r, default=str, sort_keys=True)
                        for r in pl.read_parquet(items).iter_rows(named=True))) \
        if items.exists() else []
    rej = {}
    for f in (out / "rejected").glob("*.json"):
        r = json.loads(f.read_text())
        rej[r["doc_sha256"]] = {k: r.get(k) for k in ("reason", "stage", "field_errors",
                                                      "partial", "evidence", "schema")}
    (run,) = [json.loads(x) for x in (out / "runs.jsonl").read_text().splitlines()]
    watched = {"totals": run["totals"], "schemas": run["schemas"],   # the monitor's view
               "families": {k: {n: v for n, v in f.items() if n != "label"}
                            for k, f in run["families"].items()}}
    return {"rows": rows, "order": recs["doc_sha256"].to_list(), "items": item_rows,
            "rejected": rej, "watched": watched}


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    return make_docs(tmp_path_factory.mktemp("scale") / "in")


@pytest.fixture(scope="module")
def baseline(docs, tmp_path_factory):
    """The plain local run: one process, the embedded model in it."""
    out = tmp_path_factory.mktemp("scale") / "plain"
    r = _run(docs[0].parent, "--schema", "invoice", "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    got = outputs(out)
    assert len(got["rows"]) == 7 and len(got["rejected"]) == 1 and got["items"]
    return got


def _same_as(baseline: dict, got: dict, host_prefix: str, out: Path) -> None:
    assert got == baseline
    hosts = set(pl.read_parquet(out / "records.parquet")["model_host"].to_list())
    assert hosts and all(h.startswith(host_prefix) for h in hosts), hosts


@pytest.mark.e2e
def test_two_local_workers_give_the_same_records(docs, baseline, tmp_path):
    out = tmp_path / "w2"
    r = _run(docs[0].parent, "--schema", "invoice", "--out", out, "--quiet", "--workers", "2")
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    _same_as(baseline, outputs(out), "local:", out)


@pytest.mark.e2e
def test_ray_with_two_workers_gives_the_same_records(docs, baseline, tmp_path):
    """No --ray-address: the run starts a local Ray for itself (and stops it)."""
    out = tmp_path / "ray"
    r = _run(docs[0].parent, "--schema", "invoice", "--out", out, "--quiet",
             "--engine", "ray", "--workers", "2")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    _same_as(baseline, outputs(out), "ray:", out)


@pytest.fixture
def ray_head():
    """A Ray cluster head on this machine (2 CPUs), stopped at the end by its process id
    (its folder short: Ray's socket paths must fit in 107 bytes)."""
    import tempfile
    port = _free_port()
    temp = Path(tempfile.mkdtemp(prefix="rayt", dir="/tmp"))
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("ray")), "start", "--head",
                             "--block", "--port", str(port), "--num-cpus", "2",
                             "--include-dashboard=false", "--disable-usage-stats",
                             "--temp-dir", str(temp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, proc.stderr.read().decode()[-500:]
            time.sleep(0.5)
        time.sleep(3)
        yield f"127.0.0.1:{port}", env
    finally:
        _stop(proc)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.e2e
def test_killed_ray_driver_rerun_loses_and_duplicates_nothing(docs, baseline, ray_head,
                                                              tmp_path):
    """The driver is SIGKILLed after its first records are committed (each flushed at
    once), the same command is run again against the same cluster: every document is in
    records or rejected/ exactly once, and the records are those of the plain run."""
    address, env = ray_head
    out = tmp_path / "out"
    cmd = _extract(docs[0].parent, "--schema", "invoice", "--out", out, "--quiet", "--engine",
                   "ray", "--ray-address", address, "--workers", "2", "--flush-every", "1")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    parts = out / ".records-parts"
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 300 and \
            len(list(parts.glob("*.parquet")) if parts.is_dir() else []) < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)           # the driver only, like an OOM kill
    proc.communicate(timeout=60)
    try:
        os.killpg(proc.pid, signal.SIGKILL)     # a parse child left behind, if any
    except ProcessLookupError:
        pass
    committed = _committed(out)
    assert 2 <= len(committed) < len(docs)      # killed midway
    assert len(committed) == len(set(committed))  # no document twice (parts read raw)
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "finished after an interrupted run" in r.stdout     # its part files folded in
    assert check_exactly_once(out, docs) == (7, 1)              # 0 lost, 0 duplicated
    got = outputs(out)
    assert got["rows"] == baseline["rows"] and got["rejected"] == baseline["rejected"]
    assert got["items"] == baseline["items"]


def _committed(out: Path) -> list[str]:
    """Every document hash on disk: rows of records.parquet and of the part files (each
    file read as it is, nothing de-duplicated) and rejections."""
    from extractors.write.records import RECORDS, part_files
    shas = []
    for f in [out / RECORDS] + part_files(out):
        if f.exists():
            shas += pl.read_parquet(f)["doc_sha256"].to_list()
    shas += [json.loads(f.read_text())["doc_sha256"] for f in (out / "rejected").glob("*.json")]
    return shas


@pytest.fixture(scope="module")
def model_server(tmp_path_factory):
    """llama.cpp's server (llama-cpp-python's `server` extra) with the embedded model on
    127.0.0.1, started through extractors.decide.serve: llama_cpp.server itself has no flag
    for llama.cpp's extra buffers, whose AMX kernels stop it with SIGILL on some VMs."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen([sys.executable, "-m", "extractors.decide.serve", "--host",
                                 "127.0.0.1", "--port", str(port), "--n_threads", "2"],
                                cwd=ROOT, stdout=f, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()[-800:]
            try:
                if httpx.get(url + "/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield url
    finally:
        _stop(proc)


@pytest.mark.e2e
def test_model_server_gives_the_same_values_as_in_process(docs, baseline, model_server,
                                                          tmp_path):
    """Three of the documents (llama-cpp-python's server computes every prompt token's
    logits when asked for log-probabilities: ~10x the in-process cost): the same values,
    evidence and rejections; the record names the served model and the server."""
    some = tmp_path / "in"
    some.mkdir()
    picked = [d for d in docs if d.suffix == ".txt"] + [docs[0]]
    for d in picked:
        shutil.copy(d, some / d.name)
    out = tmp_path / "srv"
    r = _run(some, "--schema", "invoice", "--out", out, "--quiet", "--model-url", model_server)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    got = outputs(out)
    fields = ("evidence", "invoice_number", "issue_date", "due_date", "seller_name",
              "buyer_name", "currency", "net_total", "tax_total", "grand_total",
              "line_items_count", "model", "schema")
    assert set(got["rows"]) and set(got["rows"]) <= set(baseline["rows"])
    for sha, row in got["rows"].items():
        assert {k: row.get(k) for k in fields} == \
            {k: baseline["rows"][sha].get(k) for k in fields}
        assert row["model_sha256"] == ""       # a served model's file is not seen from here
    assert got["rejected"] == {k: v for k, v in baseline["rejected"].items()
                               if k in got["rejected"]} and got["rejected"]
    df = pl.read_parquet(out / "records.parquet")
    assert set(df["model_host"].to_list()) == {model_server}


# --- the sensitivity rule and bad input: no model, no server ---------------------------------
NOT_SENSITIVE = """from decimal import Decimal
from pydantic import BaseModel, ConfigDict, Field

class Receipt(BaseModel):
    '''A shop receipt.'''
    model_config = ConfigDict(json_schema_extra={"sensitive": False})
    total: Decimal = Field(description="Total paid.")
"""


def test_sensitive_schema_refuses_a_remote_model_server(tmp_path):
    """Built-in schemas are sensitive: a non-loopback --model-url is refused before anything
    is read or sent, in one line, unless --allow-remote; a schema marked not sensitive (and
    --allow-remote) passes the rule and only then finds the server is not there."""
    doc = tmp_path / "a.txt"
    doc.write_text(INVOICE.format(n=1, net=1, vat=0, tot=1))
    common = [doc, "--out", tmp_path / "o", "--quiet"]
    r = _run(*common, "--schema", "invoice", "--model-url", "http://10.20.30.40:8080")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "sensitive" in r.stderr and "--allow-remote" in r.stderr
    assert not (tmp_path / "o").exists()
    receipt = tmp_path / "receipt.py"
    receipt.write_text(NOT_SENSITIVE)
    for extra in (["--schema", str(receipt)], ["--schema", "invoice", "--allow-remote"]):
        r = _run(*common, *extra, "--model-url", "http://model-server.invalid:8080")
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert "cannot reach the model server" in r.stderr and "sensitive" not in r.stderr


def test_sensitivity_and_loopback_rules():
    from extractors.decide.server_backend import is_loopback
    from extractors.errors import RunError
    from extractors.run.engines import check_remote
    from schemas import load_schema
    for url in ("http://127.0.0.1:8080", "http://localhost:1/v1", "http://[::1]:8000",
                "127.0.0.1:6379", "http://127.8.9.10"):
        assert is_loopback(url), url
    for url in ("http://10.0.0.1:8080", "https://gpu.example.com", "192.0.2.2:6379",
                "http://127.0.0.1.example.com", "http://0.0.0.0:80"):
        assert not is_loopback(url), url
    invoice = load_schema("invoice")
    assert invoice.sensitive
    with pytest.raises(RunError, match="sensitive"):
        check_remote("the model server http://10.0.0.1", [invoice], allow_remote=False)
    check_remote("the model server http://10.0.0.1", [invoice], allow_remote=True)


def test_bad_scale_flags_are_one_line(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    common = [doc, "--schema", "invoice", "--out", tmp_path / "o", "--quiet"]
    cases = {("--workers", "0"): "--workers",
             ("--workers", "two"): "--workers",
             ("--workers", str(os.cpu_count() + 1)): "cores",
             ("--engine", "spark"): "--engine",
             ("--ray-address", "127.0.0.1:1"): "--engine ray",
             ("--model", "x.gguf", "--model-url", "http://127.0.0.1:1"): "not both",
             ("--model-url", "ftp://somewhere"): "http://",
             ("--model-url", f"http://127.0.0.1:{_free_port()}"): "cannot reach"}
    for flags, says in cases.items():
        r = _run(*common, *flags)
        assert r.returncode == 2, (flags, r.stderr)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
        assert says in r.stderr, (flags, r.stderr)


def test_ray_is_imported_only_for_engine_ray(tmp_path):
    """A plain run never imports ray; --engine ray without ray installed is one line."""
    doc = tmp_path / "a.txt"
    doc.write_text(INVOICE.format(n=1, net=100, vat=19, tot=119))
    code = ("import sys\nfrom click.testing import CliRunner\nimport cli\n"
            "assert 'ray' not in sys.modules\n"
            f"r = CliRunner().invoke(cli.main, ['run', {str(doc)!r}, '--schema', 'invoice', "
            f"'--out', {str(tmp_path / 'o')!r}, '--quiet'])\n"
            "assert r.exit_code == 0, r.output\n"
            "assert 'ray' not in sys.modules, 'a plain run imported ray'\nprint('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
    blocked = ("import sys\nsys.modules['ray'] = None\nimport cli\n"
               "sys.argv = ['extract'] + sys.argv[1:]\ncli.main()\n")
    r = subprocess.run([sys.executable, "-c", blocked, "run", str(doc), "--schema", "invoice",
                        "--out", str(tmp_path / "o2"), "--engine", "ray"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "pip install -e '.[ray]'" in r.stderr


# --- units: the server's answer, a rejection crossing processes, a worker reading bytes ------
def test_answer_probabilities_from_a_server_choice():
    import math

    from extractors.decide.server_backend import answer_probs
    legacy = {"text": "1", "logprobs": {"top_logprobs": [{"1": -0.8, "2": -1.3, "\n": -0.2,
                                                          "0": -2.07}]}}
    p = answer_probs(legacy, ["0", "1", "2"])
    z = sum(math.exp(v) for v in (-2.07, -0.8, -1.3))
    assert p == pytest.approx([math.exp(-2.07) / z, math.exp(-0.8) / z, math.exp(-1.3) / z])
    chat = {"message": {"content": "2"}, "logprobs": {"content": [{"token": "2", "top_logprobs":
            [{"token": "2", "logprob": -0.1}, {"token": "x", "logprob": -3.0}]}]}}
    assert answer_probs(chat, ["0", "1", "2"]) == [0.0, 0.0, 1.0]   # others out of the top
    assert answer_probs({"text": "1"}, ["0", "1"]) == [0.0, 1.0]    # constrained, no logprobs
    assert answer_probs({"text": "?"}, ["0", "1"]) == [0.5, 0.5]


def test_probe_refuses_a_server_without_logprobs_or_constraint():
    """A fake OpenAI-compatible server (httpx's mock transport) that ignores grammars and
    schemas and gives no log-probabilities: refused at start with one line; one that gives
    log-probabilities but no constraint is usable."""
    import httpx

    from extractors.decide.server_backend import probe_server
    from extractors.errors import RunError

    def plain(request):
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"data": [{"id": "/m/big-model.gguf"}]})
        return httpx.Response(200, json={"choices": [{"text": " Seven"}]})

    with pytest.raises(RunError, match="neither log-probabilities nor a constrained answer"):
        probe_server("http://srv", httpx.Client(transport=httpx.MockTransport(plain)))

    def logprobs_only(request):
        if request.url.path == "/v1/models":
            return httpx.Response(404)
        body = json.loads(request.content)
        lp = {"top_logprobs": [{"7": -0.1, " Seven": -2.5}]} if body.get("logprobs") else None
        return httpx.Response(200, json={"choices": [{"text": " Seven", "logprobs": lp}]})
    probe = probe_server("http://srv", httpx.Client(transport=httpx.MockTransport(logprobs_only)))
    assert probe.logprobs and probe.constraint is None and probe.model == "served-model"


def test_document_error_crosses_a_process_boundary():
    import pickle

    from extractors.errors import DocumentError
    e = DocumentError("business_rule", "net + tax != total", stage="validate",
                      field_errors={"grand_total": ["x"]}, partial={"a": 1}, evidence={"a": {}})
    e.items = {"line_items": {"items": []}}
    back = pickle.loads(pickle.dumps(e))
    assert (back.reason, back.message, back.stage, back.field_errors, back.partial,
            back.items, str(back)) == (e.reason, e.message, e.stage, e.field_errors,
                                       e.partial, e.items, str(e))


def test_a_worker_reading_bytes_gives_what_the_driver_reads(tmp_path):
    """The Ray path (bytes read where the worker runs) and the local path (a Document read
    by the driver) give the same row, with a fake model."""
    from extractors.read.document import file_bytes, read_document
    from extractors.run.workers import Job, Worker, WorkerSetup, schema_source
    from schemas import load_schema
    p = tmp_path / "inv.txt"
    p.write_text(INVOICE.format(n=77, net=100, vat=19, tot=119))
    sha = __import__("hashlib").sha256(p.read_bytes()).hexdigest()
    schema = load_schema("invoice")
    setup = WorkerSetup([schema_source(schema)], False, {"invoice": {"schema": "invoice"}})
    worker = Worker(setup, backend=FakeBackend())
    a = worker.process(Job(p, sha, doc=read_document(p, sha256=sha)))
    b = worker.process(Job(p, sha, data=file_bytes(p)))
    assert a.error is None and b.error is None
    drop = {"extracted_at"}
    assert {k: v for k, v in a.row.items() if k not in drop} == \
        {k: v for k, v in b.row.items() if k not in drop}
    assert a.row["source_file"] == str(p) and a.row["model_host"].startswith("local:")
