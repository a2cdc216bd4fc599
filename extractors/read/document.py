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
import resource
from pathlib import Path

from extractors.errors import DocumentError
from extractors.read import settings
from extractors.read.child import wait_for_child, limit_child
from extractors.read.pdf import classify_pdf_error, read_pdf_pages
from extractors.types import Document, Page, Word


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
        conn.send(("ok", read_pdf_pages(path, password)))
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a reason code
        try:
            conn.send(("err", classify_pdf_error(exc)))
        except BaseException:
            pass
    finally:
        conn.close()


def _preload() -> None:
    """Import the parsers (and set up pdfium's typed calls) in this process, once, so that the
    child forked for each file starts with them instead of importing them again (~0.1 s a
    file, as much as parsing a page)."""
    import numpy  # noqa: F401
    import pdfminer.pdftypes  # noqa: F401
    import pdfplumber  # noqa: F401
    import pdfplumber.utils  # noqa: F401

    from extractors.read.hidden_text import install_hooks
    from extractors.read.pdfium_text import pdfium_api
    install_hooks()
    pdfium_api()


def _read_pdf_isolated(path: str, password, timeout: float, mem_mb: int) -> list[Page]:
    _preload()
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(path, password, mem_mb, send, timeout + 5),
                       daemon=True)
    proc.start()
    send.close()
    try:
        wait_for_child(recv, proc, timeout)
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


def read_document(path: Path, *, password: str | None = None, timeout: float | None = None,
                  mem_mb: int | None = None, isolate: bool = True, sha256: str | None = None,
                  ocr: str = "auto") -> Document:
    """Turn one input file into a Document, or raise a DocumentError with a reason code."""
    timeout = settings.PARSE_TIMEOUT if timeout is None else timeout
    mem_mb = settings.PARSE_MEMORY_MB if mem_mb is None else mem_mb
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
            pages = read_pdf_pages(str(path), password)
        except Exception as exc:  # noqa: BLE001
            reason, message = classify_pdf_error(exc)
            raise DocumentError(reason, message, stage="read") from None
    if not pages:
        raise DocumentError("parse_error", "PDF has no pages", stage="read")
    from extractors.read.ocr import apply_ocr
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
