"""Text layer with pdfium: a PDF page -> its characters in painting order, with the filled shapes
and images painted before each, in pdfplumber's coordinates (points, top-left origin).

pdfium (pypdfium2, C++) reads a page's characters 20-50x faster than pdfminer's Python layout
engine, and gives what the hidden-text filter (extractors/visible.py) needs: each character's
text render mode, fill and stroke colour, font size and matrix; each path's fill mode, colour
and outline; each image's box. Boxes are built like pdfminer's (advance width across; from the
font's descent, one font size high), so words, lines and evidence boxes come out as pdfplumber
would give them; a page turned by /Rotate is mapped as pdfminer maps it (`page_ctm`). The read stage uses this for every page it can (`fast_page_ok`) and
pdfplumber for the rest (a media box not at the origin, fonts without a Unicode map).
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

from extractors.errors import NoUnicode

TEXT, PATH, IMAGE, FORM = 1, 2, 3, 5
_GENERATED = frozenset((0x20, 0x0D, 0x0A))
IDENTITY = (1, 0, 0, 1, 0, 0)




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


_PTR = type(ctypes.POINTER(ctypes.c_int))


class _Api:
    """pypdfium2's raw functions, re-typed with plain addresses (c_void_p) for handles and
    out-parameters: the same C functions, without ctypes building a pointer object for every
    argument and result (most of the per-character cost of page_items)."""

    def __init__(self):
        import pypdfium2.raw as raw
        self.raw = raw
        names = ("FPDFText_CountChars FPDFText_IsGenerated FPDFText_HasUnicodeMapError "
                 "FPDFText_GetTextObject FPDFText_GetUnicode FPDFText_GetMatrix "
                 "FPDFText_GetLooseCharBox FPDFTextObj_GetTextRenderMode FPDFTextObj_GetFontSize "
                 "FPDFPageObj_GetFillColor FPDFPageObj_GetStrokeColor FPDFPageObj_GetType "
                 "FPDFPageObj_GetMatrix FPDFPageObj_GetBounds FPDFPath_GetDrawMode "
                 "FPDFPath_CountSegments FPDFPath_GetPathSegment FPDFPathSegment_GetPoint "
                 "FPDFPathSegment_GetType FPDFPathSegment_GetClose FPDFFormObj_CountObjects "
                 "FPDFFormObj_GetObject FPDFPage_CountObjects FPDFPage_GetObject").split()
        for name in names:
            f = getattr(raw, name)
            plain = [ctypes.c_void_p if isinstance(t, _PTR) else t for t in f.argtypes]
            res = ctypes.c_void_p if isinstance(f.restype, _PTR) else f.restype
            proto = ctypes.CFUNCTYPE(res, *plain)
            setattr(self, name.split("_", 1)[1] if name.startswith("FPDFText_") else name,
                    proto(ctypes.cast(f, ctypes.c_void_p).value))
        self.MOVETO = raw.FPDF_SEGMENT_MOVETO
        # out-parameters, reused (one page at a time per process)
        self.rgba = tuple(ctypes.c_uint() for _ in range(4))
        self.rgba_at = tuple(ctypes.addressof(v) for v in self.rgba)
        self.matrix = raw.FS_MATRIX()
        self.matrix_at = ctypes.addressof(self.matrix)
        self.rect = raw.FS_RECTF()
        self.rect_at = ctypes.addressof(self.rect)
        self.f = tuple(ctypes.c_float() for _ in range(4))
        self.f_at = tuple(ctypes.addressof(v) for v in self.f)
        self.i = tuple(ctypes.c_int() for _ in range(2))
        self.i_at = tuple(ctypes.addressof(v) for v in self.i)


_API: _Api | None = None


def pdfium_api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


def _addr(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _color(api: _Api, getter, obj: int) -> tuple | None:
    if not getter(obj, *api.rgba_at):
        return None
    r, g, b, _ = api.rgba
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


def _obj_matrix(api: _Api, obj: int):
    if not api.FPDFPageObj_GetMatrix(obj, api.matrix_at):
        return (1, 0, 0, 1, 0, 0)
    m = api.matrix
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _path_shape(api: _Api, obj: int, ctm):
    """A filled path -> (bbox, share of its box it fills) in page space (ctm: the forms around
    it), or None when not filled."""
    fill_at, stroke_at = api.i_at
    if not api.FPDFPath_GetDrawMode(obj, fill_at, stroke_at) or not api.i[0].value:
        return None
    m = _mul(_obj_matrix(api, obj), ctm)
    polys, poly = [], []
    x, y = api.f[0], api.f[1]
    x_at, y_at = api.f_at[0], api.f_at[1]
    get_seg, get_point = api.FPDFPath_GetPathSegment, api.FPDFPathSegment_GetPoint
    seg_type, seg_close, moveto = api.FPDFPathSegment_GetType, api.FPDFPathSegment_GetClose, \
        api.MOVETO
    for i in range(api.FPDFPath_CountSegments(obj)):
        seg = get_seg(obj, i)
        get_point(seg, x_at, y_at)
        pt = _apply(m, x.value, y.value)
        if seg_type(seg) == moveto:
            if poly:
                polys.append(poly)
            poly = [pt]
        else:
            poly.append(pt)
        if seg_close(seg):
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


def _image_box(api: _Api, obj: int, ctm):
    if not api.FPDFPageObj_GetBounds(obj, *api.f_at):
        return None
    l, b, r, t = (v.value for v in api.f)
    pts = [_apply(ctm, x, y) for x in (l, r) for y in (b, t)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def page_items(pdf_page, text_page, ctm=IDENTITY) -> list:
    """The page in painting order: Glyph objects, ("fill", bbox, rgb, fill_ratio) for filled
    paths, ("image", bbox) for images. Spaces pdfium generated are left out (it reports some
    of a PDF's own space characters that way too, so a few words a PDF separates only by a
    space narrower than 2 pt run together; measured: adding them all changed field accuracy).
    Coordinates are pdfminer's: PDF points, bottom-left origin, through `ctm` (page_ctm: a page
    turned by /Rotate); each glyph's matrix is composed with it, so `upright` is pdfminer's."""
    api = pdfium_api()
    tp = _addr(text_page.raw)
    by_obj = _chars_by_object(api, tp)
    items: list = []
    append = items.append
    placed: set[int] = set()
    glyphs = _glyph_reader(api, tp, by_obj, append, ctm)
    walk = _object_walker(api, by_obj, placed, glyphs, append)
    page = _addr(pdf_page.raw)
    walk(api.FPDFPage_CountObjects(page), api.FPDFPage_GetObject, page, ctm, 0)
    for k in by_obj:          # characters whose object the walk did not reach: keep them
        if k not in placed:
            placed.add(k)
            glyphs(k)
    return items


def _chars_by_object(api: _Api, tp: int) -> dict[int, list[tuple[int, int]]]:
    """The text page's characters by the text object that paints them: text object -> (char
    index, unicode), in pdfium's order, without the spaces and line breaks pdfium generated;
    NoUnicode when a character's font has no Unicode map."""
    is_generated, map_error, text_object, get_unicode = api.IsGenerated, \
        api.HasUnicodeMapError, api.GetTextObject, api.GetUnicode
    by_obj: dict[int, list[tuple[int, int]]] = {}     # text object -> (char index, unicode)
    for i in range(api.CountChars(tp)):
        u = get_unicode(tp, i)
        # the characters pdfium generates are spaces and line breaks (cpdf_textpage.cpp)
        if u in _GENERATED and is_generated(tp, i) == 1:
            continue
        if map_error(tp, i) == 1:
            raise NoUnicode(i)
        k = text_object(tp, i)
        if k:
            if k in by_obj:
                by_obj[k].append((i, u))
            else:
                by_obj[k] = [(i, u)]
    return by_obj


