"""Text layer with pdfium: a PDF page -> its characters in painting order, with the filled shapes
and images painted before each, in pdfplumber's coordinates (points, top-left origin).

pdfium (pypdfium2, C++) reads a page's characters 20-50x faster than pdfminer's Python layout
engine, and gives what the hidden-text filter (extractors/visible.py) needs: each character's
text render mode, fill and stroke colour, font size and matrix; each path's fill mode, colour
and outline; each image's box. Boxes are built like pdfminer's (advance width across; from the
font's descent, one font size high), so words, lines and evidence boxes come out as pdfplumber
would give them. The read stage uses this for every page it can (`fast_page_ok`) and pdfplumber
for the rest (rotated pages, a media box not at the origin, fonts without a Unicode map).
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

TEXT, PATH, IMAGE, FORM = 1, 2, 3, 5


class NoUnicode(Exception):
    """A font on the page has no Unicode map: pdfplumber reads the page (its `(cid:N)` text
    is what the OCR fallback recognises as a garbage text layer)."""


@dataclass
class GState:
    """What visible.char_is_hidden reads of pdfminer's graphic state."""
    ncolor: tuple | None
    scolor: tuple | None
    ncs: object = None
    scs: object = None


class _CS:
    name = "DeviceRGB"


_RGB = _CS()


class Glyph:
    """One character, with the attributes pdfminer's LTChar has that the filter reads."""
    __slots__ = ("text", "x0", "y0", "x1", "y1", "text_render_mode", "em_size", "graphicstate",
                 "upright", "matrix", "index")

    def __init__(self, text, x0, y0, x1, y1, mode, em_size, gs, upright, matrix, index=-1):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1
        self.text_render_mode, self.em_size, self.graphicstate = mode, em_size, gs
        self.upright, self.matrix, self.index = upright, matrix, index

    def get_text(self) -> str:
        return self.text


