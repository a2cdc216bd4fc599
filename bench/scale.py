"""Where the model runs, side by side: docs/min and CPU s/doc of `extract run` with 1 worker
(the model in the run's process), 2 local workers, Ray with 2 workers (a local Ray started by
the run), and optionally a model server (llama.cpp's, started here on 127.0.0.1); and whether
each gives the same records as the 1-worker run (values, evidence, rejections).

    python bench/scale.py [DIR] [--schema S] [--limit N] [--modes local1,local2,ray2,server]

Defaults: ../shared/data/adbuy-dev with examples/adbuy.py, every document, the first three
modes. Each mode runs the real command in a fresh OUT; its CPU time is that of the whole process
tree (this script is the tree's subreaper; Ray's workers are sampled from /proc, their reaped
children included), start-up (model loads, Ray) included; `start-up` is the same command on the
first document alone (start-up, one document, shut-down).
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from tree_memory import process_tree  # noqa: E402   (the run's whole process tree, from /proc)
MODES = {"local1": [], "local2": ["--workers", "2"], "ray2": ["--engine", "ray", "--workers", "2"],
         "server": []}
VOLATILE = {"run_id", "extracted_at", "model_host", "model_sha256"}
CONFIDENCE = {"confidence", "min_confidence", "record_confidence"}


def _reap_all(timeout: float = 90.0) -> None:
    """Wait for every descendant left (orphans re-parented to this subreaper)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.2)


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _comm(pid) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read()
    except OSError:
        return ""


def _ray_cpu(pid: int) -> float | None:
    """A Ray worker process's CPU seconds, with those of the children it has waited for
    (its documents' parser children); None for any other process. Ray's workers are reaped by
    a raylet that ignores SIGCHLD, so their time never reaches this script's RUSAGE_CHILDREN:
    they are sampled instead. Their children carry the name `ray::...` too (fork keeps it):
    only the raylet's children count here (a worker's OCR process outlives it, comes back to
    this subreaper and is counted in RUSAGE_CHILDREN)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if not _comm(pid).startswith("ray::") or _comm(st[1]).strip() != "raylet":
        return None
    return sum(int(x) for x in st[11:15]) / os.sysconf("SC_CLK_TCK")


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the whole tree, and stdout of one command."""
    c0, t0 = _cpu_children(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    ray: dict[int, float] = {}
    while proc.poll() is None:
        for pid in process_tree(os.getpid())[1:]:
            if (c := _ray_cpu(pid)) is not None:
                ray[pid] = c
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    so, se = proc.communicate()
    _reap_all()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {se.strip()[-400:]}")
    return wall, _cpu_children() - c0 + sum(ray.values()), so


def outputs(out: Path, confidence: bool) -> dict:
    """Values, evidence (and confidences) and rejections, without what differs by run or
    engine."""
    import polars as pl
    recs = pl.read_parquet(out / "records.parquet") if (out / "records.parquet").exists() \
        else pl.DataFrame({"doc_sha256": []})
    drop = VOLATILE if confidence else VOLATILE | CONFIDENCE
    rows = {r["doc_sha256"]: {k: v for k, v in r.items() if k not in drop}
            for r in recs.iter_rows(named=True)}
    rej = {}
    for f in (out / "rejected").glob("*.json"):
        r = json.loads(f.read_text())
        rej[r["doc_sha256"]] = (r["reason"], r.get("field_errors"), r.get("evidence"))
    return {"rows": rows, "rejected": rej}


def _own_cpu(proc) -> float:
    if proc is None:
        return 0.0
    with open(f"/proc/{proc.pid}/stat") as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "extractors.decide.serve", "--host",
                             "127.0.0.1", "--port", str(port), "--n_threads",
                             str(os.cpu_count() or 1)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the model server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared/data/adbuy-dev"))
    ap.add_argument("--schema", default="examples/adbuy.py")
    ap.add_argument("--limit", type=int, default=None, help="the first N documents only")
    ap.add_argument("--modes", default="local1,local2,ray2")
    a = ap.parse_args()
    ctypes.CDLL(None).prctl(36, 1)          # PR_SET_CHILD_SUBREAPER: orphans come back here
    modes = a.modes.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    src = Path(a.folder)
    files = sorted(p for p in src.rglob("*") if p.suffix.lower() in (".pdf", ".txt"))
    if a.limit:
        files = files[:a.limit]
    inputs = tmp / "in"
    inputs.mkdir()
    for f in files:
        os.symlink(f.resolve(), inputs / f.name)
    results, first = [], None
    for mode in modes:
        out = tmp / mode
        extra = list(MODES[mode])
        server = None
        if mode == "server":
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            server = start_server(port)
            extra = ["--model-url", f"http://127.0.0.1:{port}"]
        cmd = [sys.executable, str(ROOT / "cli.py"), "run", str(inputs), "--schema", a.schema,
               "--out", str(out), "--quiet", *extra]
        one = [sys.executable, str(ROOT / "cli.py"), "run", str(inputs / files[0].name),
               "--schema", a.schema, "--out", str(tmp / f"{mode}-one"), "--quiet", *extra]
        try:
            wall0, cpu0, _ = run(one)           # start-up, one document, shut-down
            s0 = _own_cpu(server)
            wall, cpu, _ = run(cmd)
            cpu += _own_cpu(server) - s0        # the model server's share
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
        got = (outputs(out, False), outputs(out, True))
        first = first or got
        n = len(files)
        steady_cpu = (cpu - cpu0) / max(n - 1, 1)      # per document, start-up taken out
        results.append({"mode": mode, "docs": n, "wall_s": round(wall, 1),
                        "docs_per_min": round(60 * n / wall, 1),
                        "cpu_s_per_doc": round(cpu / n, 2),
                        "startup_s": round(wall0, 1), "startup_cpu_s": round(cpu0, 1),
                        "steady_docs_per_min": round(60 * (n - 1) / max(wall - wall0, 1e-9), 1),
                        "steady_cpu_s_per_doc": round(steady_cpu, 2),
                        "docs_per_min_per_core": round(60 / max(steady_cpu, 1e-9), 1),
                        "same_records_as_first": got[0] == first[0],
                        "same_confidences": got[1] == first[1],
                        "records": len(got[0]["rows"]), "rejected": len(got[0]["rejected"])})
        print(json.dumps(results[-1]), flush=True)
    print(f"{'mode':<8}{'docs/min':>9}{'CPU s/doc':>10}{'start-up s':>11}{'steady':>8}"
          f"{'CPU s/doc':>10}{'per core':>9}{'x16 cores':>10}{'same':>6}")
    for r in results:
        print(f"{r['mode']:<8}{r['docs_per_min']:>9}{r['cpu_s_per_doc']:>10}"
              f"{r['startup_s']:>11}{r['steady_docs_per_min']:>8}"
              f"{r['steady_cpu_s_per_doc']:>10}{r['docs_per_min_per_core']:>9}"
              f"{round(16 * r['docs_per_min_per_core']):>10}"
              f"{'yes' if r['same_records_as_first'] else 'NO':>6}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
