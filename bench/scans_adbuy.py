"""Scanned vs born-digital field accuracy on one labelled folder (labels only, no model).

    python bench/scans_adbuy.py DIR --schema S --gold LABELS [--cache DIR] [--ocr auto]
                                [--scans-only] [--docs] [--set NAME=VALUE ...]

A document counts as a scan when a page-sized image covers its first page (with or without
another engine's invisible OCR layer under it); every other document is born-digital. Each is
read as `extract` reads it (OCR mode --ocr for all of them), extracted with label scores only,
and compared with the gold labels. Prints per-field accuracy for scans and born-digital side by
side with the gap, then one line per scan: fields right, and gold vs. extracted for the rest.

--cache DIR keeps each read Document (pickled, keyed by file hash, OCR mode and the source of
the read/OCR modules), so ranking can be re-measured without OCR'ing the scans again.
--set overrides an extractors/ocr.py constant (DET_SIDE=960, REC_WIDTH=48, ...) for this run
(part of the cache key), to measure an OCR setting's accuracy before changing it.
"""
from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.errors import DocumentError
from extractors.eval.score import load_gold, same
from extractors.run import Extractor
from extractors.read.document import file_sha256, read_document
from schemas import load_schema  # noqa: E402

READ_SOURCES = ("read.py", "ocr.py", "ocr_page.py", "ocr_text.py", "ocr_worker.py", "visible.py")


class LabelsOnly:
    """Uniform model probabilities: the choice falls to the label scores."""
    name, sha256 = "labels-only", "-"

    def choose(self, prompt, n):
        return [1.0 / (n + 1)] * (n + 1), 0


def is_scan(path: Path) -> bool:
    """A page-sized image on page 1."""
    import pypdfium2 as pdfium

    from extractors.read import settings
    from extractors.read.ocr_render import _image_cover
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - unreadable: not a scan (read_document says why)
        return False
    try:
        return len(pdf) > 0 and _image_cover(pdf[0]) >= settings.IMAGE_COVER
    finally:
        pdf.close()


def read(path: Path, mode: str, cache: Path | None, sets: tuple = ()):
    """(Document or None, reason, seconds to read)."""
    key = None
    if cache:
        src = b"".join((ROOT / "extractors" / n).read_bytes()
                       for n in READ_SOURCES if (ROOT / "extractors" / n).exists())
        src += repr(sorted(sets)).encode()
        key = cache / f"{file_sha256(path)[:24]}-{mode}-{hashlib.sha256(src).hexdigest()[:12]}.pkl"
        if key.exists():
            return (*pickle.loads(key.read_bytes()), 0.0)
    t = time.perf_counter()
    try:
        doc, reason = read_document(path, ocr=mode, timeout=600), ""
    except DocumentError as e:
        doc, reason = None, e.reason
    secs = time.perf_counter() - t
    if key:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps((doc, reason)))
    return doc, reason, secs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--cache", type=Path, help="keep read Documents here (pickles)")
    ap.add_argument("--ocr", default="auto", choices=("auto", "always", "never"))
    ap.add_argument("--scans-only", action="store_true", help="skip the born-digital documents")
    ap.add_argument("--docs", action="store_true", help="one line per born-digital doc too")
    ap.add_argument("--set", action="append", default=[], help="NAME=VALUE, an ocr.py constant")
    a = ap.parse_args()
    from extractors.read import ocr
    for s in a.set:
        name, value = s.split("=", 1)
        old = getattr(ocr, name)
        setattr(ocr, name, value == "True" if isinstance(old, bool) else type(old)(value))
    schema = load_schema(a.schema)
    ex = Extractor(schema.model, LabelsOnly())
    specs = {s.name: s for s in ex.specs}
    gold = load_gold(a.gold)
    names = [n for n in specs if any(g.get(n) for g in gold)]
    right = {k: {n: 0 for n in names} for k in ("scan", "born-digital")}
    count = {"scan": 0, "born-digital": 0}
    lines, ocr_secs = [], 0.0
    for g in gold:
        path = a.root / g["file"]
        if not path.exists():
            continue
        kind = "scan" if is_scan(path) else "born-digital"
        if kind == "born-digital" and a.scans_only:
            continue
        doc, reason, secs = read(path, a.ocr, a.cache, tuple(a.set))
        vals = {}
        if doc is not None:
            ocr_secs += secs if kind == "scan" else 0.0
            try:
                vals = ex.extract(doc).values
            except DocumentError as e:
                reason = e.reason
        count[kind] += 1
        wrong = []
        for n in names:
            ok = same(specs[n], g.get(n), vals.get(n))
            right[kind][n] += ok
            if not ok:
                wrong.append(f"{n}: {g.get(n)!r} vs {vals.get(n)!s}")
        if kind == "scan" or a.docs:
            ocr = sum(p.ocr for p in doc.pages) if doc else 0
            lines.append(f"{g['file'][:13]:<14}{kind[:4]:<5}{len(names) - len(wrong)}/{len(names)}"
                         f" ocr pages {ocr}{' ' + reason if reason else ''}  " + " | ".join(wrong))
        print(f"  {g['file'][:13]} {kind} read in {secs:.1f}s", file=sys.stderr, flush=True)

    def acc(kind, n=None):
        if not count[kind]:
            return float("nan")
        if n:
            return right[kind][n] / count[kind]
        return sum(right[kind].values()) / (count[kind] * len(names))

    print(f"{'field':<16}{'scans':>8}{'born-digital':>14}{'gap':>8}")
    for n in names + [None]:
        print(f"{n or 'ALL':<16}{acc('scan', n):>8.3f}{acc('born-digital', n):>14.3f}"
              f"{acc('born-digital', n) - acc('scan', n):>8.3f}")
    print(f"documents: {count['scan']} scans, {count['born-digital']} born-digital"
          + (f"; reading the scans took {ocr_secs:.0f}s (uncached)" if ocr_secs else ""))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
