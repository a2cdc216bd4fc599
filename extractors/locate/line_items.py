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

Where the code is: a table's header row -> columns in items_header.py, the lines under it ->
item rows in items_rows.py; the rows -> item fields, the blocks layout and the choice between
the two here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from price_parser import Price

from extractors.locate.candidates import DATE_RES, find_candidates, guess_dayfirst
from extractors.locate.item_header import driver_column
from extractors.locate.item_rows import table_rows
from extractors.locate.page_index import PageIndex
from extractors.locate.rank import END_NAME, START_NAME, label_match, rank
from extractors.normalize import parse_amount, parse_date
from extractors.types import Document, FieldSpec


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
# tables (read by extractors/items_header.py and items_rows.py)
# ------------------------------------------------------------------------------------------
def _table_items(doc: Document, idxs, spec: FieldSpec, stop_labels: tuple,
                 dayfirst: bool) -> ItemsResult:
    subs = spec.items
    rows, regions = table_rows(doc, idxs, subs, stop_labels)
    res = ItemsResult(regions=regions, method="table")
    for row, cols, got in rows:
        values, ev = {}, {}
        for s in subs:
            if s.name not in got:
                continue
            ci = got[s.name]
            which = "start" if START_NAME.search(s.key) else \
                "end" if END_NAME.search(s.key) else ""
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
                if s.name != driver_column(subs, got) and s.kind in ("money", "number"):
                    ws = [w for w in ws if re.search(r"\d", w.text)][:2]
                if s.kind == "money" and ws:
                    ws = [w for w in ws if re.search(r"\d", w.text)]
                    ws = ws[-1:] if s.name == driver_column(subs, got) else ws
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
