"""PDF -> Pages, in the process that parses (a limited child): pdfium reads the text layer where
it can (extractors/read/pdfium_text.py), pdfplumber elsewhere; both go through the hidden-text
filter (extractors/read/hidden_text.py) and the same line layout (extractors/read/layout.py).
Parser failures become reason codes (`classify_pdf_error`)."""
from __future__ import annotations

import re

from extractors.errors import CircularReference
from extractors.read.layout import char_xs, layout_words
from extractors.types import Page, Word


def _check_page_tree(doc, limit: int = 100_000) -> None:
    """Raise CircularReference if a /Pages node is its own ancestor (pdfminer would silently
    skip the loop and report no pages)."""
    from pdfminer.pdftypes import PDFObjRef, resolve1
    root = resolve1(doc.catalog.get("Pages"))
    stack = [(root, frozenset())]
    seen = 0
    while stack and seen < limit:
        node, ancestors = stack.pop()
        seen += 1
        if not isinstance(node, dict):
            continue
        for kid in resolve1(node.get("Kids")) or []:
            if isinstance(kid, PDFObjRef):
                if kid.objid in ancestors:
                    raise CircularReference("page tree is circular")
                stack.append((resolve1(kid), ancestors | {kid.objid}))


# half of a UTF-16 pair (a font's map can give an emoji's first half alone): not text, and it
# cannot be encoded for the model or written as UTF-8, so it reads as U+FFFD (same length)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _words_from_chars(chars: list[dict]) -> tuple[str, list[Word]]:
    from pdfplumber.utils import extract_words
    raw = [Word(_SURROGATE.sub("\ufffd", w["text"]), w["x0"], w["top"], w["x1"], w["bottom"],
                xs=char_xs(w))
           for w in extract_words(chars, x_tolerance=2, y_tolerance=2, return_chars=True)]
    return layout_words(raw)


def _pdfplumber_page(p, number: int) -> Page:
    from extractors.read.hidden_text import visible_page
    shown, hidden = visible_page(p)   # hidden text never reaches candidates or model
    text, words = _words_from_chars(shown.chars)
    return Page(number, text, words, float(p.width), float(p.height), hidden_chars=hidden)


def _pdfium_page(pdf_page, p, number: int) -> Page:
    """The text layer read by pdfium (extractors/textlayer.py), through the same hidden-text
    filter, word grouping and line layout as a pdfplumber page."""
    from extractors.read.hidden_text import visible_glyphs
    from extractors.read.pdfium_text import IDENTITY, char_dicts, page_ctm, page_items
    w, h = float(p.width), float(p.height)     # pdfplumber's page geometry (inherited boxes)
    ctm = page_ctm(p)
    if ctm == IDENTITY:
        mb, cb = p.page_obj.mediabox, p.page_obj.cropbox
        box = (max(cb[0], mb[0]), max(cb[1], mb[1]), min(cb[2], mb[2]), min(cb[3], mb[3]))
    else:   # a turned page: the crop box as visible_page takes it, in pdfminer's coordinates
        x0, top, x1, bottom = p.cropbox
        mx0, mtop, mx1, mbottom = p.mediabox
        box = (max(x0, mx0), h - min(bottom, mbottom), min(x1, mx1), h - max(top, mtop))
    text_page = pdf_page.get_textpage()
    try:
        items = page_items(pdf_page, text_page, ctm)
    finally:
        text_page.close()
    shown, hidden = visible_glyphs(items, box, max(w * h, 0.0))
    text, words = _words_from_chars(char_dicts(shown, h))
    return Page(number, text, words, float(w), float(h), hidden_chars=hidden)


def read_pdf_pages(path: str, password: str | None, engine: str = "auto") -> list[Page]:
    """engine `auto`: pdfium for every page it can read in pdfplumber's coordinates, pdfplumber
    (pdfminer) for the others and for a file pdfium cannot open; `pdfplumber`: pdfplumber only.
    pdfplumber opens the file in both (its errors name the reason: encrypted, truncated,
    circular page tree)."""
    import pdfplumber

    from extractors.read.hidden_text import install_hooks
    install_hooks()
    pages = []
    with pdfplumber.open(path, password=password or "") as pdf:
        _check_page_tree(pdf.doc)
        plumber_pages = pdf.pages
        fast = _open_pdfium(path, password, len(plumber_pages)) if engine == "auto" else None
        try:
            from extractors.errors import NoUnicode
            from extractors.read.pdfium_text import fast_page_ok
            for i, p in enumerate(plumber_pages, start=1):
                page = None
                if fast is not None:
                    fp = fast[i - 1]
                    try:
                        if fast_page_ok(p):
                            page = _pdfium_page(fp, p, i)
                    except NoUnicode:
                        page = None
                    finally:
                        fp.close()
                pages.append(page or _pdfplumber_page(p, i))
                p.close()
        finally:
            if fast is not None:
                fast.close()
    return pages


def _open_pdfium(path: str, password: str | None, n_pages: int):
    """The document opened by pdfium, or None if pdfium cannot open it or counts its pages
    differently from pdfplumber (then pdfplumber reads every page)."""
    try:
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(path, password=password or None)
    except Exception:  # noqa: BLE001 - pdfplumber reads it (or names the error)
        return None
    if len(doc) != n_pages:
        doc.close()
        return None
    return doc


def _error_chain(exc: BaseException) -> list[BaseException]:
    """exc and what it wraps (pdfplumber's PdfminerException(inner), __cause__, __context__)."""
    chain, todo = [], [exc]
    while todo and len(chain) < 10:
        e = todo.pop(0)
        if e is None or any(e is c for c in chain):
            continue
        chain.append(e)
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        todo += [e.__cause__, e.__context__]
    return chain


def classify_pdf_error(exc: BaseException) -> tuple[str, str]:
    chain = _error_chain(exc)
    name = type(chain[-1] if len(chain) > 1 else exc).__name__
    msg = " ".join(f"{type(e).__name__} {e!r}" for e in chain).lower()
    if "password" in msg or "encrypt" in msg:
        return "encrypted", "PDF is encrypted; pass --password to open it"
    if any(isinstance(e, MemoryError) for e in chain):
        return "memory_limit", "parsing the PDF went over the memory limit " \
                               "(a decompression bomb?)"
    if any(isinstance(e, (RecursionError, CircularReference)) for e in chain):
        return "circular_reference", "PDF structure is circular or too deeply nested"
    if "pseof" in msg or "unexpected eof" in msg:
        return "parse_error", "PDF is truncated (unexpected end of file)"
    return "parse_error", f"PDF could not be parsed ({name})"
