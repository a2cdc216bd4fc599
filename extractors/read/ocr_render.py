"""PDF pages -> OCR'd text and words: which pages are scans, at what scale to render them, and
the render + recognition of each (run inside the OCR process, extractors/read/ocr_worker.py)."""
from __future__ import annotations

from extractors.read import settings
from extractors.read.ocr_page import ocr_image
from extractors.types import Word


def _is_scan(pdf_page, n_words: int) -> bool:
    """A page-sized image under a few words (a stamp), or under text that is all invisible
    (render mode 3: another engine's OCR layer, which we read again ourselves)."""
    if _image_cover(pdf_page) < settings.IMAGE_COVER:
        return False
    if n_words < settings.FEW_WORDS:
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
    settings.MIN_SIDE_PX; anything else at settings.DPI."""
    if not settings.NATIVE:
        return settings.DPI / 72
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
    if not native or cover < settings.IMAGE_COVER * w * h:
        return settings.DPI / 72
    return max(native, settings.MIN_SIDE_PX / max(w, h, 1.0))


def ocr_pdf_pages(path: str, password: str | None, sure: list[int], maybe: list[int],
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
            scale = min(scale, settings.MAX_SIDE_PX / max(pw, ph, 1))   # a poster-sized page: fewer dpi
            import numpy as np
            bitmap = page.render(scale=scale, grayscale=False)
            img = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])   # BGR, as the engine takes
            out[n] = ocr_image(img, w_pt, h_pt)
        return out
    finally:
        pdf.close()
