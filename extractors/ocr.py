"""OCR fallback for the read stage: PDF pages without a usable text layer -> words with boxes.

A page is OCR'd (mode `auto`) when it has no words, when its text layer is garbage (runs of
`(cid:12)`, replacement or control characters, private-use glyphs), or when it carries only a
few words over a page-sized image (a scan with a stamped page number); mode `always` OCRs every
page and drops the text layer, mode `never` leaves pages as they are (such documents keep the
rejection `no_text_layer`).

Pages are rendered with pypdfium2 (a scan at its image's own resolution) and read by RapidOCR
(PP-OCR detection and recognition models shipped inside the `rapidocr` wheel and run by
onnxruntime: nothing is downloaded). `ocr_page.ocr_image` turns the engine's lines into words
with boxes in PDF points (top-left origin, like pdfplumber's), upright and in reading order,
so candidates, evidence and grounding work exactly as for a born-digital PDF.

OCR runs in its own long-lived child process (extractors/ocr_worker.py: the engine is built
once, documents are sent to it over a pipe), with a time limit per OCR'd page and the parse
memory limit per document: a page that makes the engine hang costs one rejection (and a new
OCR process), not the batch.
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from .errors import DocumentError
from .ocr_page import ocr_image
from .read import Page

OCR_MODES = ("auto", "always", "never")
DPI = 200                    # render resolution; PP-OCR reads 8-12 pt print well from here
MAX_SIDE_PX = 4000          # never render a page larger than this (memory)
NATIVE = True               # a scan is rendered at its image's own resolution (no resampling)
MIN_SIDE_PX = 2000          # ... but with its long side at least this long
DET_SIDE = 1280             # text lines are found on the page scaled to this side (speed)
REC_BATCH = 6               # line crops recognized per model call (the wheel's default)
# a batch of line crops (48 px high) is padded to its widest crop but at least this wide; the
# wheel's 320 made every short field ("Date:", "$40.00") cost a 320-px line. Measured with 48:
# the same extracted fields on the labelled scans, about a third less recognition CPU
REC_WIDTH = 48
# pixels of padded crop width per recognition call (0: the wheel's whole batch at once). The
# model scores every crop position against 18,710 characters, so a batch of six lines padded to
# 4,300 px gave 240 MB per output tensor and took the OCR process to 1.5 GB; a wide batch now goes
# a few crops at a time (each crop is scored on its own: the same numbers) and each output is
# reduced at once to the best character and its score per position, all the decoder reads.
REC_SLICE_PX = 2048
# onnxruntime threads per model call (0: its default, one per core). One thread costs 10-19%
# less CPU per page but a document's pages are OCR'd one after another in one process, so on an
# otherwise idle core the run waits longer for them: measured side by side on 20 ad orders,
# achieved 3.82-4.10 s/doc with one thread against 3.00-3.05 with the default
ENGINE_THREADS = 0
REOCR_SCAN_LAYERS = True    # auto: a scan's invisible OCR layer is read again (measured better)
FEW_WORDS = 12               # a page with fewer words is checked for a page-sized image
IMAGE_COVER = 0.5            # ... and OCR'd when images cover this share of it
IMPLAUSIBLE = 0.25          # share of implausible words that marks a bad OCR layer
CID = re.compile(r"\(cid:\d+\)")
CAMEL_OK = re.compile(r"(Mc|Mac|O')?[A-Z]?[a-z]+[A-Z][a-z]+|[a-z][A-Z][a-z]+")
VOWELS = set("aeiouyäöüéèàáíóúâêîôû")


# ---------------------------------------------------------------------------------------------
# which pages
# ---------------------------------------------------------------------------------------------
def garbage_ratio(text: str) -> float:
    """Share of a text layer's visible characters that are not real text: `(cid:N)` glyph
    references (fonts without a Unicode map), U+FFFD, control and private-use characters."""
    body = re.sub(r"\s+", "", text)
    if not body:
        return 1.0
    cid_chars = sum(len(m) for m in CID.findall(body))
    rest = CID.sub("", body)
    bad = sum(1 for ch in rest if ch == "\ufffd" or ord(ch) < 32 or 0xE000 <= ord(ch) <= 0xF8FF
              or 0x7F <= ord(ch) < 0xA0)
    return (cid_chars + bad) / len(body)


def implausible_ratio(text: str) -> tuple[float, int]:
    """(share of the words with 3+ letters that no printer would print, number of such words).

    A bad OCR layer under a scan reads like "remT TOSm*eoadcast chWJA0 A{.hBy": a lower-case
    letter followed by a capital inside a word (not "McDonald", "iPhone"), symbols between
    letters, a digit between letters of a lower-case word, five or more letters without a
    vowel. Born-digital documents stay under about 0.13 (measured on invoices and ad-buy
    orders); bad OCR layers are above 0.3."""
    words = [t.strip(".,:;()[]\"'!?") for t in text.split()]
    words = [w for w in words if sum(ch.isalpha() for ch in w) >= 3]
    if not words:
        return 0.0, 0
    bad = 0
    for w in words:
        letters = [ch for ch in w.lower() if ch.isalpha()]
        if (re.search(r"[a-z][A-Z]", w) and not CAMEL_OK.fullmatch(w)) or \
                re.search(r"[A-Za-z][{}\[\]|\\^~`*<>?!%]+[A-Za-z]", w) or \
                (re.search(r"[A-Za-z]\d[A-Za-z]", w) and re.search(r"[a-z]", w)) or \
                (len(letters) >= 5 and not any(ch in VOWELS for ch in letters)):
            bad += 1
    return bad / len(words), len(words)


def text_unusable(page: Page) -> bool:
    """No words, or a text layer that is mostly garbage ((cid:N), control characters), or too
    few letters and digits to read, or words no printer would print (a bad OCR layer)."""
    if not page.words:
        return True
    if garbage_ratio(page.text) > 0.3:
        return True
    body = re.sub(r"\s+", "", CID.sub("", page.text))
    if len(body) >= 20 and sum(ch.isalnum() for ch in body) < 0.3 * len(body):
        return True
    ratio, n = implausible_ratio(page.text)
    return n >= 20 and ratio > IMPLAUSIBLE


def pages_to_check(pages: list[Page], mode: str) -> tuple[list[int], list[int]]:
    """(pages to OCR for sure, pages to OCR if they turn out to be scans: a page-sized image
    under a few words, or under another engine's invisible OCR layer), 1-based."""
    if mode == "never":
        return [], []
    if mode == "always":
        return [p.number for p in pages], []
    sure = [p.number for p in pages if text_unusable(p)]
    maybe = [p.number for p in pages if p.number not in sure and
             (len(p.words) < FEW_WORDS or REOCR_SCAN_LAYERS)]
    return sure, maybe


# ---------------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------------
_ENGINE = None


def engine():
    """RapidOCR with the models of its own wheel (explicit paths: never the download path)."""
    global _ENGINE
    if _ENGINE is None:
        import logging

        import rapidocr
        from rapidocr import RapidOCR
        models = Path(rapidocr.__file__).parent / "models"

        def one(kind: str) -> str:
            found = sorted(models.glob(f"*{kind}*.onnx"))
            if not found:
                raise RuntimeError(f"rapidocr wheel has no {kind} model in {models}")
            return str(found[-1])

        eng = RapidOCR(params={
            "Global.log_level": "error", "Global.use_cls": False,
            "Det.model_path": one("det"), "Rec.model_path": one("rec"),
            "Cls.model_path": one("cls"),
            "Det.limit_type": "max", "Det.limit_side_len": DET_SIDE,
            # recognition reads crops of the page as rendered (the default shrinks it to 2000)
            "Global.max_side_len": MAX_SIDE_PX,
            "Rec.rec_batch_num": REC_BATCH, "Rec.rec_img_shape": [3, 48, REC_WIDTH],
            "EngineConfig.onnxruntime.intra_op_num_threads": ENGINE_THREADS or -1,
        })
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        with _threads_do_not_spin():      # the models, loaded now (the engine waits for use)
            for load in ("_load_det_model", "_load_rec_model", "_load_cls_model"):
                getattr(eng, load, lambda: None)()
        rec = getattr(eng, "text_rec", None)
        if REC_SLICE_PX and rec is not None and hasattr(rec, "session"):
            rec.session = _SlicedSession(rec.session, REC_SLICE_PX)
        _ENGINE = eng
    return _ENGINE


class _Scores:
    """What the wheel's CTC decoder reads of the recognition output, its argmax and max over the
    characters, kept per crop position instead of as the [crops, positions, characters] array."""

    def __init__(self, idx, prob):
        self._idx, self._prob = idx, prob
        self.shape = idx.shape + (None,)

    def argmax(self, axis):
        if axis not in (2, -1):
            raise ValueError("recognition scores are kept reduced over the characters only")
        return self._idx

    def max(self, axis):
        if axis not in (2, -1):
            raise ValueError("recognition scores are kept reduced over the characters only")
        return self._prob


class _SlicedSession:
    """The recognition model's session, run on at most `budget` pixels of crop width per call
    (a batch of wide line crops goes a few crops at a time; each crop is scored on its own, so
    the numbers are the same), each call's output reduced at once to what the decoder reads."""

    def __init__(self, session, budget: int):
        self.session, self.budget = session, budget

    def __call__(self, batch):
        import numpy as np
        n, width = batch.shape[0], batch.shape[-1]
        per = max(1, self.budget // max(width, 1))
        idx, prob = [], []
        for i in range(0, n, per):
            scores = self.session(batch[i:i + per])
            idx.append(scores.argmax(axis=2))
            prob.append(scores.max(axis=2))
            del scores
        return _Scores(np.concatenate(idx), np.concatenate(prob))

    def __getattr__(self, name):
        return getattr(self.session, name)


@contextlib.contextmanager
def _threads_do_not_spin():
    """onnxruntime sessions made meanwhile without busy-waiting threads: by default its threads
    spin between steps, burning a core the model could use (measured: 18% less CPU per page,
    same words). The rapidocr wheel builds the session options itself, so they are amended
    where it makes them; without that hook, sessions are made as the wheel makes them."""
    try:
        from rapidocr.inference_engine.onnxruntime.main import OrtInferSession
        make = OrtInferSession.__dict__["_init_sess_opts"]
    except (ImportError, KeyError):
        yield
        return

    def options(cfg):
        opts = make.__func__(cfg)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return opts
    OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = make


def _is_scan(pdf_page, n_words: int) -> bool:
    """A page-sized image under a few words (a stamp), or under text that is all invisible
    (render mode 3: another engine's OCR layer, which we read again ourselves)."""
    if _image_cover(pdf_page) < IMAGE_COVER:
        return False
    if n_words < FEW_WORDS:
        return True
    import pypdfium2.raw as pdfium_c
    modes = [pdfium_c.FPDFTextObj_GetTextRenderMode(o.raw)
             for o in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2)]
    invisible = sum(m == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE for m in modes)
    return bool(modes) and invisible >= 0.9 * len(modes)


def _image_cover(pdf_page) -> float:
    """Share of the page covered by image objects (the page of a scan is one big image)."""
    import pypdfium2.raw as pdfium_c
    w, h = pdf_page.get_size()
    area = 0.0
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        area += max(0.0, min(x1, w) - max(x0, 0)) * max(0.0, min(y1, h) - max(y0, 0))
    return min(area / max(w * h, 1.0), 1.0)


def _render_scale(pdf_page) -> float:
    """Pixels per point to render a page at: a scan at its images' own resolution, so their
    pixels are neither resampled up nor thrown away (scans come at 150-300 dpi, often on pages
    whose size in points is their size in pixels), but with the long side at least
    MIN_SIDE_PX; anything else at DPI."""
    if not NATIVE:
        return DPI / 72
    import pypdfium2.raw as pdfium_c
    w, h = pdf_page.get_size()
    native, cover = 0.0, 0.0
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        bw, bh = max(0.0, x1 - x0), max(0.0, y1 - y0)
        if bw * bh < 0.2 * w * h:
            continue
        try:
            meta = obj.get_metadata()
            px = max(meta.width, meta.height)
        except Exception:  # noqa: BLE001 - an image pdfium cannot read: not counted
            continue
        # the image may be placed turned by 90 degrees: compare long sides with long sides
        native = max(native, px / max(bw, bh, 1.0))
        cover += bw * bh
    if not native or cover < IMAGE_COVER * w * h:
        return DPI / 72
    return max(native, MIN_SIDE_PX / max(w, h, 1.0))


def _ocr_pages(path: str, password: str | None, sure: list[int], maybe: list[int],
               sizes: dict[int, tuple[float, float]], n_words: dict[int, int] | None = None
               ) -> dict[int, tuple[str, list[Word]]]:
    n_words = n_words or {}
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path, password=password or None)
    try:
        todo = list(sure)
        for n in maybe:
            if _is_scan(pdf[n - 1], n_words.get(n, 0)):
                todo.append(n)
        out = {}
        for n in sorted(todo):
            page = pdf[n - 1]
            pw, ph = page.get_size()      # as displayed (after /Rotate), like the render
            w_pt, h_pt = sizes.get(n) or (pw, ph)
            if abs(w_pt / max(h_pt, 1) - pw / max(ph, 1)) > 0.05 * (pw / max(ph, 1)):
                w_pt, h_pt = pw, ph       # the text layer's page box disagrees: trust the render
            scale = _render_scale(page)
            scale = min(scale, MAX_SIDE_PX / max(pw, ph, 1))   # a poster-sized page: fewer dpi
            import numpy as np
            bitmap = page.render(scale=scale, grayscale=False)
            img = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])   # BGR, as the engine takes
            out[n] = ocr_image(img, w_pt, h_pt)
        return out
    finally:
        pdf.close()


