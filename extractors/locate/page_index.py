"""A page's lines, cells and labels, indexed: Page -> PageIndex (which words a span covers, the
label printed left of or above a value, the section heading over it, the row's first cell), and
a printed span -> a Candidate with its box and labels (`make_candidate`)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from extractors.types import COLUMN_GAP, Candidate, Page

LEGAL_FORM = re.compile(r"\b(gmbh|inc|llc|ltd|corp|kg|sarl|plc|pllc|s\.?a\.?s|b\.?v|ag|a\.g|e\.k|s\.a|e\.v|"
                        r"gbr|ohg|ug|se|srl|spa|n\.?v|co)\.?\s*$", re.I)


WORD_RE = re.compile(r"[a-zà-ÿ0-9]+", re.I)


def _words_in(page: Page, start: int, end: int):
    return [w for w in page.words if w.end > start and w.start < end]


def _bbox(words, start: int | None = None, end: int | None = None
          ) -> tuple[float, float, float, float]:
    """The box of the text span [start, end) over these words: words the span covers only in
    part ("01.07.2018," for the date) are cut at the span's characters."""
    x0 = min(w.x0 for w in words)
    x1 = max(w.x1 for w in words)
    if start is not None:
        first, last = min(words, key=lambda w: w.start), max(words, key=lambda w: w.end)
        a = _char_x(first, start - first.start) if start > first.start else first.x0
        b = _char_x(last, end - last.start) if end < last.end else last.x1
        if first is last:
            x0, x1 = min(a, b), max(a, b)
        else:   # over lines, or a page read upside down: the first word need not be leftmost
            xs = [a, first.x1, last.x0, b] + [x for w in words if w is not first and w is not last
                                               for x in (w.x0, w.x1)]
            x0, x1 = min(xs), max(xs)
    return (x0, min(w.top for w in words), x1, max(w.bottom for w in words))


def _char_x(w, i: int) -> float:
    """x of the left edge of character i of word w (its right edge when i == len)."""
    if len(w.xs) == len(w.text) + 1:
        return w.xs[i]
    return w.x0 + (w.x1 - w.x0) * i / max(len(w.text), 1)   # OCR words: proportional


# words that only introduce a value ("... 83419233 du 01.09.2016", "Nr. 4711 vom 3.5.2018")
CONNECTIVES = frozenset("du vom dated of from le am del dal of the".split())
# a line ending in a word that introduces a value ("... Nr. 4711 vom", "Invoice 12 dated"):
# the value printed first on the next line is that line's
WRAPPED_LABEL_END = re.compile(r"\S\s+(?:vom|dated|du|en date du)\s*$", re.I)


