"""Item tables, part 2: the lines under a matched header -> item rows (with their columns).

`table_rows` walks every page's lines: a header row (extractors/items_header.py) opens a table;
each following line with an amount in the driver column is an item row, lines without one
continue the item above or below; carry lines, discount/charge lines and amounts per unit are
not items; a totals line, another table's header or a wide gap ends the table, and a table
open at a page's end continues on the next page. The rows are mapped to the schema's item
fields by extractors/items.py (`_table_items`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

from extractors.locate.item_header import (Column, driver_column, has_amount, header_columns,
                                           is_amount, match_header)
from extractors.locate.page_index import PageIndex, looks_like_label
from extractors.lexicon import label_tokens
from extractors.read.layout import layout_words
from extractors.types import Document, FieldSpec, Page
from extractors.locate import settings

CARRY = re.compile(r"\b(carried|brought)\s+(forward|over)\b|\bcarry\s+forward\b|\bcarried\s+over\b|"
                   r"\bübertrag\b|\bvortrag\b|\bcontinued\b|\bfortsetzung\b|\breport\b|"
                   r"\bà reporter\b|\breporté\b|\bpage\s+(sub)?total\b|\bsubtotal this page\b|"
                   r"\bzwischensumme\b", re.I)


def _line_words(idx: PageIndex, li: int):
    return sorted(idx.by_line.get(li, []), key=lambda w: w.x0)


def _assign(words, cols: list[Column], text_cols: set = frozenset(), text: str = "") -> dict:
    """Words of a line -> column index (most horizontal overlap, else the nearest column). A
    word printed right after a text column's word (one space, no column gap) stays in that
    column: a long address or description runs on under the next header."""
    out: dict[int, list] = {}
    prev, prev_ci = None, None
    for w in words:
        best, best_ov = None, None
        for ci, c in enumerate(cols):
            ov = min(c.x1, w.x1) - max(c.x0, w.x0)
            if best_ov is None or ov > best_ov:
                best, best_ov = ci, ov
        if prev is not None and prev_ci in text_cols and best != prev_ci and \
                text[prev.end:w.start] == " ":
            best = prev_ci
        out.setdefault(best, []).append(w)
        prev, prev_ci = w, best
    return out


RATE_UNIT = re.compile(r"^[€$£]?/\s?\w|^(per|pro|je|par)$", re.I)


def _is_rate(w, words) -> bool:
    """An amount printed per unit ("0,03 €/Stk.", "12.00 /h", "4.50 per kg") is a price or a
    discount rate, not a line total."""
    after = [x for x in words if x.x0 >= w.x1 - 0.5]
    nxt = min(after, key=lambda x: x.x0, default=None)
    if re.search(r"/\s?[A-Za-z]", w.text):
        return True
    return nxt is not None and nxt.x0 - w.x1 < 2 * (w.bottom - w.top) and \
        bool(RATE_UNIT.search(nxt.text))


ALLOWANCE = re.compile(
    r"^(abzgl|abzüglich|zzgl|zuzüglich)\b|"
    r"(rabatt|nachlass|abschlag|zuschlag|skonto)\b|"       # German compounds: "Artikelrabatt"
    r"\b(discount|allowance|rebate|surcharge|remise|rabais|ristourne|escompte|majoration)\b",
    re.I)


def _allowance(words, by_col: dict, got: dict, kinds: dict) -> bool:
    """A line with an amount that takes off or adds to an item or the total ("abzgl. 16,7%
    Rabatt  -2,00", "zzgl. Versandkosten  5,80", "Discount 10%  -5.00", "Remise  -3,00"):
    it names a discount or a charge and, where the table counts units, has no count."""
    counts = [ci for n, ci in got.items() if kinds[n] == "number"]
    if any(re.search(r"\d", w.text) for ci in counts for w in by_col.get(ci, [])):
        return False
    text = " ".join(re.sub(r"[\d.,%]+", " ", w.text) for w in words)
    return bool(ALLOWANCE.search(" ".join(text.split())))


def _other_header(idx: PageIndex, li: int) -> bool:
    """A row of three or more short label cells with no values: another table begins."""
    cells = idx.row_cells(li)
    if len(cells) < 3:
        return False
    texts = [" ".join(w.text for w in c) for c in cells]
    return all(len(t.split()) <= 4 and (looks_like_label(t) or re.fullmatch(r"[%#№]", t)) and
               not re.search(r"\d", re.sub(r"\d+(?:[.,]\d+)?\s?%", "", t))   # "USt. 19 %"
               for t in texts)


def _stop_line(idx: PageIndex, li: int, stop_labels: tuple, desc_col: int | None, cols) -> bool:
    """A line with a short cell naming one of the parent's totals word for word ("Summe netto",
    "Nettobetrag", "Subtotal", "Total"; a compound such as "Bruttopreis" is not "brutto"): the
    table has ended (a payment note may share the line, left of the totals)."""
    if not stop_labels:
        return False
    phrases = _stop_phrases(stop_labels)
    cells = idx.row_cells(li)
    if not has_amount(idx.by_line.get(li, [])):
        return False   # a totals line prints its amount; a note in an item may name a tax
    if sum(1 for c in cells if any(re.search(r"\d", w.text) for w in c)) > 2:
        return False   # an item row (quantity, price, tax rate, amount), not a totals line
    for cell in cells:
        toks = label_tokens(" ".join(w.text for w in cell if not re.search(r"\d", w.text)))
        if not toks or len(toks) > 5:
            continue
        for ph in phrases:
            n = len(ph)
            if any(toks[i:i + n] == ph for i in range(len(toks) - n + 1)):
                return True
    return False


_PHRASES: dict = {}


def _stop_phrases(labels: tuple) -> list:
    if labels not in _PHRASES:
        _PHRASES[labels] = [t for t in {label_tokens(lab) for lab in labels} if t]
    return _PHRASES[labels]


@dataclass
class _Row:
    page: object
    line: int
    words: dict   # column index -> words on the driver line
    pre: list = field(default_factory=list)    # (page, line, words by column) above the row
    post: list = field(default_factory=list)   # ... below it


def _table_index(page, idx: PageIndex) -> PageIndex:
    """The page's lines for reading tables. Rotated text (a watermark or margin note printed
    upwards, many line heights tall) can stretch a line over half the page and swallow the
    table rows beside it: such words are set aside and the others grouped into lines again.
    Each new word keeps its page word (`src`, for evidence); `src_lines` maps a new line to the
    page's lines it holds."""
    tall = 3 * idx.line_height
    if page.ocr or not any(w.bottom - w.top > tall for w in page.words):
        return idx
    copies = []
    for w in page.words:
        if w.bottom - w.top <= tall:
            c = dc_replace(w)
            c.src = w
            copies.append(c)
    text, words = layout_words(copies)
    new = PageIndex(Page(page.number, text, words, page.width, page.height))
    new.src_lines = {}
    for w in words:
        new.src_lines.setdefault(w.line, set()).add(w.src.line)
    return new