# ---------------------------------------------------------------------------------------------
# isolation and the hook read.py calls
# ---------------------------------------------------------------------------------------------
# the OCR engine's threads (onnxruntime uses the cores): its CPU time grows that much faster
# than a single-threaded parser's, so its CPU budget is the time limit times this
OCR_THREADS = ENGINE_THREADS or min(os.cpu_count() or 1, 4)


def _run_isolated(args, timeout: float, mem_mb: int):
    """In the long-lived OCR process (extractors/ocr_worker.py): the engine is built once a
    run, the limits apply per document."""
    from .ocr_worker import run_job
    return run_job(args, timeout, mem_mb, OCR_THREADS)


def _has_images(path: str) -> bool:
    """Whether the file has an image XObject (a stream's dictionary is never compressed, so
    its /Subtype /Image is in the raw bytes); cheap, no parsing."""
    import mmap
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return re.search(rb"/Image(?![BCI]\b)", m) is not None   # not ProcSet /ImageB
    except (OSError, ValueError):
        return True


def apply_ocr(path: str, pages: list[Page], mode: str = "auto", *, password: str | None = None,
              page_timeout: float = 60.0, mem_mb: int = 2048, isolate: bool = True) -> list[Page]:
    """Pages with their text layer replaced by OCR where it is unusable (or everywhere, with
    mode `always`). Pages OCR'd are marked `ocr=True`. Raises DocumentError when OCR itself
    fails or takes longer than `page_timeout` seconds per page to OCR."""
    if mode not in OCR_MODES:
        raise ValueError(f"OCR mode must be one of {', '.join(OCR_MODES)}, not {mode!r}")
    sure, maybe = pages_to_check(pages, mode)
    if maybe and not sure and not _has_images(path):
        maybe = []              # no image XObject in the file: no page can be a scan
    if not sure and not maybe:
        return pages
    try:
        import pypdfium2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        if mode == "always" or all(text_unusable(p) for p in pages):
            raise DocumentError("no_text_layer", "no usable text layer and no OCR engine "
                                "installed (pip install rapidocr onnxruntime)",
                                stage="ocr") from None
        return pages
    sizes = {p.number: (p.width, p.height) for p in pages if p.width and p.height}
    args = (str(path), password, sure, maybe, sizes, {p.number: len(p.words) for p in pages})
    budget = page_timeout * max(len(sure) + len(maybe), 1)
    result = _run_isolated(args, budget, mem_mb) if isolate else _ocr_pages(*args)
    out = []
    for p in pages:
        if p.number in result:
            text, words = result[p.number]
            out.append(Page(p.number, text, words, p.width, p.height, ocr=True))
        else:
            out.append(p)
    return out
