"""Read stage: a file (PDF or .txt) -> Document (pages of text, words with boxes and char spans).

Each page's text is rebuilt from pdfplumber's words, line by line, so that every word knows its
character span in the page text and its bounding box: evidence for a value is the span of the
words it was copied from. Words on one line separated by a wide gap are joined by three spaces
(a column break); otherwise by one space.

PDFs are parsed in a child process with a time limit and a memory limit, so a hostile file
(decompression bomb, circular references) costs one rejection, not the batch.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import re
import resource
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError

COLUMN_GAP = "   "


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    start: int = 0      # char span in the page text
    end: int = 0
    line: int = 0       # line index on the page
    xs: tuple = ()      # left edge of each character of text, then the right edge (PDF words)


@dataclass
class Page:
    number: int         # 1-based
    text: str
    words: list[Word]
    width: float = 0.0
    height: float = 0.0
    ocr: bool = False   # words come from OCR (extractors/ocr.py), not the text layer
    hidden_chars: int = 0   # characters a reader cannot see, left out (extractors/visible.py)


@dataclass
class Document:
    source: str
    sha256: str
    pages: list[Page] = field(default_factory=list)
    kind: str = "pdf"

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _char_xs(w: dict) -> tuple:
    """Left edge of every character of a pdfplumber word's text (a glyph may carry several
    characters, "ﬁ"), then its right edge; () when the glyphs don't spell the text."""
    chars = w.get("chars", ())
    if len(chars) == len(w["text"]) and all(len(c["text"]) == 1 for c in chars):
        return tuple([round(c["x0"], 2) for c in chars] + [round(w["x1"], 2)])   # one each
    xs = []
    for c in chars:
        xs.extend([round(c["x0"], 2)] * len(c["text"]))
    return tuple(xs) + (round(w["x1"], 2),) if len(xs) == len(w["text"]) else ()


def _nearest_lines(lines: list[list[Word]]) -> None:
    """Move each word to the line whose first word is nearest its middle (within that line's
    tolerance). Lines start at their topmost word, so a word printed between two rows first
    joins the upper one even when it sits level with the lower one ("Schedule Dates" beside
    the date range, a little under a taller heading to its right)."""
    import bisect
    mids = [(ln[0].top + ln[0].bottom) / 2 for ln in lines]
    tol = [max(ln[0].bottom - ln[0].top, 1.0) * 0.5 for ln in lines]
    moves = []
    for i, line in enumerate(lines):
        for w in line[1:]:
            mid = (w.top + w.bottom) / 2
            best, dist = i, abs(mid - mids[i])
            k = bisect.bisect_left(mids, mid)
            for j in (k - 2, k - 1, k, k + 1):
                if 0 <= j < len(lines) and j != i:
                    d = abs(mid - mids[j])
                    if d <= tol[j] and d < dist - 0.1:
                        best, dist = j, d
            if best != i:
                moves.append((w, i, best))
    if not moves:
        return
    gone = {id(w) for w, _, _ in moves}
    for line in lines:
        line[:] = [w for w in line if id(w) not in gone]
    for w, _, j in moves:
        lines[j].append(w)


