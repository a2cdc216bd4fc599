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