def _mark(regions: set, page, idx: PageIndex, li: int) -> None:
    """Line li of idx is part of the items: record it as the page's line(s)."""
    src = getattr(idx, "src_lines", None)
    for line in (src.get(li, ()) if src is not None else (li,)):
        regions.add((page.number, line))


@dataclass
class _Scan:
    """Where `table_rows` stands: the rows and item lines found so far, and the open table
    (columns, sub-field -> column, driver field), if any, with what its next line needs."""
    rows: list = field(default_factory=list)     # (_Row, columns, sub-field -> column)
    regions: set = field(default_factory=set)    # (page, line) read as part of the items
    active: tuple | None = None
    fills: list = field(default_factory=list)    # header columns each row of the table fills
    carried: int = 0    # lines read under a table carried over from the previous page
    pending: list = field(default_factory=list)  # lines without an amount, awaiting a row
    last_bottom: float | None = None

    def new_page(self) -> None:
        """A table still open at the end of the previous page continues on this one."""
        self.carried = 1 if self.active is not None else 0
        self.pending = []
        self.last_bottom = None

    def open(self, table: tuple) -> None:
        """A header opens a table."""
        self.active = table
        self.pending, self.last_bottom, self.carried, self.fills = [], None, 0, []


def table_rows(doc: Document, idxs, subs: list[FieldSpec], stop_labels: tuple):
    """All item rows of all item tables of the document, with the columns they were read under."""
    scan = _Scan()
    kinds = {x.name: x.kind for x in subs}
    tidxs = [_table_index(page, idx) for page, idx in zip(doc.pages, idxs)]
    for pi, (page, idx) in enumerate(zip(doc.pages, tidxs)):
        nxt = tidxs[pi + 1] if pi + 1 < len(tidxs) else None
        li, n = 0, len(idx.lines)
        scan.new_page()
        while li < n:
            li = _read_line(scan, page, idx, li, nxt, subs, kinds, stop_labels)
    return scan.rows, scan.regions


def _read_line(scan: _Scan, page, idx: PageIndex, li: int, nxt, subs: list[FieldSpec],
               kinds: dict, stop_labels: tuple) -> int:
    """Line li of the page: a header opening a table, or a line of the open table. Returns the
    next line to read (li again when the line ended the table: it may open another)."""
    words = _line_words(idx, li)
    if not words:
        return li + 1
    if scan.active is None or not has_amount(words):
        header = _header(page, idx, li, nxt, words, subs)
        if header is not None:
            cols, got, drv, folded = header
            scan.open((cols, got, drv))
            for k in range(folded + 1):
                _mark(scan.regions, page, idx, li + k)
            return li + folded + 1
    if scan.active is None:
        return li + 1
    return _table_line(scan, page, idx, li, words, kinds, stop_labels)