class PageIndex:
    """Line lookups for one page: line text, label to the left, label above."""

    def __init__(self, page: Page):
        self.page = page
        self.line_starts = [0]
        for i, ch in enumerate(page.text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.lines = page.text.split("\n")
        self.by_line: dict[int, list] = {}
        self._cell_cache: dict[int, list] = {}
        heights = sorted(w.bottom - w.top for w in page.words)
        self.line_height = heights[len(heights) // 2] if heights else 10.0
        for w in page.words:
            self.by_line.setdefault(w.line, []).append(w)
        self._starts = [w.start for w in page.words]
        self._max_end, top = [], -1   # running max of word ends: words before i end by then
        for w in page.words:
            top = max(top, w.end)
            self._max_end.append(top)
        self._sorted = all(a <= b for a, b in zip(self._starts, self._starts[1:]))
        self._sections: dict[int, str] = {}

    def words_in(self, start: int, end: int) -> list:
        """The page's words overlapping the span [start, end), in page order (_words_in)."""
        if not self._sorted:
            return _words_in(self.page, start, end)
        lo = bisect_right(self._max_end, start)   # words before lo all end at or before start
        hi = bisect_left(self._starts, end)       # words from hi on start at or after end
        return [w for w in self.page.words[lo:hi] if w.end > start and w.start < end]

    def section(self, li: int, reach: int = 8) -> str:
        """The nearest heading above line li: a short line of label words with no value on it
        ("Verkäufer", "Bill To:", "Käufer/Leistungsempfänger"), within `reach` lines."""
        if reach == 8:
            got = self._sections.get(li)
            if got is None:
                got = self._sections[li] = self._section(li, reach)
            return got
        return self._section(li, reach)

    def _section(self, li: int, reach: int) -> str:
        for j in range(li - 1, max(li - 1 - reach, -1), -1):
            text = self.lines[j].strip()
            if text and COLUMN_GAP not in text and len(text.split()) <= 4 and \
                    not re.search(r"\d", text) and looks_like_label(text):
                return text
        return ""

    def line_of(self, pos: int) -> int:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def left_label(self, start: int) -> str:
        """The text printed just left of a value, if it reads like a label (not a value)."""
        li = self.line_of(start)
        seg = self.page.text[self.line_starts[li]:start].rstrip()
        if not seg and li > 0 and WRAPPED_LABEL_END.search(self.lines[li - 1]):
            # "Rechnung Nr. 4711 vom" / "11.03.2018": a label wrapped before its value
            seg = self.lines[li - 1].rstrip()
        if not seg or seg.endswith("("):   # "Handelsrechnung (380)": an aside, not the value
            return ""
        cells = [x.strip() for x in seg.split(COLUMN_GAP) if x.strip()]
        label = cells[-1] if cells else ""
        if label in (":", "=") and len(cells) > 1:   # "Beleg-Nr   : R876": the colons in a column
            label = cells[-2] + label
        if len(label) > 60:   # keep the words next to the value, whole; asides explain only
            label = re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", " ", label)).strip()
            cut = label[-60:]
            label = cut if len(label) <= 60 or not label[-61].isalnum() else cut.partition(" ")[2]
            if not label:
                return ""
        if looks_like_label(label):
            return label
        # "Invoice No. 181301674 dated" -> "Invoice No. dated": values inside a label run are
        # not part of it; but a value printed right before this one ("Total: 100.00 EUR")
        # leaves this one without a label
        if re.search(r"\d", label.split()[-1]):
            return ""
        bare = " ".join(t for t in re.sub(r"\([^)]*\)", " ", label).split()
                        if not re.search(r"\d", t))
        if bare.lower() in CONNECTIVES and len(cells) > 1 and looks_like_label(cells[-2]):
            bare = f"{cells[-2]} {bare}"   # "N° facture   83419233 du": the invoice's date
        return bare if bare and looks_like_label(bare) else ""

    def row_cells(self, li: int) -> list[list]:
        """The words of line li grouped into cells (split where the page text has a column gap)."""
        if li in self._cell_cache:
            return self._cell_cache[li]
        cells: list[list] = []
        for w in sorted(self.by_line.get(li, []), key=lambda w: w.x0):
            if cells and self.page.text[cells[-1][-1].end:w.start] != COLUMN_GAP:
                cells[-1].append(w)
            else:
                cells.append([w])
        self._cell_cache[li] = cells
        return cells

    def above_label(self, words, bbox, reach: int = 8) -> str:
        """The column header above a value in a form or table: walking up from the value's line,
        the first overlapping cell that reads like a label; cells holding values (other rows of
        the same column) are passed over, anything else stops the walk."""
        if not words:
            return ""
        li = words[0].line
        x0, _, x1, _ = bbox
        for back in range(1, reach + 1):
            best, best_ov = None, -1e9
            for cell in self.row_cells(li - back):
                cx0, cx1 = cell[0].x0, cell[-1].x1
                if cx1 < x0 - 5 or cx0 > x1 + 5:
                    continue
                ov = min(cx1, x1) - max(cx0, x0)
                if ov > best_ov:
                    best, best_ov = cell, ov
            if best is None:
                if back >= 2:
                    return ""
                continue
            text = " ".join(w.text for w in best)[:80]
            if looks_like_label(text):
                # past other rows, only a header cell counts, not a "Label: value" pair
                return "" if back > 2 and re.search(r":\s*\S", text) else text
            if not re.search(r"\d", text) or sum(ch.isalpha() for ch in text) > 3:
                return ""   # only cells holding values (the column's other rows) are passed over
        return ""

    def heading_above(self, words, bbox, reach: int = 4) -> str:
        """The heading cell of a block in a column ("Lieferant" over "GLN 4012345000009" over
        "BEISPIEL HANDEL GMBH"): walking up the overlapping cells past lines holding numbers,
        the first digit-free cell that reads like a label."""
        if not words:
            return ""
        li = words[0].line
        x0, _, x1, _ = bbox
        for back in range(1, reach + 1):
            if li - back < 0:
                return ""
            cells = [c for c in self.row_cells(li - back)
                     if not (c[-1].x1 < x0 - 5 or c[0].x0 > x1 + 5)]
            texts = [" ".join(w.text for w in c)[:80] for c in cells]
            if any(re.search(r"\d", t) for t in texts) or re.search(r":\s*\S", self.lines[li - back]):
                continue   # "GLN 4012345000009", "Nummer   : 123456": the block's numbers
            if not cells:   # a heading alone on its line, left of an indented block
                row = self.row_cells(li - back)
                if len(row) == 1 and row[0][0].x0 <= x0:
                    text = " ".join(w.text for w in row[0])[:80]
                    return text if looks_like_label(text) and len(text.split()) <= 4 else ""
            if len(cells) != 1:
                return ""
            text = texts[0]
            return text if looks_like_label(text) and len(text.split()) <= 4 else ""
        return ""

    def row_label(self, li: int, start: int) -> str:
        """The first cell of a table row when it reads like a label ("Totals   106   $73,200.00")."""
        cells = self.row_cells(li)
        if len(cells) < 2 or cells[0][-1].end >= start:
            return ""
        text = " ".join(w.text for w in cells[0])[:60]
        return text if looks_like_label(text) else ""


@lru_cache(maxsize=100000)
def looks_like_label(text: str) -> bool:
    """Labels are mostly letters ("Invoice #", "VAT 21%", "33a. NPI"), not values or sentences."""
    core = re.sub(r"\d+(?:[.,]\d+)?\s?%|^\d{1,2}[a-z]?\.?\s", "", text.strip())
    letters = sum(ch.isalpha() for ch in core)
    digits = sum(ch.isdigit() for ch in core)
    # a parenthesised hint ("(Last Name, First Name, Middle Initial)") explains, it is no value
    words = len(re.sub(r"\([^)]*\)?", "", text).split())
    if LEGAL_FORM.search(text):   # "Beispiel Handel GmbH" is a name, not a label
        return False
    return letters >= 2 and digits <= letters / 3 and words <= 8


def make_candidate(page, idx: PageIndex, start, end, value, text) -> Candidate | None:
    words = idx.words_in(start, end)
    if not words:
        return None
    bbox = _bbox(words, start, end)
    tall = bbox[3] - bbox[1]
    if tall > 3 * idx.line_height and tall > bbox[2] - bbox[0] and not page.ocr:
        return None   # rotated or stacked glyphs (side margins, watermarks): no reliable box
    # (a headline printed large, "Amount due  $0.00", is wider than tall: it stays)
    li = idx.line_of(start)
    height = page.height or max((w.bottom for w in page.words), default=1.0) or 1.0
    return Candidate(value, text, page.number, start, end, bbox, idx.lines[li].strip()[:160],
                     idx.left_label(start), idx.above_label(words, bbox), idx.section(li),
                     idx.row_label(li, start), rel_top=min(bbox[1] / height, 1.0),
                     flags={"ocr"} if page.ocr else set())


def index_for(page: Page, idxs: dict | None) -> PageIndex:
    """The page's PageIndex, built once per page when `idxs` (id(page) -> index) is given."""
    if idxs is None:
        return PageIndex(page)
    idx = idxs.get(id(page))
    if idx is None or idx.page is not page:
        idx = idxs[id(page)] = PageIndex(page)
    return idx