def layout_words(raw: list[Word]) -> tuple[str, list[Word]]:
    """Group words into lines (by vertical position) and build the page text with spans."""
    if not raw:
        return "", []
    raw = sorted(raw, key=lambda w: (round(w.top, 1), w.x0))
    # text printed upwards (a watermark, a margin note) spans many rows: each such word is a
    # line of its own, never the row that the words beside it are grouped by
    heights = sorted(w.bottom - w.top for w in raw)
    tall = 3 * max(heights[len(heights) // 2], 1.0)
    upright = [w for w in raw if w.bottom - w.top > tall and w.x1 - w.x0 < w.bottom - w.top]
    # so is a stamp printed across rows ("DUPLICATE" over an address block): set aside until
    # the rows are formed, then it joins the one row it is level with, or stays on its own
    stamps = [w for w in raw if w.bottom - w.top > tall and w.x1 - w.x0 >= w.bottom - w.top]
    if upright or stamps:
        ids = {id(w) for w in upright + stamps}
        raw = [w for w in raw if id(w) not in ids]
    lines: list[list[Word]] = []
    for w in raw:
        mid = (w.top + w.bottom) / 2
        if lines:
            ref = lines[-1][0]
            h = max(ref.bottom - ref.top, 1.0)
            if abs(mid - (ref.top + ref.bottom) / 2) <= h * 0.5:
                lines[-1].append(w)
                continue
        lines.append([w])
    _nearest_lines(lines)
    for w in stamps:
        level = [ln for ln in lines if w.top <= (ln[0].top + ln[0].bottom) / 2 <= w.bottom]
        if len(level) == 1:
            level[0].append(w)
        else:
            upright.append(w)
    if upright:
        lines = sorted(lines + [[w] for w in upright], key=lambda ln: round(ln[0].top, 1))
    text_parts: list[str] = []
    out: list[Word] = []
    pos = 0
    for li, line in enumerate(lines):
        line.sort(key=lambda w: w.x0)
        # words whose boxes touch are one printed word ("R" + "18-31" -> "R18-31"): some
        # producers emit a zero-width space between glyphs that shows no gap on the page
        merged: list[Word] = []
        for w in line:
            if merged and abs(w.x0 - merged[-1].x1) <= 0.05 and w.x0 > merged[-1].x0:
                m = merged[-1]   # extended in place: callers may map words by identity
                m.xs = m.xs[:-1] + w.xs if m.xs and w.xs else ()
                m.text, m.x1 = m.text + w.text, w.x1
                m.top, m.bottom = min(m.top, w.top), max(m.bottom, w.bottom)
            else:
                merged.append(w)
        line[:] = merged
        prev = None
        for w in line:
            if prev is not None:
                h = max(w.bottom - w.top, 1.0)
                sep = COLUMN_GAP if (w.x0 - prev.x1) > h * 1.2 else " "
                text_parts.append(sep)
                pos += len(sep)
            w.start, w.end, w.line = pos, pos + len(w.text), li
            text_parts.append(w.text)
            pos += len(w.text)
            out.append(w)
            prev = w
        text_parts.append("\n")
        pos += 1
    return "".join(text_parts), out


class CircularReference(Exception):
    """The PDF's page tree contains itself."""


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
                xs=_char_xs(w))
           for w in extract_words(chars, x_tolerance=2, y_tolerance=2, return_chars=True)]
    return layout_words(raw)


def _pdfplumber_page(p, number: int) -> Page:
    from .visible import visible_page
    shown, hidden = visible_page(p)   # hidden text never reaches candidates or model
    text, words = _words_from_chars(shown.chars)
    return Page(number, text, words, float(p.width), float(p.height), hidden_chars=hidden)


def _pdfium_page(pdf_page, p, number: int) -> Page:
    """The text layer read by pdfium (extractors/textlayer.py), through the same hidden-text
    filter, word grouping and line layout as a pdfplumber page."""
    from .textlayer import IDENTITY, char_dicts, page_ctm, page_items
    from .visible import visible_glyphs
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


def _read_pdf_pages(path: str, password: str | None, engine: str = "auto") -> list[Page]:
    """engine `auto`: pdfium for every page it can read in pdfplumber's coordinates, pdfplumber
    (pdfminer) for the others and for a file pdfium cannot open; `pdfplumber`: pdfplumber only.
    pdfplumber opens the file in both (its errors name the reason: encrypted, truncated,
    circular page tree)."""
    import pdfplumber

    from .visible import install_hooks
    install_hooks()
    pages = []
    with pdfplumber.open(path, password=password or "") as pdf:
        _check_page_tree(pdf.doc)
        plumber_pages = pdf.pages
        fast = _open_pdfium(path, password, len(plumber_pages)) if engine == "auto" else None
        try:
            from .textlayer import NoUnicode, fast_page_ok
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


def _classify_pdf_error(exc: BaseException) -> tuple[str, str]:
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


