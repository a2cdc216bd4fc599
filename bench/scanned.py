"""OCR accuracy: field accuracy on scanned variants vs. the text PDFs they were made from, and
OCR speed (pages/s).

    python bench/scanned.py [--per-schema 6] [--seed 11] [--schema invoice ...] [--model]
                            [--keep DIR]

Generates N documents per schema with samples.generate (text PDFs and their scanned
variants, same ground truth) into a temporary folder, extracts both in-process (label scores
only unless --model) and prints per-schema field accuracy side by side, plus the OCR time.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import generate  # noqa: E402

from extractors.errors import DocumentError
from extractors.eval.score import load_gold, same
from extractors.run import Extractor
from extractors.read.document import read_document
from schemas import load_schema  # noqa: E402


class LabelsOnly:
    name, sha256 = "labels-only", "-"

    def choose(self, prompt, n):
        return [1.0 / (n + 1)] * (n + 1), 0


def score(ex, spec_names, doc, gold) -> dict[str, bool]:
    if doc is None:
        return {n: False for n in spec_names}
    try:
        values = ex.extract(doc).values
    except DocumentError:
        return {n: False for n in spec_names}
    specs = {s.name: s for s in ex.specs}
    return {n: same(specs[n], values.get(n), gold.get(n)) for n in spec_names}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-schema", type=int, default=6)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--schema", nargs="+", default=list(generate.SCHEMAS))
    ap.add_argument("--model", action="store_true", help="use the embedded model on close calls")
    ap.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    a = ap.parse_args()
    root = a.keep or Path(tempfile.mkdtemp(prefix="scanned-bench-"))
    backend = LabelsOnly()
    if a.model:
        from extractors.decide.backends import load_backend
        backend = load_backend(None)
    ocr_pages = 0
    ocr_secs = ocr_cpu = 0.0
    print(f"{'schema':<16} {'docs':>4} {'text':>6} {'scanned':>8}  per field (text/scanned)")
    for schema_name in a.schema:
        generate.generate(root / "text", schema_name, a.per_schema, a.seed)
        generate.generate_scanned(root / "scanned", schema_name, a.per_schema, a.seed)
        schema = load_schema(schema_name)
        ex = Extractor(schema.model, backend)
        gold = load_gold(root / "text" / schema_name / "labels.jsonl")
        names = [s.name for s in ex.specs if s.name in gold[0]]
        right = {"text": {n: 0 for n in names}, "scanned": {n: 0 for n in names}}
        for g in gold:
            for kind in ("text", "scanned"):
                path = root / kind / schema_name / g["file"]
                t0 = time.perf_counter()
                c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                try:
                    doc = read_document(path, ocr="never" if kind == "text" else "auto",
                                        timeout=300)
                except DocumentError as e:
                    print(f"  {kind} {g['file']}: {e.reason} {e.message}")
                    doc = None
                if kind == "scanned" and doc is not None:
                    ocr_secs += time.perf_counter() - t0
                    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    ocr_cpu += (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
                    ocr_pages += sum(p.ocr for p in doc.pages)
                for n, ok in score(ex, names, doc, g).items():
                    right[kind][n] += ok
        n_docs = len(gold)
        acc = {k: sum(v.values()) / (n_docs * len(names)) for k, v in right.items()}
        per = "  ".join(f"{n} {right['text'][n]}/{right['scanned'][n]}" for n in names)
        print(f"{schema_name:<16} {n_docs:>4} {acc['text']:>6.3f} {acc['scanned']:>8.3f}  {per}",
              flush=True)
    if ocr_pages:
        print(f"OCR: {ocr_pages} pages in {ocr_secs:.1f}s = {ocr_pages / ocr_secs:.2f} pages/s "
              f"({ocr_secs / ocr_pages:.1f} s/page wall, {ocr_cpu / ocr_pages:.1f} CPU-s/page, "
              f"including the child processes and rendering; load average {os.getloadavg()[0]:.1f})")
    print(f"documents in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
