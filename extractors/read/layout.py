"""Words -> lines: words with boxes grouped into lines by position, and the page text built
from them with each word's character span (a wide gap on a line becomes types.COLUMN_GAP)."""
from __future__ import annotations

from extractors.types import COLUMN_GAP, Word


def char_xs(w: dict) -> tuple:
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