def limit_child(cpu_seconds: float | None) -> None:
    """In a parser child: die with the parent (SIGKILL on its exit, so a killed run leaves no
    parser behind) and stop after cpu_seconds of CPU (SIGXCPU) even if nobody is waiting."""
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:      # the parent is already gone
        os._exit(1)
    if cpu_seconds:
        cpu = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _child(path, password, mem_mb, conn, cpu_seconds=None):
    import gc
    gc.freeze()     # the objects inherited from the parent: the collector leaves them alone
    import logging
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)   # parsers print warnings about broken files: keep the CLI clean
    os.dup2(devnull, 2)
    try:
        limit_child(cpu_seconds)
        if mem_mb:  # on top of what the forked parent already maps (model, libraries)
            with open("/proc/self/statm") as f:
                mapped = int(f.read().split()[0]) * resource.getpagesize()
            lim = mapped + int(mem_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        conn.send(("ok", _read_pdf_pages(path, password)))
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a reason code
        try:
            conn.send(("err", _classify_pdf_error(exc)))
        except BaseException:
            pass
    finally:
        conn.close()


WALL_FACTOR = 4     # a parser child may take this many times the limit in wall time while
                    # it waits for a core (the model runs meanwhile); its CPU time is the limit


def _child_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("inf")     # cannot tell: count wall time


def _wait_for_child(recv, proc, timeout: float, threads: int = 1, what: str = "parsing",
                    stage: str = "read", cpu0: float = 0.0) -> None:
    """Until the child's answer is ready; parse_timeout once it has used `timeout` seconds of
    CPU per thread it runs (documents read ahead share the cores with the model, and a loaded
    machine shares them with everything else, so wall time overstates the work), or
    WALL_FACTOR x timeout of wall time in any case. `cpu0`: the CPU seconds the child had
    used before this job (a long-lived child, extractors/ocr_worker.py)."""
    import time
    start = time.monotonic()
    while not recv.poll(min(1.0, timeout)):
        waited = time.monotonic() - start
        if waited >= timeout * WALL_FACTOR or \
                (waited >= timeout and
                 _child_cpu_seconds(proc.pid) - cpu0 >= timeout * threads):
            raise DocumentError("parse_timeout", f"{what} took longer than {timeout:g}s",
                                stage=stage)


def _preload() -> None:
    """Import the parsers (and set up pdfium's typed calls) in this process, once, so that the
    child forked for each file starts with them instead of importing them again (~0.1 s a
    file, as much as parsing a page)."""
    import numpy  # noqa: F401
    import pdfminer.pdftypes  # noqa: F401
    import pdfplumber  # noqa: F401
    import pdfplumber.utils  # noqa: F401

    from .textlayer import _api
    from .visible import install_hooks
    install_hooks()
    _api()


def _read_pdf_isolated(path: str, password, timeout: float, mem_mb: int) -> list[Page]:
    _preload()
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(path, password, mem_mb, send, timeout + 5),
                       daemon=True)
    proc.start()
    send.close()
    try:
        _wait_for_child(recv, proc, timeout)
        status, payload = recv.recv()
    except EOFError:
        proc.join(1)
        code = proc.exitcode
        import signal
        reason = "parse_timeout" if code == -signal.SIGXCPU else \
            "memory_limit" if code and code < 0 else "parse_error"
        raise DocumentError(reason, f"PDF parser process died (exit code {code})",
                            stage="read")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        recv.close()
    if status == "err":
        reason, message = payload
        raise DocumentError(reason, message, stage="read")
    return payload


def read_document(path: Path, *, password: str | None = None, timeout: float = 60.0,
                  mem_mb: int = 2048, isolate: bool = True, sha256: str | None = None,
                  ocr: str = "auto") -> Document:
    """Turn one input file into a Document, or raise a DocumentError with a reason code."""
    path = Path(path)
    size = path.stat().st_size
    sha = sha256 or file_sha256(path)   # the pipeline has already hashed it for the ledger
    if size == 0:
        raise DocumentError("empty_file", "file is empty (0 bytes)", stage="read")
    if path.suffix.lower() == ".txt":
        raw = path.read_bytes()
        try:
            txt = raw.decode("utf-8")
        except UnicodeDecodeError:
            txt = raw.decode("latin-1")
        pages = [_text_page(i, t) for i, t in enumerate(txt.split("\f"), start=1)]
        return Document(str(path), sha, pages, kind="txt")
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF" not in head:
        raise DocumentError("not_a_pdf", "file does not start like a PDF (no %PDF header)",
                            stage="read")
    if isolate:
        pages = _read_pdf_isolated(str(path), password, timeout, mem_mb)
    else:
        try:
            pages = _read_pdf_pages(str(path), password)
        except Exception as exc:  # noqa: BLE001
            reason, message = _classify_pdf_error(exc)
            raise DocumentError(reason, message, stage="read") from None
    if not pages:
        raise DocumentError("parse_error", "PDF has no pages", stage="read")
    from .ocr import apply_ocr   # pages without a usable text layer: OCR (own child, limits)
    pages = apply_ocr(str(path), pages, ocr, password=password, page_timeout=timeout,
                      mem_mb=mem_mb, isolate=isolate)
    if not any(p.words for p in pages):
        raise DocumentError("no_text_layer", "no page has a text layer (scanned image?)",
                            stage="read")
    return Document(str(path), sha, pages, kind="pdf")


def _text_page(number: int, text: str) -> Page:
    """A page of plain text: words get spans and a pseudo box (column, line) for evidence."""
    words = []
    pos = 0
    for li, line in enumerate(text.split("\n")):
        col = 0
        for tok in line.split(" "):
            if tok:
                words.append(Word(tok, float(col), float(li), float(col + len(tok)),
                                  float(li + 1), pos + col, pos + col + len(tok), li))
            col += len(tok) + 1
        pos += len(line) + 1
    return Page(number, text, words, 0.0, 0.0)
