"""Where an OCR'd page's CPU goes: render, detection, crops, recognition, word boxes, the
orientation check and our own post-processing, per page and in total.

    python bench/ocr_cost.py DIR [--limit N] --count            # which pages a run OCRs (cheap)
    python bench/ocr_cost.py DIR [--limit N] [--pages N] [--set NAME=VALUE ...] [--rounds R]
                             [--alt NAME=VALUE,... ...]

--count lists the pages `--ocr auto` sends to OCR (pages without a usable text layer, and scans
under another engine's OCR layer) without OCR'ing them. Otherwise the first --pages such pages
are rendered and read in this process as the OCR process reads them (`ocr.ocr_pdf_pages` steps),
timing each stage in CPU seconds of this process (all engine threads), with the process's peak
RSS and the pages that raised it. --set overrides
extractors/ocr.py constants (DET_SIDE=960, REC_BATCH=12, ...) before the engine is built.
--alt runs each comma-separated set of overrides as a variant, alternating with the baseline
(--set) in new processes, R rounds, and prints the medians side by side with a digest of the
output (same words or not) and the share of words that agree with the baseline's.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def apply_sets(sets: list[str]) -> None:
    from extractors.read import ocr
    for s in sets:
        name, value = s.split("=", 1)
        old = getattr(ocr, name)
        setattr(ocr, name, type(old)(value) if not isinstance(old, bool) else value == "True")


def ocr_pages_of(files: list[Path]) -> list[tuple[Path, int, dict]]:
    """(file, page number, page sizes) for every page `--ocr auto` OCRs."""
    import pypdfium2 as pdfium

    from extractors.read.ocr import _has_images, pages_to_check
    from extractors.read.ocr_render import _is_scan
    from extractors.read.pdf import read_pdf_pages
    out = []
    for f in files:
        try:
            pages = read_pdf_pages(str(f), None)
        except Exception:  # noqa: BLE001 - unreadable: rejected before OCR
            continue
        sure, maybe = pages_to_check(pages, "auto")
        if maybe and not sure and not _has_images(str(f)):
            maybe = []
        words = {p.number: len(p.words) for p in pages}
        sizes = {p.number: (p.width, p.height) for p in pages if p.width and p.height}
        pdf = pdfium.PdfDocument(str(f))
        todo = sorted(list(sure) + [n for n in maybe if _is_scan(pdf[n - 1], words.get(n, 0))])
        pdf.close()
        out += [(f, n, sizes) for n in todo]
    return out


def profile(targets) -> dict:
    import numpy as np
    import pypdfium2 as pdfium
    from rapidocr import main as rmain
    from rapidocr.ch_ppocr_cls import TextClassifier
    from rapidocr.ch_ppocr_det import TextDetector
    from rapidocr.ch_ppocr_rec import TextRecognizer

    from extractors.read import ocr
    from extractors.read.ocr_page import ocr_image

    spent = defaultdict(float)
    counts = defaultdict(int)

    def timed(owner, attr, key):
        real = getattr(owner, attr)

        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return real(*a, **k)
            finally:
                spent[key] += time.process_time() - t
        setattr(owner, attr, wrapper)

    timed(TextDetector, "__call__", "det")
    timed(rmain.RapidOCR, "crop_text_regions", "crop")
    timed(TextRecognizer, "__call__", "rec")
    timed(rmain.RapidOCR, "calc_word_boxes", "word boxes")
    timed(TextClassifier, "__call__", "orientation (cls)")
    timed(rmain.RapidOCR, "preprocess_img", "engine resize")
    ocr.engine()
    t0 = time.process_time()
    ocr.engine()(np.full((64, 256, 3), 255, np.uint8))     # warm-up outside the counts
    spent.clear()
    digest, words_out = hashlib.sha256(), {}
    rss0 = _peak_rss_mb()
    peak, grew = [rss0], []
    total = time.process_time()
    for f, n, sizes in targets:
        pdf = pdfium.PdfDocument(str(f))
        page = pdf[n - 1]
        t = time.process_time()
        pw, ph = page.get_size()
        w_pt, h_pt = sizes.get(n) or (pw, ph)
        if abs(w_pt / max(h_pt, 1) - pw / max(ph, 1)) > 0.05 * (pw / max(ph, 1)):
            w_pt, h_pt = pw, ph
        scale = min(ocr._render_scale(page), ocr.MAX_SIDE_PX / max(pw, ph, 1))
        img = np.ascontiguousarray(page.render(scale=scale, grayscale=False).to_numpy()[:, :, :3])
        spent["render"] += time.process_time() - t
        counts["megapixels"] += img.shape[0] * img.shape[1] / 1e6
        pdf.close()
        t = time.process_time()
        before = sum(v for k, v in spent.items() if k != "render")
        text, words = ocr_image(img, w_pt, h_pt)
        inside = sum(v for k, v in spent.items() if k != "render") - before
        spent["ocr_image total"] += time.process_time() - t
        spent["ours (layout etc.)"] += time.process_time() - t - inside
        counts["words"] += len(words)
        digest.update(repr((text, [(w.text, round(w.x0), round(w.top)) for w in words])).encode())
        words_out[f"{f.name}:{n}"] = [w.text for w in words]
        rss = _peak_rss_mb()
        if rss > peak[0] + 50:      # the pages that raise the process's peak memory
            grew.append((f"{f.name}:{n}", img.shape[1], img.shape[0], round(rss)))
        peak[0] = max(peak[0], rss)
    spent["all"] = time.process_time() - total
    del t0
    return {"pages": len(targets), "cpu": dict(spent), "counts": dict(counts),
            "digest": digest.hexdigest()[:12], "words": words_out,
            "peak_rss_mb": round(_peak_rss_mb()), "peak_rss_before_mb": round(rss0),
            "grew": grew}


def _peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def agreement(a: dict, b: dict) -> float:
    """Share of the baseline's words (per page, as multisets) that the variant reads too."""
    from collections import Counter
    hit = tot = 0
    for k, ws in a.items():
        ca, cb = Counter(ws), Counter(b.get(k, []))
        hit += sum((ca & cb).values())
        tot += sum(ca.values())
    return hit / max(tot, 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--alt", action="append", default=[])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--targets", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    files = sorted(a.root.rglob("*.pdf"))[:a.limit] if a.root.is_dir() else [a.root]
    if a.targets:
        targets = [(Path(f), n, {int(k): tuple(v) for k, v in s.items()})
                   for f, n, s in json.loads(Path(a.targets).read_text())]
    else:
        targets = ocr_pages_of(files)
    if a.count:
        docs = sorted({f.name for f, _n, _s in targets})
        print(f"{len(files)} documents: {len(targets)} OCR'd pages in {len(docs)} documents")
        for f, n, _s in targets:
            print(f"  {f.name} page {n}")
        return 0
    targets = targets[:a.pages]
    if a.json:
        apply_sets(a.set)
        print(json.dumps(profile(targets)))
        return 0
    if not a.alt:
        apply_sets(a.set)
        res = profile(targets)
        _print(res)
        return 0
    tfile = Path("/tmp") / f"ocr_cost_targets_{hashlib.sha1(repr(targets).encode()).hexdigest()[:8]}.json"
    tfile.write_text(json.dumps([(str(f), n, s) for f, n, s in targets]))
    variants = {"base": a.set} | {v: a.set + v.split(",") for v in a.alt}
    runs: dict[str, list[dict]] = {k: [] for k in variants}
    for r in range(a.rounds):
        order = list(variants) if r % 2 == 0 else list(reversed(variants))
        for k in order:
            out = subprocess.run([sys.executable, __file__, str(a.root), "--json", "--targets",
                                  str(tfile), "--pages", str(a.pages)]
                                 + [x for s in variants[k] for x in ("--set", s)],
                                 capture_output=True, text=True, check=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            runs[k].append(res)
            print(f"round {r + 1} {k:<40} {res['cpu']['all'] / res['pages']:6.2f} CPU s/page"
                  f"  peak RSS {res['peak_rss_mb']} MB  output {res['digest']}", flush=True)
    base = runs["base"][0]
    print(f"\n{len(targets)} OCR'd pages, medians of {a.rounds} rounds, CPU s per page")
    keys = list(base["cpu"])
    print(f"{'variant':<40}" + "".join(f"{k[:12]:>13}" for k in keys) + f"{'words agree':>13}")
    for k, rs in runs.items():
        med = {s: statistics.median(r["cpu"].get(s, 0) for r in rs) / len(targets) for s in keys}
        print(f"{k:<40}" + "".join(f"{med[s]:>13.2f}" for s in keys)
              + f"{agreement(base['words'], rs[0]['words']):>13.3f}")
    return 0


def _print(res: dict) -> None:
    n = res["pages"]
    print(f"{n} OCR'd pages, output {res['digest']}, {res['counts'].get('words', 0) / n:.0f} "
          f"words/page, {res['counts'].get('megapixels', 0) / n:.1f} Mpx/page; peak RSS "
          f"{res['peak_rss_mb']} MB ({res['peak_rss_before_mb']} with the engine built)")
    for page, w, h, rss in res.get("grew", []):
        print(f"  peak RSS rose to {rss} MB on {page} ({w}x{h} px)")
    for k, v in sorted(res["cpu"].items(), key=lambda kv: -kv[1]):
        print(f"  {k:<22}{v / n:7.2f} CPU s/page")


if __name__ == "__main__":
    sys.exit(main())
