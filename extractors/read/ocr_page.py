"""OCR of one page image: RapidOCR's detected lines -> words with boxes in PDF points, laid out
in reading order with character spans (as read.py lays out a text layer's words).

- Orientation: a page scanned sideways or upside down (no /Rotate: shown that way) is turned
  upright before it is read: most long lines running vertically mean a quarter turn, and the
  wheel's orientation classifier on the longest lines tells which one, or upside down.
- Skew: lines group on deskewed positions, so a slightly rotated scan still reads line by line.
- Rows: each detected line joins the row of its nearest aligned neighbour, never overlapping a
  line already in it, so a tall logo does not swallow the tightly set rows of a form beside it
  and a drifting baseline keeps a label and its value on one row.
- Words: a line's space-separated tokens, with boxes from their own characters; split where the
  recognizer dropped a space after punctuation, or around the dash of a date range.
Boxes stay on the page as rendered (a sideways page has tall word boxes), so evidence sits on
the printed value.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from extractors.read import settings
from extractors.read.layout import layout_words
from extractors.types import Word

ROW_STRIDE = 10000.0        # rows are laid out this far apart (grouping is done by then)
SLASH_DATE = r"\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})"
JOINED_RANGE = re.compile(rf"({SLASH_DATE})?([-–—~])({SLASH_DATE})?")


def _skew(lines) -> float:
    """The page's rotation (radians), from the top edges of the detected text lines: long lines
    measure it best (short ones often come back as upright rectangles), so it is the
    width-weighted mean over lines at least 8 times wider than tall (3 times, if none is)."""
    for ratio in (8, 3):
        num = den = 0.0
        for box in lines:
            (x0, y0), (x1, y1) = box[0], box[1]
            width, hgt = x1 - x0, math.dist(box[0], box[3])
            if hgt > 0 and width > ratio * hgt:
                num += width * math.atan2(y1 - y0, width)
                den += width
        if den:
            return num / den
    return 0.0


def _split_missed_space(tok: str, glyphs: list, line_h: float) -> list[list]:
    """A token's glyphs, split where the recognizer dropped the space after punctuation: "A."
    and "E66.9" printed apart but read as "A.E66.9" (a gap after . , : ; before a letter or
    digit that is a space wide, unlike "I.D." or "www.example.com")."""
    parts, cur = [], [glyphs[0]]
    for a, b in zip(glyphs, glyphs[1:]):
        gap = min(p[0] for p in b[1]) - max(p[0] for p in a[1])
        if a[0] in ".,:;" and b[0].isalnum() and gap >= settings.MISSED_SPACE * line_h:
            parts.append(cur)
            cur = []
        cur.append(b)
    return parts + [cur]


def _split_range(word: tuple[str, list, list]) -> list[tuple[str, list, list]]:
    """A date range read as one word ("05/27/20-06/02/20": the recognizer drops the spaces
    around a dash), or a date with the range's dash stuck to it ("01/28/20-", "-02/03/20") ->
    the dates and the dash as words of their own, each with its share of the box."""
    text, box, lefts = word
    m = JOINED_RANGE.fullmatch(text)
    if not m or not (m.group(1) or m.group(3)):
        return [word]
    (x0, y0), (x1, _), (_, y1) = box[0], box[1], box[2]
    if len(lefts) != len(text) + 1:
        lefts = [x0 + (x1 - x0) * i / len(text) for i in range(len(text) + 1)]
    out = []
    for g in (1, 2, 3):
        if m.group(g):
            a, b = m.span(g)
            out.append((text[a:b], [[lefts[a], y0], [lefts[b], y0], [lefts[b], y1],
                                    [lefts[a], y1]], list(lefts[a:b + 1])))
    return out


def _line_words(line_box, line_text: str, chars) -> list[tuple[str, list, list]]:
    """One detected line -> [(word, quad, left edge of each character + right edge)]. Words are the line's space-separated tokens; their
    boxes span their own characters' boxes (the engine's word boxes run on to the next word,
    which would hide the column gaps inside a line). Without usable character boxes the line
    box is shared out by character count."""
    glyphs = [(t, b) for t, _s, b in (chars or []) if b is not None and t.strip()]
    tokens = line_text.split()
    if glyphs and len(glyphs) == sum(len(t) for t in tokens):
        line_h = max(p[1] for p in line_box) - min(p[1] for p in line_box)
        out, k = [], 0
        for tok in tokens:
            for part in _split_missed_space(tok, glyphs[k:k + len(tok)], line_h):
                xs = [p[0] for _t, b in part for p in b]
                ys = [p[1] for _t, b in part for p in b]
                lefts = [min(p[0] for p in b) for _t, b in part] + [max(xs)]
                out.append(("".join(t for t, _b in part),
                            [[min(xs), min(ys)], [max(xs), min(ys)], [max(xs), max(ys)],
                             [min(xs), max(ys)]], lefts))
            k += len(tok)
        return out
    (x0, y0), (x1, _), (_, y1) = line_box[0], line_box[1], line_box[2]
    n = max(len(line_text), 1)
    out, pos = [], 0
    for tok in tokens:
        i = line_text.index(tok, pos)
        pos = i + len(tok)
        a, b = x0 + (x1 - x0) * i / n, x0 + (x1 - x0) * pos / n
        out.append((tok, [[a, y0], [b, y0], [b, y1], [a, y1]], []))
    return out


def ocr_image(img, width_pt: float, height_pt: float) -> tuple[str, list[Word]]:
    """OCR one page image (numpy BGR) -> (page text, words with spans), boxes in PDF points."""
    import numpy as np
    res = _recognize(img)
    if res.txts is None or res.boxes is None:
        return "", []
    oh, ow = img.shape[:2]
    sx, sy = width_pt / ow, height_pt / oh
    turns = _upright_turns(img, res.boxes)
    if turns:       # a page scanned sideways or upside down: read it upright
        img = np.ascontiguousarray(np.rot90(img, turns))
        res = _recognize(img)
        if res.txts is None or res.boxes is None:
            return "", []
    ih, iw = img.shape[:2]
    angle = _skew(res.boxes)
    cos, sin = math.cos(-angle), math.sin(-angle)
    cx, cy = iw / 2, ih / 2
    frags = []     # per detected line: its words, as printed and on the deskewed page
    for line_box, line_text, chars in zip(res.boxes, res.txts, res.word_results):
        lb = line_box.tolist()
        line_mid = (min(p[1] for p in lb) + max(p[1] for p in lb)) / 2
        line_half = (max(p[1] for p in lb) - min(p[1] for p in lb)) / 2 * settings.BOX_SHRINK
        words, upright = [], []
        for text, box, lefts in (part for word in _line_words(lb, line_text, chars)
                                  for part in _split_range(word)):
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            # the word's own height is its characters' (a "." is short): use its line's, which
            # detection pads to about 1.36x the glyph height pdfplumber reports
            my = line_mid if abs((min(ys) + max(ys)) / 2 - line_mid) < line_half else \
                (min(ys) + max(ys)) / 2
            hh = line_half
            if turns:   # its box on the page as printed (sideways text: a tall box)
                corners = [_unturn(x, y, turns, ow, oh) for x, y in
                           ((min(xs), my - hh), (max(xs), my - hh), (max(xs), my + hh),
                            (min(xs), my + hh))]
                px, py = [c[0] for c in corners], [c[1] for c in corners]
                w = Word(text, min(px) * sx, min(py) * sy, max(px) * sx, max(py) * sy)
            else:
                w = Word(text, min(xs) * sx, (my - hh) * sy, max(xs) * sx, (my + hh) * sy,
                         xs=tuple(round(x * sx, 2) for x in lefts)
                         if len(lefts) == len(text) + 1 else ())
            # the same word on a deskewed page: lines group by these positions
            mx, my = (min(xs) + max(xs)) / 2 - cx, my - cy
            ux, uy = cx + mx * cos - my * sin, cy + mx * sin + my * cos
            hw = (max(xs) - min(xs)) / 2
            # 0.1 pt narrower: layout_words joins words whose boxes touch (a text-layer
            # artifact), and OCR's words are already split where the text has a space
            upright.append(Word(w.text, (ux - hw) * sx + 0.1, (uy - hh) * sy,
                                (ux + hw) * sx - 0.1, (uy + hh) * sy))
            words.append(w)
        if words:
            frags.append((words, upright))
    # one page line per row of detected lines; layout_words then only orders and spaces them
    words, upright = [], []
    for ri, row in enumerate(_rows([u for _w, u in frags])):
        hgt = sorted(frags[i][1][0].bottom - frags[i][1][0].top for i in row)[len(row) // 2]
        for i in row:
            for w, u in zip(*frags[i]):
                u.top, u.bottom = ri * ROW_STRIDE, ri * ROW_STRIDE + hgt
                words.append(w)
                upright.append(u)
    real = {id(u): w for u, w in zip(upright, words)}
    text, laid = layout_words(upright)     # returns the same Word objects, with spans
    return text, [replace(real[id(u)], text=u.text, start=u.start, end=u.end, line=u.line)
                  for u in laid]


def _recognize(img):
    from extractors.read.ocr_engine import engine
    return engine()(img, use_det=True, use_cls=False, use_rec=True, return_word_box=True,
                    return_single_char_box=True)


def _upright_turns(img, boxes) -> int:
    """Quarter turns (numpy's rot90, counter-clockwise) that bring a page's text upright: 0 for
    most pages; 1 or 3 when most long text lines run vertically (a page scanned sideways),
    2 when the orientation classifier reads most of the longest lines as upside down."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    from extractors.read.ocr_engine import engine
    dims = []
    for box in boxes:
        wd = math.dist(box[0], box[1])
        ht = math.dist(box[0], box[3])
        if max(wd, ht) >= 3 * min(wd, ht) and min(wd, ht) >= 4:
            dims.append((max(wd, ht), ht > wd, box))
    if len(dims) < 3:
        return 0
    vertical = sum(v for _l, v, _b in dims) > 0.5 * len(dims)
    dims = [d for d in dims if d[1] == vertical]
    dims.sort(key=lambda d: -d[0])
    votes = [0, 0]
    try:
        for _l, _v, box in dims[:settings.ORIENT_LINES]:
            # a tall crop comes back turned counter-clockwise: "180" then means clockwise text
            crop = get_rotate_crop_image(img, box.astype("float32"))
            out = engine()(crop, use_det=False, use_cls=True, use_rec=False)
            label, score = (out.cls_res or [("0", 0.0)])[0]
            if score >= 0.9:
                votes[label == "180"] += 1
    finally:   # the engine keeps the last call's steps: back to the whole pipeline
        engine().update_params(use_det=True, use_cls=False, use_rec=True)
    if vertical:
        return 3 if votes[1] > votes[0] else 1
    return 2 if votes[1] >= 3 and votes[1] > 2 * votes[0] else 0


def _unturn(x: float, y: float, turns: int, width: int, height: int) -> tuple[float, float]:
    """A point on the page image turned `turns` quarter turns by np.rot90 -> the same point on
    the image as rendered (width x height pixels)."""
    if turns == 1:
        return width - y, x
    if turns == 2:
        return width - x, height - y
    if turns == 3:
        return y, height - x
    return x, y


def _rows(frags: list[list[Word]]) -> list[list[int]]:
    """Detected lines (each a list of words on the deskewed page) -> rows of the page, top to
    bottom, as lists of indices. A line joins the row of its nearest neighbour to the left or
    right among the lines whose middles are within half the smaller height of its own (so a
    row may drift a little across the page, as a scanned baseline does), unless it would
    overlap one of the row's lines: a tall line (a logo, a stamp) does not swallow the rows beside it, and
    the rows of a tightly set form stay apart."""
    geo = []
    for i, ws in enumerate(frags):
        top, bottom = min(w.top for w in ws), max(w.bottom for w in ws)
        geo.append(((top + bottom) / 2, bottom - top, min(w.x0 for w in ws),
                    max(w.x1 for w in ws), i))
    geo.sort()
    rows: list[list[tuple]] = []
    for g in geo:
        mid, hgt, x0, x1, _i = g
        best, best_d = None, None
        for r in rows:
            if any(min(x1, b[3]) - max(x0, b[2]) > settings.ROW_OVERLAP * min(hgt, b[1]) for b in r):
                continue
            gap, near = min((max(b[2] - x1, x0 - b[3]), b) for b in r)   # nearest neighbour
            if abs(mid - near[0]) <= settings.ROW_TOLERANCE * min(hgt, near[1]) and \
                    (best_d is None or gap < best_d):
                best, best_d = r, gap
        if best is None:
            rows.append([g])
        else:
            best.append(g)
    rows.sort(key=lambda r: sorted(b[0] for b in r)[len(r) // 2])
    return [[b[4] for b in r] for r in rows]
