"""Repeated parts: a `list[SubModel]` field (kind "items") -> one item per printed row or block.

Two generic layouts, both found from the page layout alone (no model call):

- **Table**: a header row whose cells match the sub-fields' labels ("Description  Qty  Unit
  Price  Amount", "Beschreibung  Menge  Einzelpreis  Gesamtpreis"; headers wrapped over two
  lines are joined). The row driver is the required money sub-field (the line total): every
  following line with an amount in its column is one item; lines without one continue the
  item's description. The table ends at a line labelled like one of the parent's totals
  (net/tax/grand total) that prints an amount, at another table's header row, or at a wide
  vertical gap; at the end of a page it continues on the next page (under a repeated header,
  or under the same columns if the page has none: its first row must fill about as many columns
  as the rows before). Carry lines ("Carried forward", "Übertrag", "Brought forward"), discount
  and charge lines without a unit count ("abzgl. 10% Rabatt", "zzgl. Versandkosten", "Discount",
  "Remise") and amounts per unit ("0,03 €/Stk.") are not items. A header cell set too tight to
  show its columns ("Pos Art-Nr Beschreibung") is split where the first item row splits it;
  rotated text (a watermark printed upwards) is set aside before the lines are formed.
- **Blocks**: a section repeated once per item (the account sections of a summary bill), each
  starting at its key sub-field printed with its label ("Account Number: 8519-74679-4"); the
  other sub-fields are found inside the block by the same candidates and label ranking as
  top-level fields.

Both are tried; the layout giving more complete items wins. Every value is copied from the page
and carries evidence (page, span, box, printed text) like a top-level field. `regions` are the
(page, line) pairs the items were read from: top-level fields are not looked for there
(`top_level_pages`), which is what keeps a 150-page statement's top-level search small.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from decimal import Decimal, InvalidOperation

from price_parser import Price

from .candidates import DATE_RES, PageIndex, find_candidates, guess_dayfirst, looks_like_label
from .fields import FieldSpec
from .normalize import parse_amount, parse_date
from .rank import END_NAME, START_NAME, _tokens, label_match, rank
from .read import COLUMN_GAP, Document, Page, layout_words

HEADER_MATCH = 0.55        # label_match a header cell needs to name a sub-field's column
CLEAR_MATCH = 0.85         # ... to name it word for word ("Amount", "Total", "Gesamtpreis")
GAP_LINES = 6.0            # a vertical gap of this many line heights ends a table
CARRY = re.compile(r"\b(carried|brought)\s+(forward|over)\b|\bcarry\s+forward\b|\bcarried\s+over\b|"
                   r"\bübertrag\b|\bvortrag\b|\bcontinued\b|\bfortsetzung\b|\breport\b|"
                   r"\bà reporter\b|\breporté\b|\bpage\s+(sub)?total\b|\bsubtotal this page\b|"
                   r"\bzwischensumme\b", re.I)
AMOUNT_SHAPE = re.compile(r"\d[.,]\d{2}\)?(?:\s?[€$£]|\s?[A-Z]{3})?$|^[€$£]|[€$£]$")


@dataclass
class ItemsResult:
    items: list[dict] = field(default_factory=list)       # sub-field -> typed value
    evidence: list[dict] = field(default_factory=list)    # sub-field -> evidence dict
    regions: set = field(default_factory=set)             # (page, line) the items came from
    method: str = ""                                      # "table" | "blocks" | ""


# ------------------------------------------------------------------------------------------
# values
# ------------------------------------------------------------------------------------------
def parse_number(text: str) -> Decimal | None:
    """A printed quantity or price -> Decimal as printed (no rounding: "3,3333", "1.5 h")."""
    m = re.search(r"-?\(?\d[\d.,' ]*", text)
    if not m:
        return None
    try:
        amount = Price.fromstring(m.group().strip()).amount
        return None if amount is None else Decimal(amount)
    except (InvalidOperation, ValueError):
        return None


def _typed(spec: FieldSpec, text: str, dayfirst: bool, which: str = ""):
    text = text.strip()
    if not text:
        return None
    if spec.kind == "money":
        return parse_amount(text) if re.search(r"\d", text) else None
    if spec.kind == "number":
        return parse_number(text)
    if spec.kind == "date":
        dates = []
        for rx in DATE_RES:
            dates += [(m.start(), m.group()) for m in rx.finditer(text)]
        dates.sort()
        if not dates:
            return None
        printed = dates[-1][1] if which == "end" else dates[0][1]
        return parse_date(printed, dayfirst=dayfirst)
    return text[:spec.max_length]


def _evidence(page, words, text: str) -> dict:
    words = [getattr(w, "src", w) for w in words]   # a re-laid-out word -> the page's word
    return {"page": page.number, "start": min(w.start for w in words),
            "end": max(w.end for w in words),
            "bbox": [round(min(w.x0 for w in words), 2), round(min(w.top for w in words), 2),
                     round(max(w.x1 for w in words), 2), round(max(w.bottom for w in words), 2)],
            "text": text}


# ------------------------------------------------------------------------------------------
# tables
# ------------------------------------------------------------------------------------------
@dataclass
class Column:
    x0: float
    x1: float
    text: str
    fields: list = field(default_factory=list)   # sub-field names this column holds


def _line_words(idx: PageIndex, li: int):
    return sorted(idx.by_line.get(li, []), key=lambda w: w.x0)


def _is_amount(w) -> bool:
    """A printed money amount: digits in an amount shape ("1.000,00", "€12", "(3.50)"); a
    currency sign alone ("Einzel/€" in a header) is none."""
    return bool(re.search(r"\d", w.text) and AMOUNT_SHAPE.search(w.text))


def _has_amount(words) -> bool:
    return any(_is_amount(w) for w in words)


def _split_cell(cell: list, data_cells: list) -> list[list]:
    """A header cell set too tight to show its columns ("Pos Art-Nr-Kunde Beschreibung"), over
    which the first item row prints two or more cells ("1", "Kunstrasen") or leaves words
    without one: split where the row splits, each header word going with the row cell under
    it (words over none stay apart; two words are one label: "Unit Price", "Prix HT")."""
    if len(cell) < 2 or not data_cells:
        return [cell]
    x0, x1 = cell[0].x0, cell[-1].x1
    under = [d for d in data_cells if min(x1, d[-1].x1) - max(x0, d[0].x0) > 0]
    if not under or (len(under) == 1 and len(cell) < 3):   # "Unit Price" over "4.50"
        return [cell]
    out: list[list] = []
    prev = None
    for w in cell:   # words over no row cell (a column its rows leave empty) stay apart
        ovs = [(min(w.x1, d[-1].x1) - max(w.x0, d[0].x0)) /
               max(min(w.x1 - w.x0, d[-1].x1 - d[0].x0), 1.0) for d in under]
        k = max(range(len(under)), key=lambda i: ovs[i]) if max(ovs) > 0.3 else None
        if out and k == prev:
            out[-1].append(w)
        else:
            out.append([w])
        prev = k
    return out


def _first_row_cells(idx: PageIndex, li: int, nxt: PageIndex | None, reach: int = 8) -> list:
    """The cells of the first line with an amount within `reach` lines below line li (on the
    next page's first lines when the header ends its page)."""
    spots = [(idx, j) for j in range(li + 1, len(idx.lines))][:reach]
    if nxt is not None and len(spots) < reach:
        spots += [(nxt, j) for j in range(min(reach - len(spots), len(nxt.lines)))]
    for ix, j in spots:
        if _has_amount(ix.by_line.get(j, [])):
            return ix._cells(j)
    return []


def _header_columns(idx: PageIndex, li: int, nxt: PageIndex | None = None
                    ) -> tuple[list[Column], int]:
    """The cells of line li as columns, with digit-free label lines just below that lie under
    a cell folded in ("Positions-" / "betrag"); and how many lines were folded in."""
    data = _first_row_cells(idx, li, nxt)
    cols = [Column(c[0].x0, c[-1].x1, " ".join(w.text for w in c))
            for cell in idx._cells(li) for c in _split_cell(cell, data)]
    lh = idx.line_height
    prev_bottom = max((w.bottom for w in idx.by_line.get(li, [])), default=0)
    folded = 0
    for nxt in (li + 1, li + 2, li + 3):
        words = idx.by_line.get(nxt, [])
        if not words or any(re.search(r"\d", w.text) for w in words):
            break
        if min(w.top for w in words) - prev_bottom > 0.8 * lh:
            break
        for cell in idx._cells(nxt):
            cx0, cx1 = cell[0].x0, cell[-1].x1
            best = max(cols, key=lambda c: min(c.x1, cx1) - max(c.x0, cx0))
            if min(best.x1, cx1) - max(best.x0, cx0) > 0:
                joined = " ".join(w.text for w in cell)
                best.text = (best.text[:-1] + joined) if best.text.endswith("-") else \
                    f"{best.text} {joined}"
                best.x0, best.x1 = min(best.x0, cx0), max(best.x1, cx1)
        prev_bottom = max(w.bottom for w in words)
        folded += 1
    return cols, folded


def _match_header(cols: list[Column], subs: list[FieldSpec]) -> dict[str, int]:
    """sub-field -> column index, one column per sub-field (best label matches first); a date
    range column ("Service Period") serves both its start and end sub-fields."""
    pairs = []
    for ci, col in enumerate(cols):
        if not looks_like_label(col.text) and not re.fullmatch(r"[#№]|no\.?|nr\.?", col.text, re.I):
            continue
        for s in subs:
            if s.kind in ("money", "number", "date", "text", "id"):
                sc = label_match(col.text, tuple(s.labels))
                if sc >= HEADER_MATCH:
                    pairs.append((sc, ci, s.name))
    pairs.sort(key=lambda t: -t[0])
    got: dict[str, int] = {}
    used: set = set()
    drv = next((s.name for s in subs if s.kind == "money" and s.required), None)
    named = [ci for sc, ci, name in pairs if name == drv and sc >= CLEAR_MATCH]
    if len(named) > 1:
        # two columns clearly name the line total ("Amount  Product  Price  Total", where the
        # first counts units): the total is the rightmost
        got[drv] = cols.index(max((cols[ci] for ci in named), key=lambda c: c.x1))
        used.add(got[drv])
    for sc, ci, name in pairs:
        if name in got or ci in used:
            continue
        got[name], _ = ci, used.add(ci)
    kinds = {s.name: s.kind for s in subs}
    for sc, ci, name in pairs:   # start/end dates printed as one range in one column
        if name not in got and kinds[name] == "date" and \
                any(kinds[n] == "date" and c == ci for n, c in got.items()):
            got[name] = ci
    return got


def _driver(subs: list[FieldSpec], got: dict[str, int]) -> str | None:
    """The column every item has: the required money sub-field (an invoice line's amount)."""
    for s in subs:
        if s.kind == "money" and s.required and s.name in got:
            return s.name
    return None


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
    cells = idx._cells(li)
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
    cells = idx._cells(li)
    if not _has_amount(idx.by_line.get(li, [])):
        return False   # a totals line prints its amount; a note in an item may name a tax
    if sum(1 for c in cells if any(re.search(r"\d", w.text) for w in c)) > 2:
        return False   # an item row (quantity, price, tax rate, amount), not a totals line
    for cell in cells:
        toks = _tokens(" ".join(w.text for w in cell if not re.search(r"\d", w.text)))
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
        _PHRASES[labels] = [t for t in {_tokens(lab) for lab in labels} if t]
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


def _table_rows(doc: Document, idxs, subs: list[FieldSpec], stop_labels: tuple):
    """All item rows of all item tables of the document, with the columns they were read under."""
    rows: list[tuple[_Row, list[Column], dict]] = []
    regions: set = set()
    carry_cols = None   # columns of a table still open at the end of the previous page
    fills: list = []    # how many of the header's columns each row of the open table fills
    tidxs = [_table_index(page, idx) for page, idx in zip(doc.pages, idxs)]
    for pi, (page, idx) in enumerate(zip(doc.pages, tidxs)):
        nxt = tidxs[pi + 1] if pi + 1 < len(tidxs) else None
        li, n = 0, len(idx.lines)
        active = None
        carried = 0   # lines read under a table carried over from the previous page
        if carry_cols is not None:
            active = carry_cols
            carry_cols = None
            carried = 1
        pending: list = []
        last_bottom = None
        while li < n:
            words = _line_words(idx, li)
            if not words:
                li += 1
                continue
            text = idx.lines[li]
            if active is None or not _has_amount(words):
                cols, folded = _header_columns(idx, li, nxt) if not _has_amount(words) else ([], 0)
                got = _match_header(cols, subs) if len(cols) >= 2 else {}
                drv = _driver(subs, got)
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
                    active = (cols, got, drv)
                    pending, last_bottom, carried, fills = [], None, 0, []
                    for k in range(folded + 1):
                        _mark(regions, page, idx, li + k)
                    li += folded + 1
                    continue
            if active is None:
                li += 1
                continue
            cols, got, drv = active
            kinds = {x.name: x.kind for x in subs}
            top = min(w.top for w in words)
            if last_bottom is not None and top - last_bottom > GAP_LINES * idx.line_height:
                active = None
                continue
            if CARRY.search(text):
                _mark(regions, page, idx, li)
                li += 1
                continue
            if _other_header(idx, li) or _stop_line(idx, li, stop_labels, got.get("description"), cols):
                active = None
                continue
            by_col = _assign(words, cols, {got[n_] for n_ in got if kinds[n_] == "text"},
                             idx.page.text)
            drv_words = [w for w in by_col.get(got[drv], []) if _is_amount(w)
                         and not _is_rate(w, words)]
            if carried and not drv_words:
                # a page without its own header: a running head and the last item's
                # continuation lines (description, notes) may precede the rows, not more
                carried += 1
                if carried > 8:
                    active, pending = None, []
                    continue
            elif carried and drv_words:
                # the first row on a page without its own header fills the table's columns
                # like the rows before it did (one may be left for the next line: a description
                # printed below); fewer (an account's charges under an index of accounts): the
                # table ended with the previous page
                if _filled(by_col) < min(fills, default=0) - 1:
                    active, pending = None, []
                    continue
                carried = 0
            if drv_words and _allowance(words, by_col, got, kinds):
                _mark(regions, page, idx, li)   # a discount or charge line, no item
                last_bottom = max(w.bottom for w in words)
                li += 1
                continue
            if drv_words:
                fills.append(_filled(by_col))
                row = _Row(page, li, by_col, pre=pending)
                pending = []
                rows.append((row, cols, got))
            elif rows and rows[-1][0].page is page and not pending and \
                    _close(rows[-1][0], li, idx) and \
                    (last_bottom is None or top - last_bottom <= 1.5 * idx.line_height):
                rows[-1][0].post.append((page, li, by_col))
            else:
                pending.append((page, li, by_col))
                if len(pending) > 8:   # a long run of lines without an amount: not the table
                    pending.pop(0)
            _mark(regions, page, idx, li)
            last_bottom = max(w.bottom for w in words)
            li += 1
        if active is not None:
            carry_cols = active
    return rows, regions


def _filled(by_col: dict) -> int:
    return sum(1 for ws in by_col.values() if ws)


def _last_line(row: _Row) -> int:
    return row.post[-1][1] if row.post else row.line


def _close(row: _Row, li: int, idx: PageIndex) -> bool:
    return li - _last_line(row) == 1


def _table_items(doc: Document, idxs, spec: FieldSpec, stop_labels: tuple,
                 dayfirst: bool) -> ItemsResult:
    subs = spec.items
    rows, regions = _table_rows(doc, idxs, subs, stop_labels)
    res = ItemsResult(regions=regions, method="table")
    for row, cols, got in rows:
        values, ev = {}, {}
        for s in subs:
            if s.name not in got:
                continue
            ci = got[s.name]
            which = "start" if START_NAME.search(s.name) else \
                "end" if END_NAME.search(s.name) else ""
            parts = []
            if s.kind == "text":
                own = row.words.get(ci, [])
                lines = ([(row.page, row.line, own)] if own else [])
                if own:
                    lines += [(p, ln, bc.get(ci, [])) for p, ln, bc in row.post]
                else:
                    lines = [(p, ln, bc.get(ci, [])) for p, ln, bc in row.pre] + \
                        [(p, ln, bc.get(ci, [])) for p, ln, bc in row.post]
                for p, ln, ws in lines:
                    if ws:
                        parts.append((p, ws))
            else:
                ws = row.words.get(ci, [])
                if s.name != _driver(subs, got) and s.kind in ("money", "number"):
                    ws = [w for w in ws if re.search(r"\d", w.text)][:2]
                if s.kind == "money" and ws:
                    ws = [w for w in ws if re.search(r"\d", w.text)]
                    ws = ws[-1:] if s.name == _driver(subs, got) else ws
                if ws:
                    parts.append((row.page, ws))
            if not parts:
                continue
            text = " ".join(" ".join(w.text for w in ws) for _, ws in parts)
            value = _typed(s, text, dayfirst, which)
            if value is None:
                continue
            values[s.name] = value
            words = [w for _, ws in parts for w in ws]
            ev[s.name] = _evidence(parts[0][0], [w for w in words if True], text) \
                if all(p is parts[0][0] for p, _ in parts) else \
                _evidence(parts[0][0], parts[0][1], " ".join(w.text for w in parts[0][1]))
        res.items.append(values)
        res.evidence.append(ev)
    return res


# ------------------------------------------------------------------------------------------
# repeated blocks
# ------------------------------------------------------------------------------------------
def _block_items(doc: Document, idxs, spec: FieldSpec, dayfirst: bool) -> ItemsResult:
    """Sections that each start with the key sub-field printed after its label."""
    subs = spec.items
    cands = find_candidates(doc, subs)
    keys = [s for s in subs if s.kind == "id"]   # sections are keyed by an identifier
    best = None
    for key in keys:
        starts = [c for c in cands[key.name]
                  if c.label_left and label_match(c.label_left, tuple(key.labels)) >= 0.7]
        by_label: dict = {}   # the sections all print their key under the same label
        for c in starts:
            by_label.setdefault(c.label_left.strip(" :#").casefold(), []).append(c)
        starts = max(by_label.values(), key=len) if by_label else []
        seen, uniq = set(), []
        for c in sorted(starts, key=lambda c: (c.page, c.start)):
            if str(c.value) not in seen:
                seen.add(str(c.value))
                uniq.append(c)
        if len(uniq) >= 2 and (best is None or len(uniq) > len(best[1])):
            best = (key, uniq)
    res = ItemsResult(method="blocks")
    if best is None:
        return res
    key, starts = best
    line_of = {p.number: idx for p, idx in zip(doc.pages, idxs)}
    bounds = [(c.page, line_of[c.page].line_of(c.start)) for c in starts]
    ends = bounds[1:] + [(doc.pages[-1].number, 10 ** 9)]
    max_lines = _typical_block_lines(bounds, line_of)

    def inside(c, b, e):
        pos = (c.page, line_of[c.page].line_of(c.start))
        return b <= pos < e

    # every candidate of a sub-field, bucketed by block (one pass over the blocks in order)
    for k, (start_c, b, e) in enumerate(zip(starts, bounds, ends)):
        e = min(e, (b[0], b[1] + max_lines)) if e[0] != b[0] else e
        if e[0] != b[0]:   # a block runs at most to its page's end plus max_lines lines
            e = min(e, (b[0] + 1, max_lines))
        values, ev = {key.name: start_c.value}, {key.name: start_c.evidence()}
        for s in subs:
            if s is key:
                continue
            pool = [c for c in cands[s.name] if inside(c, b, e)]
            siblings = [x for x in subs if x is not s]
            opts = rank(s, pool, siblings, 1)
            if opts and opts[0].score > 0.3:
                values[s.name] = opts[0].value
                ev[s.name] = opts[0].evidence()
        res.items.append(values)
        res.evidence.append(ev)
        for pg in range(b[0], e[0] + 1):
            idx = line_of.get(pg)
            if idx is None:
                continue
            lo = b[1] if pg == b[0] else 0
            hi = e[1] if pg == e[0] else len(idx.lines)
            for li in range(lo, min(hi, len(idx.lines))):
                res.regions.add((pg, li))
    return res


def _typical_block_lines(bounds, line_of) -> int:
    same = [b2[1] - b1[1] for b1, b2 in zip(bounds, bounds[1:]) if b1[0] == b2[0]]
    if not same:
        return 40
    same.sort()
    return max(same[len(same) // 2] + 2, 4)


# ------------------------------------------------------------------------------------------
def extract_items(doc: Document, spec: FieldSpec, parent: list[FieldSpec]) -> ItemsResult:
    """The items of one repeated part of a document (see the module docstring)."""
    idxs = [PageIndex(p) for p in doc.pages]
    dayfirst = guess_dayfirst(doc)
    stop = tuple(lab for s in parent if s.kind == "money" for lab in s.labels)
    table = _table_items(doc, idxs, spec, stop, dayfirst)
    blocks = _block_items(doc, idxs, spec, dayfirst)

    def quality(r: ItemsResult) -> tuple:
        filled = sum(len(v) for v in r.items)
        return (len(r.items) > 0, filled, len(r.items))

    best = max((table, blocks), key=quality)
    other = blocks if best is table else table
    best.regions |= other.regions   # both hold repeated lines, not top-level values
    return best


def top_level_pages(doc: Document, regions: set, keep: float = 0.8) -> list:
    """Pages whose lines are mostly items (share >= keep) cannot hold top-level fields: the
    pages left, always including the first one."""
    out = []
    for p in doc.pages:
        lines = [i for i, t in enumerate(p.text.split("\n")) if t.strip()]
        if p.number == doc.pages[0].number or not lines:
            out.append(p)
            continue
        inside = sum((p.number, i) in regions for i in lines)
        if inside / len(lines) < keep:
            out.append(p)
    return out
