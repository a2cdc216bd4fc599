"""Read stage: a file (PDF or .txt) -> Document (pages of text, words with boxes and char spans).

Each page's text is rebuilt from pdfplumber's words, line by line, so that every word knows its
character span in the page text and its bounding box: evidence for a value is the span of the
words it was copied from. Words on one line separated by a wide gap are joined by three spaces
(a column break); otherwise by one space.

Only regular files are read (a symbolic link to one is fine): a FIFO, device, socket or folder,
a broken or looping link is rejected `not_a_file` without being opened, and a file is opened
non-blocking and checked again on its descriptor, so nothing swapped in meanwhile can block.
PDFs and .txt files are read in a child process with a time limit and a memory limit, so a
hostile file (decompression bomb, circular references, a huge text) costs one rejection, not the
batch; a .txt over settings.MAX_TEXT_MB is rejected `too_large` unread.
"""
from __future__ import annotations

import errno
import hashlib
import multiprocessing as mp
import os
import resource
import stat
from pathlib import Path

from extractors.errors import DocumentError
from extractors.read import settings
from extractors.read.child import wait_for_child, limit_child
from extractors.read.pdf import classify_pdf_error, read_pdf_pages
from extractors.types import Document, Page, Word

_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def _not_a_file(what: str) -> DocumentError:
    return DocumentError("not_a_file", f"{what}: not a regular file, not read", stage="read")


def _unreadable(exc: OSError) -> DocumentError:
    if isinstance(exc, PermissionError):
        return DocumentError("unreadable", "permission denied: the user running extract may not "
                             "read this file", stage="read")
    return DocumentError("unreadable", f"the file could not be read "
                         f"({exc.strerror or type(exc).__name__})", stage="read")


def regular_stat(path) -> os.stat_result:
    """The file's stat if it is a regular file (or a symbolic link to one), else the
    DocumentError it is rejected with: not_a_file (FIFO, device, socket, folder, a broken or
    looping link) or unreadable (gone, no permission to reach it). Nothing is opened."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_a_file("a symbolic link loop (the link leads back to itself)") from None
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise _not_a_file("a broken symbolic link (its target does not exist)") from None
        raise _unreadable(exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_a_file(_KINDS.get(stat.S_IFMT(st.st_mode), "a special file"))
    return st


def open_regular(path):
    """The file opened for binary reading, if it is a regular file (else DocumentError
    not_a_file / unreadable). Opened non-blocking and checked again on the descriptor: a FIFO
    or device swapped in after the check is closed unread, never waited on."""
    regular_stat(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise _unreadable(exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_a_file(_KINDS.get(stat.S_IFMT(st.st_mode), "a special file"))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file's content (DocumentError for anything else, see open_regular;
    OSError if reading fails midway)."""
    h = hashlib.sha256()
    with open_regular(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _child(fn, args, mem_mb, conn, cpu_seconds=None, parent=None, parents_end=None):
    """In the forked reader: fn(*args) -> ("ok", pages) or ("err", (reason, message)), under
    the CPU and memory limits; it dies with the run (limit_child) and holds no copy of the
    parent's end of the pipe."""
    if parents_end is not None:
        parents_end.close()
    import gc
    gc.freeze()     # the objects inherited from the parent: the collector leaves them alone
    import logging
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)   # parsers print warnings about broken files: keep the CLI clean
    os.dup2(devnull, 2)
    try:
        limit_child(cpu_seconds, parent)
        if mem_mb:  # on top of what the forked parent already maps (model, libraries)
            with open("/proc/self/statm") as f:
                mapped = int(f.read().split()[0]) * resource.getpagesize()
            lim = mapped + int(mem_mb) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a reason code
        try:
            conn.send(("err", _classify(fn, exc)))
        except BaseException:
            pass
    finally:
        conn.close()


