"""Read an evidence box back from the PDF: the text printed inside it, whitespace-free."""
import re

import pdfplumber


def printed_in_box(pdf_path, page_no: int, bbox, tol: float = 0.6) -> str:
    x0, top, x1, bottom = bbox
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_no - 1]
        # a stamp printed across the box ("DUPLICATE", glyphs several lines tall) is not
        # part of the value printed in it
        tall = 2 * max(bottom - top, 1.0)
        chars = [c for c in page.chars
                 if x0 - tol <= (c["x0"] + c["x1"]) / 2 <= x1 + tol
                 and top - tol <= (c["top"] + c["bottom"]) / 2 <= bottom + tol
                 and c["bottom"] - c["top"] <= tall]
    chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
    return re.sub(r"\s+", "", "".join(c["text"] for c in chars))


def mismatches(pdf_path, evidence: dict) -> list[str]:
    """Fields whose evidence text is not what the PDF prints in the evidence box."""
    bad = []
    for field, ev in evidence.items():
        for e in (ev if isinstance(ev, list) else [ev]):
            if not e:
                continue
            want = re.sub(r"\s+", "", e["text"])
            got = printed_in_box(pdf_path, e["page"], e["bbox"])
            if not want or got != want:
                bad.append(f"{field}: evidence {e['text']!r} but the box holds {got!r}")
    return bad



def ocr_in_box(pdf_path, page_no: int, bbox, margin: float = 3.0, pad: float = 0.0,
               turns: int = 0) -> str:
    """The text the OCR engine reads in an evidence box of a scanned page (rendered the way OCR
    renders it; the box cut out with `margin` points around it, widened by `pad` points left
    and right, on a white border, turned `turns` quarter turns: a page printed upside down),
    whitespace-free."""
    import numpy as np
    import pypdfium2 as pdfium

    from extractors.read.ocr_render import _render_scale
    from extractors.read.ocr_page import ocr_image
    x0, top, x1, bottom = bbox
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_no - 1]
        scale = _render_scale(page)
        img = np.asarray(page.render(scale=scale).to_pil().convert("RGB"))[:, :, ::-1]
    finally:
        pdf.close()
    h, w = img.shape[:2]
    a, b = max(int((top - margin) * scale), 0), min(int((bottom + margin) * scale), h)
    c, d = max(int((x0 - margin - pad) * scale), 0), min(int((x1 + margin + pad) * scale), w)
    crop = np.full((b - a + 40, d - c + 40, 3), 255, dtype=np.uint8)
    crop[20:20 + b - a, 20:20 + d - c] = img[a:b, c:d]
    crop = np.ascontiguousarray(np.rot90(crop, turns))
    text, _ = ocr_image(crop, crop.shape[1], crop.shape[0])
    return re.sub(r"\s+", "", text)
