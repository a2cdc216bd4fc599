"""Per-document cost of contracts: each PDF of a folder read as `extract run` reads it (its
limited child, OCR where a page has no usable text layer), then extracted with a schema and the
embedded model, one at a time (after a warm-up: the OCR process and the model start once per
run, not per document) -> per document the read and extract seconds,
pages and OCR'd pages; the median and max of the total, and every document over N x the median
with what made it slow.

    python bench/contract_cost.py [DIR] [--schema S] [--limit N] [--times 3] [--json F]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.errors import DocumentError  # noqa: E402
from extractors.read.document import read_document  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared/data/nda-train"))
    ap.add_argument("--schema", default="bench/schemas/nda.py")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--times", type=float, default=3.0, help="report documents over N x the median")
    ap.add_argument("--json", default=None, help="write the per-document rows here")
    a = ap.parse_args()
    from extractors.decide.backends import load_backend
    from extractors.run import Extractor
    from schemas import load_schema
    ex = Extractor(load_schema(a.schema).model, load_backend(None))
    files = sorted(Path(a.folder).glob("*.pdf"))[:a.limit]
    for f in files[:3]:     # warm-up: the OCR process and the model's caches start once per run
        try:
            ex.extract(read_document(f, ocr="always" if f == files[0] else "auto"))
        except DocumentError:
            pass
    rows = []
    for f in files:
        t0 = time.perf_counter()
        try:
            doc = read_document(f)
        except DocumentError as exc:
            rows.append({"file": f.name, "rejected": exc.reason})
            continue
        t1 = time.perf_counter()
        ex.extract(doc)
        t2 = time.perf_counter()
        rows.append({"file": f.name, "pages": len(doc.pages),
                     "ocr_pages": sum(1 for p in doc.pages if p.ocr),
                     "chars": sum(len(p.text) for p in doc.pages),
                     "read_s": round(t1 - t0, 3), "extract_s": round(t2 - t1, 3),
                     "total_s": round(t2 - t0, 3)})
    done = [r for r in rows if "total_s" in r]
    if a.json:
        Path(a.json).write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    def summary(name, rs):
        if not rs:
            return
        tot = [r["total_s"] for r in rs]
        med = statistics.median(tot)
        over = [r for r in rs if r["total_s"] > a.times * med]
        print(f"{name:<28}{len(rs):>5} docs  median {med:6.2f} s  p95 "
              f"{sorted(tot)[int(0.95 * (len(tot) - 1))]:6.2f} s  max {max(tot):6.2f} s  "
              f"over {a.times:g}x the median: {len(over)}")
        return med
    med = summary("all documents", done)
    summary("born-digital (no OCR)", [r for r in done if not r["ocr_pages"]])
    summary("with OCR'd pages", [r for r in done if r["ocr_pages"]])
    ext = [r["extract_s"] for r in done]
    print(f"extraction alone: median {statistics.median(ext):.2f} s, max {max(ext):.2f} s")
    print(f"over {a.times:g}x the median ({a.times * med:.2f} s):")
    for r in sorted(done, key=lambda r: -r["total_s"]):
        if r["total_s"] > a.times * med:
            print(f"  {r['file']}: {r['total_s']:.2f} s (read {r['read_s']:.2f}, extract "
                  f"{r['extract_s']:.2f}), {r['pages']} pages, {r['ocr_pages']} OCR'd")
    if len(done) < len(rows):
        print(f"rejected: {len(rows) - len(done)}")


if __name__ == "__main__":
    main()