def _classify(fn, exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, DocumentError):
        return exc.reason.value, exc.message
    if fn is read_text_pages:
        if isinstance(exc, MemoryError):
            return "memory_limit", "reading the text went over the memory limit"
        if isinstance(exc, OSError):
            return _unreadable(exc).reason.value, _unreadable(exc).message
        return "parse_error", f"the text could not be read ({type(exc).__name__})"
    return classify_pdf_error(exc)


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
    return _read_isolated(read_pdf_pages, (path, password), timeout, mem_mb, "PDF parser")


def _read_isolated(fn, args: tuple, timeout: float, mem_mb: int, what: str) -> list[Page]:
    """fn(*args) in a forked child with the CPU, wall-time and memory limits (`what`: "PDF
    parser" or "text reader", for messages)."""
    if fn is not read_text_pages:
        _preload()
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, args, mem_mb, send, timeout + 5, os.getpid(),
                                            recv), daemon=True)
    proc.start()
    send.close()
    try:
        wait_for_child(recv, proc, timeout, what="reading" if fn is read_text_pages else "parsing")
        status, payload = recv.recv()
    except EOFError:
        proc.join(1)
        code = proc.exitcode
        import signal
        reason = "parse_timeout" if code == -signal.SIGXCPU else \
            "memory_limit" if code and code < 0 else "parse_error"
        raise DocumentError(reason, f"{what} process died (exit code {code})",
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


def _size(n: float) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def read_text_pages(path: str) -> list[Page]:
    """A .txt file -> its pages (split at form feeds): UTF-8, else Latin-1."""
    with open_regular(path) as f:
        raw = f.read()
    try:
        txt = raw.decode("utf-8")
    except UnicodeDecodeError:
        txt = raw.decode("latin-1")
    del raw
    return [_text_page(i, t) for i, t in enumerate(txt.split("\f"), start=1)]


def _check_size(path: Path) -> int:
    """The size of a regular file that may be read (DocumentError not_a_file, unreadable,
    empty_file, or too_large for a .txt over settings.MAX_TEXT_MB); nothing is opened."""
    size = regular_stat(path).st_size      # not_a_file: never opened
    if size == 0:
        raise DocumentError("empty_file", "file is empty (0 bytes)", stage="read")
    cap = settings.MAX_TEXT_MB
    if path.suffix.lower() == ".txt" and cap and size > cap * 1024 * 1024:
        raise DocumentError("too_large", f"text file of {_size(size)}, over the "
                            f"{_size(cap * 2**20)} allowed (read.max_text_mb): not read",
                            stage="read")
    return size


def file_bytes(path: Path) -> bytes:
    """A regular file's content, to be read into a Document elsewhere (a Ray worker,
    extractors/run/ray_engine.py), or the DocumentError read_document would raise before
    opening it (not_a_file, unreadable, empty_file, too_large)."""
    path = Path(path)
    _check_size(path)
    try:
        with open_regular(path) as f:
            return f.read()
    except OSError as exc:
        raise _unreadable(exc) from None


def read_document(path: Path, *, password: str | None = None, timeout: float | None = None,
                  mem_mb: int | None = None, isolate: bool = True, sha256: str | None = None,
                  ocr: str = "auto") -> Document:
    """Turn one input file into a Document, or raise a DocumentError with a reason code."""
    timeout = settings.PARSE_TIMEOUT if timeout is None else timeout
    mem_mb = settings.PARSE_MEMORY_MB if mem_mb is None else mem_mb
    path = Path(path)
    size = _check_size(path)
    text = path.suffix.lower() == ".txt"
    try:
        sha = sha256 or file_sha256(path)   # the pipeline has already hashed it for the ledger
        with open_regular(path) as f:
            head = f.read(1024)
    except OSError as exc:
        raise _unreadable(exc) from None
    if text:
        if isolate:
            pages = _read_isolated(read_text_pages, (str(path),), timeout, mem_mb, "text reader")
        else:
            pages = read_text_pages(str(path))
        return Document(str(path), sha, pages, kind="txt")
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
