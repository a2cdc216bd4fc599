"""Rendering a PDF's pages to PNG images for the review pages (extractors/review/html.py), in a
child process: a hostile file costs a missing preview, not the run."""
from __future__ import annotations

import io
import multiprocessing as mp
import resource
from pathlib import Path

from extractors.read import settings as read_settings

SCALE = 2.0           # render resolution: image pixels per PDF point
MAX_PAGES = 20


def _render_pages(path: str, scale: float, max_pages: int, password: str | None) -> list[dict]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path, password=password)
    pages = []
    try:
        for i in range(min(len(doc), max_pages)):
            page = doc[i]
            bitmap = page.render(scale=scale)
            img = bitmap.to_pil()
            buf = io.BytesIO()
            img.convert("RGB").save(buf, format="PNG", optimize=True)
            mb = [float(v) for v in page.get_mediabox()]
            cb = [float(v) for v in page.get_cropbox()]
            pages.append({"png": buf.getvalue(), "px": img.size, "rotation": page.get_rotation(),
                          "mediabox": mb, "cropbox": cb})
    finally:
        doc.close()
    return pages


def _child(path, scale, max_pages, password, mem_mb, conn):
    try:
        lim = int(mem_mb) * 1024 * 1024 * 2
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        conn.send(("ok", _render_pages(path, scale, max_pages, password)))
    except BaseException as exc:  # noqa: BLE001
        try:
            conn.send(("err", f"{type(exc).__name__}: {exc}"))
        except BaseException:
            pass
    finally:
        conn.close()


def render_pages(path: Path, *, scale: float = SCALE, max_pages: int = MAX_PAGES,
                 password: str | None = None, timeout: float | None = None,
                 mem_mb: int | None = None) -> list[dict]:
    """PNG images of the PDF's pages (as displayed), or RuntimeError; the time and memory
    limits are the read stage's (read.parse_timeout, read.parse_memory_mb) unless given."""
    timeout = read_settings.PARSE_TIMEOUT if timeout is None else timeout
    mem_mb = read_settings.PARSE_MEMORY_MB if mem_mb is None else mem_mb
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(path), scale, max_pages, password, mem_mb, send),
                       daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise RuntimeError(f"rendering took longer than {timeout:g}s")
        status, payload = recv.recv()
    except EOFError:
        raise RuntimeError("renderer process died") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        recv.close()
    if status != "ok":
        raise RuntimeError(payload)
    return payload