def _glyph_reader(api: _Api, tp: int, by_obj: dict, append, ctm):
    """A function that appends the Glyph of each character of a text object (by_obj: the
    characters of each text object, `_chars_by_object`) to the page's items (`append`), with
    the object's render mode, colours (one GState per colour pair) and font size."""
    get_matrix, get_box = api.GetMatrix, api.GetLooseCharBox
    box, box_at, mat, mat_at = api.rect, api.rect_at, api.matrix, api.matrix_at
    size, size_at = api.f[0], api.f_at[0]
    hypot = math.hypot
    turned = ctm != IDENTITY

    gstates: dict = {}      # one GState per colour pair: the filter reads it once per run

    def glyphs(obj):
        mode = api.FPDFTextObj_GetTextRenderMode(obj)
        stroked = mode in (1, 2, 5, 6)      # the stroke colour matters only then
        key = (_color(api, api.FPDFPageObj_GetFillColor, obj),
               _color(api, api.FPDFPageObj_GetStrokeColor, obj) if stroked else None)
        gs = gstates.get(key)
        if gs is None:
            gs = gstates[key] = GState(key[0], key[1], _RGB, _RGB)
        fs = abs(size.value) if api.FPDFTextObj_GetFontSize(obj, size_at) else 0.0
        matrix = None
        for i, u in by_obj[obj]:
            if not u:
                continue
            if u == 2:          # pdfium's mark for a hyphen that ends a line
                u = 0x2D
            if matrix is None:  # one per text object: pdfium gives each of its characters
                get_matrix(tp, i, mat_at)   # the object's matrix (cpdf_textpage.cpp)
                a, b, c, d = mat.a, mat.b, mat.c, mat.d
                matrix = (a, b, c, d, mat.e, mat.f)
                em = fs * hypot(c, d)
                upright = 0 < a * d and b * c <= 0      # pdfminer's definition
                if turned:
                    up = _up(c, d)
                    matrix = _mul(matrix, ctm)
                    a, b, c, d = matrix[:4]
                    upright_turned = 0 < a * d and b * c <= 0
            get_box(tp, i, box_at)
            bottom, top = box.bottom, box.top
            y0, y1 = (bottom, top) if bottom <= top else (top, bottom)
            if turned:      # the glyph's height in its own frame, then the page's turn
                left, right = box.left, box.right
                x0, x1 = (left, right) if left <= right else (right, left)
                if up == 1:
                    y1 = y0 + em
                elif up == -1:
                    y0 = y1 - em
                elif up == 2:
                    x1 = x0 + em
                elif up == -2:
                    x0 = x1 - em
                append(Glyph(chr(u), *_rect(ctm, x0, y0, x1, y1), mode, em, gs,
                             upright_turned, matrix, i))
                continue
            if upright:     # pdfminer: from the descent up one font size
                y1 = y0 + em
            append(Glyph(chr(u), box.left, y0, box.right, y1, mode, em, gs, upright, matrix, i))

    return glyphs