def _addr(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


_RGBA = tuple(ctypes.c_uint() for _ in range(4))


def _color(getter, obj) -> tuple | None:
    r, g, b, a = _RGBA
    if not getter(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _mul(m, n):
    """Affine matrices (a, b, c, d, e, f): m then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _obj_matrix(pdfium_c, obj):
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1, 0, 0, 1, 0, 0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _path_shape(pdfium_c, obj, ctm):
    """A filled path -> (bbox, share of its box it fills) in page space (ctm: the forms around
    it), or None when not filled."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) or not fill.value:
        return None
    m = _mul(_obj_matrix(pdfium_c, obj), ctm)
    polys, poly = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        pt = _apply(m, x.value, y.value)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO:
            if poly:
                polys.append(poly)
            poly = [pt]
        else:
            poly.append(pt)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            polys.append(poly)
            poly = [poly[0]] if poly else []
    if poly:
        polys.append(poly)
    pts = [p for q in polys for p in q]
    if not pts:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    box = (min(xs), min(ys), max(xs), max(ys))
    area_box = (box[2] - box[0]) * (box[3] - box[1])
    area = 0.0
    for q in polys:
        if len(q) > 2:
            area += sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(q, q[1:] + q[:1])) / 2
    return box, (min(abs(area) / area_box, 1.0) if area_box > 0 else 0.0)


def _image_box(pdfium_c, obj, ctm):
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return None
    pts = [_apply(ctm, x, y) for x in (l.value, r.value) for y in (b.value, t.value)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def page_items(pdf_page, text_page) -> list:
    """The page in painting order: Glyph objects, ("fill", bbox, rgb, fill_ratio) for filled
    paths, ("image", bbox) for images. Spaces pdfium generated are left out (it reports some
    of a PDF's own space characters that way too, so a few words a PDF separates only by a
    space narrower than 2 pt run together; measured: adding them all changed field accuracy).
    Coordinates are PDF points, bottom-left origin (as pdfminer's)."""
    import pypdfium2.raw as pdfium_c
    tp = text_page.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    by_obj: dict[int, list[int]] = {}
    handles: dict[int, object] = {}
    for i in range(n):
        if pdfium_c.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if pdfium_c.FPDFText_HasUnicodeMapError(tp, i) == 1:
            raise NoUnicode(i)
        h = pdfium_c.FPDFText_GetTextObject(tp, i)
        k = _addr(h)
        if k:
            by_obj.setdefault(k, []).append(i)
            handles[k] = h
    items: list = []
    placed: set[int] = set()
    box = pdfium_c.FS_RECTF()
    mat = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    size = ctypes.c_float()

    def glyphs(k):
        obj = handles[k]
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        stroked = mode in (1, 2, 5, 6)      # the stroke colour matters only then
        gs = GState(_color(pdfium_c.FPDFPageObj_GetFillColor, obj),
                    _color(pdfium_c.FPDFPageObj_GetStrokeColor, obj) if stroked else None,
                    _RGB, _RGB)
        fs = size.value if pdfium_c.FPDFTextObj_GetFontSize(obj, size) else 0.0
        for i in by_obj[k]:
            u = pdfium_c.FPDFText_GetUnicode(tp, i)
            if not u:
                continue
            if u == 2:          # pdfium's mark for a hyphen that ends a line
                u = 0x2D
            pdfium_c.FPDFText_GetMatrix(tp, i, mat)
            a, b, c, d = mat.a, mat.b, mat.c, mat.d
            em = abs(fs) * math.hypot(c, d)
            pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
            x0, x1 = box.left, box.right
            y0, y1 = min(box.bottom, box.top), max(box.bottom, box.top)
            upright = 0 < a * d and b * c <= 0      # pdfminer's definition
            if upright:     # pdfminer: from the descent up one font size
                y1 = y0 + em
            items.append(Glyph(chr(u), x0, y0, x1, y1, mode, em, gs, upright,
                               (a, b, c, d, mat.e, mat.f), i))

    def walk(container_count, get, ctm, depth):
        for j in range(container_count):
            obj = get(j)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == TEXT:
                k = _addr(obj)
                if k in by_obj and k not in placed:
                    placed.add(k)
                    glyphs(k)

            elif kind == PATH:
                shape = _path_shape(pdfium_c, obj, ctm)
                if shape:
                    items.append(("fill", shape[0], _color(pdfium_c.FPDFPageObj_GetFillColor,
                                                           obj), shape[1]))
            elif kind == IMAGE:
                b = _image_box(pdfium_c, obj, ctm)
                if b:
                    items.append(("image", b))
            elif kind == FORM and depth < 12:
                inner = _mul(_obj_matrix(pdfium_c, obj), ctm)
                walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                     lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), inner, depth + 1)

    page = pdf_page.raw
    walk(pdfium_c.FPDFPage_CountObjects(page), lambda j: pdfium_c.FPDFPage_GetObject(page, j),
         (1, 0, 0, 1, 0, 0), 0)
    for k in by_obj:          # characters whose object the walk did not reach: keep them
        if k not in placed:
            placed.add(k)
            glyphs(k)
    return items


def fast_page_ok(plumber_page) -> bool:
    """Pages whose pdfium coordinates map onto pdfplumber's by a flip alone: no /Rotate and a
    media box at the origin (else the read stage uses pdfplumber for the page)."""
    mb = plumber_page.page_obj.mediabox
    return not (plumber_page.rotation or 0) % 360 and abs(mb[0]) < 1e-6 and abs(mb[1]) < 1e-6


def char_dicts(glyphs: list, page_height: float) -> list[dict]:
    """Glyphs -> pdfplumber-style char dicts (top-left origin) for its word extractor."""
    out = []
    for g in glyphs:
        top, bottom = page_height - g.y1, page_height - g.y0
        out.append({"text": g.text, "x0": g.x0, "x1": g.x1, "top": top, "bottom": bottom,
                    "doctop": top, "upright": g.upright, "matrix": g.matrix,
                    "width": g.x1 - g.x0, "height": bottom - top, "object_type": "char"})
    return out
