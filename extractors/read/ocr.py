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

import os
import re

from extractors.errors import DocumentError
from extractors.read import settings
from extractors.read.ocr_render import ocr_pdf_pages
from extractors.types import Page

OCR_MODES = ("auto", "always", "never")
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
    vowel. Born-digital documents stay under about 0.13 (measured on invoices and ad
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
    return n >= 20 and ratio > settings.IMPLAUSIBLE


def pages_to_check(pages: list[Page], mode: str) -> tuple[list[int], list[int]]:
    """(pages to OCR for sure, pages to OCR if they turn out to be scans: a page-sized image
    under a few words, or under another engine's invisible OCR layer), 1-based."""
    if mode == "never":
        return [], []
    if mode == "always":
        return [p.number for p in pages], []
    sure = [p.number for p in pages if text_unusable(p)]
    maybe = [p.number for p in pages if p.number not in sure and
             (len(p.words) < settings.FEW_WORDS or settings.REOCR_SCAN_LAYERS)]
    return sure, maybe


# ---------------------------------------------------------------------------------------------
# isolation and the hook read.py calls
# ---------------------------------------------------------------------------------------------
# the OCR engine's threads (onnxruntime uses the cores): its CPU time grows that much faster
# than a single-threaded parser's, so its CPU budget is the time limit times this
def ocr_threads() -> int:
    return settings.ENGINE_THREADS or min(os.cpu_count() or 1, 4)


def _run_isolated(args, timeout: float, mem_mb: int):
    """In the long-lived OCR process (extractors/ocr_worker.py): the engine is built once a
    run, the limits apply per document."""
    from extractors.read.ocr_worker import run_job
    return run_job(args, timeout, mem_mb, ocr_threads())


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
              page_timeout: float | None = None, mem_mb: int | None = None,
              isolate: bool = True) -> list[Page]:
    """Pages with their text layer replaced by OCR where it is unusable (or everywhere, with
    mode `always`). Pages OCR'd are marked `ocr=True`. Raises DocumentError when OCR itself
    fails or takes longer than `page_timeout` seconds per page to OCR."""
    page_timeout = settings.PARSE_TIMEOUT if page_timeout is None else page_timeout
    mem_mb = settings.PARSE_MEMORY_MB if mem_mb is None else mem_mb
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
    result = _run_isolated(args, budget, mem_mb) if isolate else ocr_pdf_pages(*args)
    out = []
    for p in pages:
        if p.number in result:
            text, words = result[p.number]
            out.append(Page(p.number, text, words, p.width, p.height, ocr=True))
        else:
            out.append(p)
    return out