def _object_walker(api: _Api, by_obj: dict, placed: set, glyphs, append):
    """A function that walks page objects in painting order (into form objects, 12 deep):
    each text object's glyphs once (`placed`), filled paths and images to the page's items."""
    get_type = api.FPDFPageObj_GetType

    def walk(count, get, parent, ctm, depth):
        for j in range(count):
            obj = get(parent, j)
            kind = get_type(obj)
            if kind == TEXT:
                if obj in by_obj and obj not in placed:
                    placed.add(obj)
                    glyphs(obj)
            elif kind == PATH:
                shape = _path_shape(api, obj, ctm)
                if shape:
                    append(("fill", shape[0], _color(api, api.FPDFPageObj_GetFillColor, obj),
                            shape[1]))
            elif kind == IMAGE:
                b = _image_box(api, obj, ctm)
                if b:
                    append(("image", b))
            elif kind == FORM and depth < 12:
                walk(api.FPDFFormObj_CountObjects(obj), api.FPDFFormObj_GetObject, obj,
                     _mul(_obj_matrix(api, obj), ctm), depth + 1)

    return walk


def page_ctm(plumber_page) -> tuple | None:
    """The matrix from the page's PDF coordinates to pdfminer's (its PDFPageInterpreter: the
    page's /Rotate turns the media box so that its lower-left corner is the origin), or None
    when pdfplumber's coordinates are not that matrix and a flip alone (a media box not at the
    origin, which pdfplumber shifts back): then the read stage uses pdfplumber for the page."""
    po = plumber_page.page_obj
    x0, y0, x1, y1 = po.mediabox
    if abs(x0) >= 1e-6 or abs(y0) >= 1e-6:
        return None
    rotate = po.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return IDENTITY


def fast_page_ok(plumber_page) -> bool:
    """Pages pdfium reads in pdfplumber's coordinates (see page_ctm)."""
    return page_ctm(plumber_page) is not None


def _up(c, d) -> int:
    """Where a glyph's up (text space (0, 1) -> (c, d)) points on the page: 1 +y, -1 -y,
    2 +x, -2 -x, 0 slanted."""
    if abs(c) < 1e-9:
        return 1 if d > 0 else -1
    if abs(d) < 1e-9:
        return 2 if c > 0 else -2
    return 0


def _rect(m, x0, y0, x1, y1) -> tuple:
    """Box (x0, y0, x1, y1) through an affine matrix: the box around its corners."""
    pts = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def char_dicts(glyphs: list, page_height: float) -> list[dict]:
    """Glyphs -> pdfplumber-style char dicts (top-left origin) for its word extractor."""
    return [{"text": g.text, "x0": (x0 := g.x0), "x1": (x1 := g.x1),
             "top": (top := page_height - g.y1), "bottom": (bottom := page_height - g.y0),
             "doctop": top, "upright": g.upright, "matrix": g.matrix,
             "width": x1 - x0, "height": bottom - top, "object_type": "char"}
            for g in glyphs]
