"""PDF-to-text speed, this checkout's read stage against an earlier commit's, side by side.

    python bench/read_speed.py DIR [DIR ...] --base REV [--limit N] [--rounds R] [--isolate]
    python bench/read_speed.py DIR [DIR ...] --base REV --parallel 2 [--limit N] [--rounds R]
    python bench/read_speed.py DIR [DIR ...] --base REV --ocr auto [--limit N] [--rounds R]
    python bench/read_speed.py DIR [DIR ...] --dump FILE [--base REV]

The earlier commit's `extractors/` is unpacked from git (`git archive REV extractors`) into a
temporary folder and imported as the package `extractors_base`. Passes over the same files
alternate (base, new, new, base, ...) so that a machine shared with other jobs slows both
alike; each pass runs in a new Python process, so neither inherits the other's imports.
Prints pages/s per pass (wall clock, and per CPU second of the process and its parser
children: less sensitive to what else runs), the medians and their ratios.

Each pass reads one warm-up file first (imports and set-up, paid once a run), then times all.
Default: `read_pdf_pages` in the pass's process (the parsing itself). `--isolate`: as
`read_document` parses a PDF, in a forked, time- and memory-limited child per file (what a
run pays per file; the OCR of pages without a usable text layer, a separate stage, is not
included). `--parallel N`: as `--isolate`, with N files read at once (N threads, each waiting
on its own file's child, as the pipeline reads ahead): wall pages/s with N cores busy.
`--ocr auto`: as a run reads (`read_document`: the parse child, then OCR where
needed), and the CPU seconds per OCR'd page (OCR's calls and processes, engine set-up included).

`--dump FILE` writes every file's pages (text, size, hidden count, words with boxes, spans and
character xs, exact floats) as JSON lines, or its rejection reason, for a diff between commits;
with --base, the base commit's read stage writes it.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_base(rev: str, tmp: str):
    """The `extractors` package of commit `rev`, imported as `extractors_base`."""
    blob = subprocess.run(["git", "archive", rev, "extractors"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(tmp, filter="data")
    os.rename(Path(tmp) / "extractors", Path(tmp) / "extractors_base")
    sys.path.insert(0, tmp)
    return importlib.import_module("extractors_base.read")


def pdfs(dirs: list[str], limit: int | None) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        files = sorted(Path(d).rglob("*.pdf")) if Path(d).is_dir() else [Path(d)]
        out += files[:limit] if limit else files
    return out


def read_pages(read, path: Path, isolate: bool, ocr: str = "never"):
    if ocr != "never":      # as a run reads: parse child, then OCR where needed
        return read.read_document(path, ocr=ocr, timeout=60, mem_mb=2048).pages
    if isolate:
        return read._read_pdf_isolated(str(path), None, 60, 2048)
    return read.read_pdf_pages(str(path), None)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the parser children)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_pass(read, files: list[Path], isolate: bool, ocr: str = "never",
               parallel: int = 1) -> dict:
    """Seconds, pages and CPU seconds of a pass; with OCR also the pages OCR'd and the CPU
    seconds spent in OCR (`apply_ocr` calls, their children, and a long-lived OCR process,
    ended at the pass's end so that its CPU time is counted)."""
    ocr_mod = importlib.import_module(read.__name__.rsplit(".", 1)[0] + ".ocr")
    real, spent = ocr_mod.apply_ocr, {"cpu": 0.0, "pages": 0, "docs": 0}

    def apply_ocr(*a, **k):
        c = _cpu()
        try:
            out = real(*a, **k)
        finally:
            spent["cpu"] += _cpu() - c
        n = sum(p.ocr for p in out)
        spent["pages"] += n
        spent["docs"] += n > 0
        return out
    ocr_mod.apply_ocr = apply_ocr
    import hashlib
    digest = hashlib.sha256()       # of every page's text and words: same output or not
    pages, t, c = 0, time.perf_counter(), _cpu()

    def one(f):
        try:
            return read_pages(read, f, isolate, ocr)
        except Exception as exc:  # noqa: BLE001 - a rejected file counts its time, no pages
            return exc
    if parallel > 1:        # N files at once, each in its own child; results in file order
        from concurrent.futures import ThreadPoolExecutor
        read._preload()     # before the threads fork children (as the pipeline does)
        with ThreadPoolExecutor(parallel) as pool:
            results = list(pool.map(one, files))
    else:
        results = map(one, files)
    for got in results:
        if isinstance(got, Exception):
            digest.update(repr(getattr(got, "reason", type(got).__name__)).encode())
            continue
        pages += len(got)
        for p in got:
            digest.update(repr((p.text, [(w.text, round(w.x0, 3), round(w.top, 3),
                                          round(w.x1, 3), round(w.bottom, 3))
                                         for w in p.words])).encode())
    try:
        worker = importlib.import_module(read.__name__.rsplit(".", 1)[0] + ".ocr_worker")
    except ImportError:
        worker = None
    if worker is not None:
        c1 = _cpu()
        worker.shutdown()
        spent["cpu"] += _cpu() - c1
    ocr_mod.apply_ocr = real
    return {"seconds": time.perf_counter() - t, "pages": pages, "cpu": _cpu() - c,
            "ocr_cpu": spent["cpu"], "ocr_pages": spent["pages"], "ocr_docs": spent["docs"],
            "digest": digest.hexdigest()[:12]}


def dump(read, files: list[Path], out: Path) -> None:
    with open(out, "w") as fh:
        for f in files:
            rec: dict = {"file": str(f)}
            try:     # in a limited child, as the pipeline reads (hostile files included)
                pages = read._read_pdf_isolated(str(f), None, 60, 2048)
                rec["pages"] = [{"n": p.number, "w": p.width, "h": p.height,
                                 "hidden": p.hidden_chars, "text": p.text,
                                 "words": [[w.text, w.x0, w.top, w.x1, w.bottom, w.start, w.end,
                                            w.line, list(w.xs)] for w in p.words]}
                                for p in pages]
            except Exception as exc:  # noqa: BLE001
                rec["error"] = [getattr(exc, "reason", type(exc).__name__),
                                getattr(exc, "message", str(exc))]
            fh.write(json.dumps(rec) + "\n")
    print(f"wrote {len(files)} files to {out}")


def worker(argv: list[str]) -> None:
    """One timed pass in this fresh process: --worker PKG_DIR|- ISOLATE OCR PARALLEL FILE..."""
    base_dir, isolate, ocr, parallel = argv[0], argv[1] == "1", argv[2], int(argv[3])
    files = [Path(f) for f in argv[4:]]
    if base_dir != "-":
        sys.path.insert(0, base_dir)
        read = importlib.import_module("extractors_base.read")
    else:
        read = importlib.import_module("extractors.read")
    # imports, pdfium's set-up: once a run (not the OCR engine: a run builds it too)
    timed_pass(read, files[:1], isolate)
    print(json.dumps(timed_pass(read, files, isolate, ocr, parallel)))


def one_pass(base_dir: str | None, files: list[Path], isolate: bool, ocr: str,
             parallel: int = 1) -> dict:
    """A pass over the files in a new Python process: neither engine inherits what the other
    imported or cached, and each starts as a run does."""
    out = subprocess.run([sys.executable, __file__, "--worker", base_dir or "-",
                          "1" if isolate else "0", ocr, str(parallel), *map(str, files)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        return worker(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", help="folders of PDFs (searched recursively) or files")
    ap.add_argument("--base", help="git revision to compare against (e.g. main, 840f294)")
    ap.add_argument("--limit", type=int, help="first N PDFs of each folder")
    ap.add_argument("--rounds", type=int, default=3, help="passes per engine (default 3)")
    ap.add_argument("--isolate", action="store_true",
                    help="parse in a forked, limited child per file (as read_document does)")
    ap.add_argument("--ocr", default="never", choices=("never", "auto", "always"),
                    help="read as a run does (read_document: parse child, then OCR in this "
                         "mode) and report OCR CPU seconds per OCR'd page (default never)")
    ap.add_argument("--parallel", type=int, default=1, metavar="N",
                    help="read N files at once, each in its own limited child (implies "
                         "--isolate; default 1)")
    ap.add_argument("--dump", type=Path, help="write the pages as JSON lines instead of timing")
    args = ap.parse_args()
    files = pdfs(args.dirs, args.limit)
    if args.parallel > 1:
        args.isolate = True
    with tempfile.TemporaryDirectory() as tmp:
        if args.dump:
            read = load_base(args.base, tmp) if args.base else \
                importlib.import_module("extractors.read")
            dump(read, files, args.dump)
            return
        if args.base:
            load_base(args.base, tmp)
        engines = {"base " + args.base: tmp, "new (worktree)": None} if args.base else \
            {"new": None}
        times: dict[str, list[float]] = {k: [] for k in engines}
        cpus: dict[str, list[float]] = {k: [] for k in engines}
        ocr_cpu: dict[str, list[float]] = {k: [] for k in engines}
        pages = ocr_pages = 0
        load0 = os.getloadavg()[0]
        for r in range(args.rounds):
            order = list(engines) if r % 2 == 0 else list(reversed(engines))
            for name in order:
                res = one_pass(engines[name], files, args.isolate, args.ocr, args.parallel)
                s, pages, cpu = res["seconds"], res["pages"], res["cpu"]
                times[name].append(s)
                cpus[name].append(cpu)
                extra = ""
                if args.ocr != "never":
                    ocr_pages = res["ocr_pages"]
                    ocr_cpu[name].append(res["ocr_cpu"])
                    extra = (f"   OCR {ocr_pages} pages of {res['ocr_docs']} docs, "
                             f"{res['ocr_cpu'] / max(ocr_pages, 1):5.2f} CPU s/OCR'd page")
                print(f"round {r + 1} {name:<22} {s:7.2f} s {pages / s:6.1f} pages/s   "
                      f"CPU {cpu:6.2f} s {pages / cpu:6.1f} pages/CPU-s" + extra +
                      f"   output {res['digest']}", flush=True)
        print(f"\n{len(files)} files, {pages} pages, "
              f"{'read_document, OCR ' + args.ocr if args.ocr != 'never' else 'isolated child per file' if args.isolate else 'read_pdf_pages in-process'}, "
              f"{args.parallel} reader(s) at once, "
              f"1-min load {load0:.2f} at start, {os.getloadavg()[0]:.2f} at end")
        med = {k: statistics.median(v) for k, v in times.items()}
        cmed = {k: statistics.median(v) for k, v in cpus.items()}
        for k, s in med.items():
            print(f"  median {k:<22} {pages / s:6.1f} pages/s ({s:.2f} s)   "
                  f"{pages / cmed[k]:6.1f} pages/CPU-s ({cmed[k]:.2f} CPU s)" +
                  (f"   OCR {statistics.median(ocr_cpu[k]) / max(ocr_pages, 1):.2f} CPU s per "
                   f"OCR'd page ({ocr_pages} pages)" if args.ocr != "never" else ""))
        if args.base:
            (a, b), (ca, cb) = med.values(), cmed.values()
            oa, ob = (statistics.median(v) if v else 0.0 for v in ocr_cpu.values())
            print(f"  speed-up base/new: wall {a / b:.2f}x, CPU {ca / cb:.2f}x" +
                  (f", OCR CPU {oa / ob:.2f}x" if ob else ""))


if __name__ == "__main__":
    main()