def _header(page, idx: PageIndex, li: int, nxt, words, subs: list[FieldSpec]):
    """Line li (with the lines folded under it) as the header of an item table: (columns, each
    matched sub-field's column, the driver field, how many lines are folded in), or None."""
    cols, folded = header_columns(idx, li, nxt) if not has_amount(words) else ([], 0)
    got = match_header(cols, subs) if len(cols) >= 2 else {}
    drv = driver_column(subs, got)
    kinds = {x.name: x.kind for x in subs}
    if drv is None and len(got) >= 2 and cols:
        # no header names the line total: it is the rightmost column (or right of
        # the last header cell, when its header is printed elsewhere)
        drv = next((x.name for x in subs if x.kind == "money" and x.required), None)
        if drv is not None:
            last = max(range(len(cols)), key=lambda i: cols[i].x1)
            owner = next((n_ for n_, c in got.items() if c == last), None)
            if owner is not None and kinds[owner] == "money":
                # a price named last ("Prix HT") is the line's amount: the
                # rightmost money column of an item table is its total
                del got[owner]
            elif last in got.values():
                cols.append(Column(cols[last].x1 + 1, page.width or
                                   cols[last].x1 + 80, ""))
                last = len(cols) - 1
            got[drv] = last
    # an item table names what each row is (a description, an account) and its
    # amount; a tax or discount breakdown ("Satz  Nettopreis  Betrag") does not
    if drv is not None and len(got) >= 2 and \
            any(kinds[n_] in ("text", "id") for n_ in got):
        for name, ci in got.items():
            cols[ci].fields.append(name)
        return cols, got, drv, folded
    return None


def _table_line(scan: _Scan, page, idx: PageIndex, li: int, words, kinds: dict,
                stop_labels: tuple) -> int:
    """Line li under the open table: a row (it has an amount in the driver column), a line
    of the row above or below, a carry, discount or charge line, or the table's end. Returns
    the next line to read, as `_read_line`."""
    cols, got, drv = scan.active
    text = idx.lines[li]
    top = min(w.top for w in words)
    if scan.last_bottom is not None and top - scan.last_bottom > settings.GAP_LINES * idx.line_height:
        scan.active = None
        return li
    if CARRY.search(text):
        _mark(scan.regions, page, idx, li)
        return li + 1
    if _other_header(idx, li) or _stop_line(idx, li, stop_labels, got.get("description"), cols):
        scan.active = None
        return li
    by_col = _assign(words, cols, {got[n_] for n_ in got if kinds[n_] == "text"},
                     idx.page.text)
    drv_words = [w for w in by_col.get(got[drv], []) if is_amount(w)
                 and not _is_rate(w, words)]
    if scan.carried and not drv_words:
        # a page without its own header: a running head and the last item's
        # continuation lines (description, notes) may precede the rows, not more
        scan.carried += 1
        if scan.carried > 8:
            scan.active, scan.pending = None, []
            return li
    elif scan.carried and drv_words:
        # the first row on a page without its own header fills the table's columns
        # like the rows before it did (one may be left for the next line: a description
        # printed below); fewer (an account's charges under an index of accounts): the
        # table ended with the previous page
        if _filled(by_col) < min(scan.fills, default=0) - 1:
            scan.active, scan.pending = None, []
            return li
        scan.carried = 0
    if drv_words and _allowance(words, by_col, got, kinds):
        _mark(scan.regions, page, idx, li)   # a discount or charge line, no item
        scan.last_bottom = max(w.bottom for w in words)
        return li + 1
    rows = scan.rows
    if drv_words:
        scan.fills.append(_filled(by_col))
        row = _Row(page, li, by_col, pre=scan.pending)
        scan.pending = []
        rows.append((row, cols, got))
    elif rows and rows[-1][0].page is page and not scan.pending and \
            _close(rows[-1][0], li, idx) and \
            (scan.last_bottom is None or top - scan.last_bottom <= 1.5 * idx.line_height):
        rows[-1][0].post.append((page, li, by_col))
    else:
        scan.pending.append((page, li, by_col))
        if len(scan.pending) > 8:   # a long run of lines without an amount: not the table
            scan.pending.pop(0)
    _mark(scan.regions, page, idx, li)
    scan.last_bottom = max(w.bottom for w in words)
    return li + 1


def _filled(by_col: dict) -> int:
    return sum(1 for ws in by_col.values() if ws)


def _last_line(row: _Row) -> int:
    return row.post[-1][1] if row.post else row.line


def _close(row: _Row, li: int, idx: PageIndex) -> bool:
    return li - _last_line(row) == 1

