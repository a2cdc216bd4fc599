"""Item tables, part 1: a header row -> columns matched to the item's sub-fields.

A header row's cells (tight cells split where the first item row splits them, label lines
wrapped below folded in) become `Column`s; `match_header` names each sub-field's column and
`driver_column` the column every item has (the line total). The rows under the header are read by
extractors/items_rows.py; the layouts as a whole are described in extractors/items.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.locate.page_index import PageIndex, looks_like_label
from extractors.locate.rank import label_match
from extractors.types import FieldSpec
from extractors.locate import settings

AMOUNT_SHAPE = re.compile(r"\d[.,]\d{2}\)?(?:\s?[€$£]|\s?[A-Z]{3})?$|^[€$£]|[€$£]$")


@dataclass
class Column:
    x0: float
    x1: float
    text: str
    fields: list = field(default_factory=list)   # sub-field names this column holds


def is_amount(w) -> bool:
    """A printed money amount: digits in an amount shape ("1.000,00", "€12", "(3.50)"); a
    currency sign alone ("Einzel/€" in a header) is none."""
    return bool(re.search(r"\d", w.text) and AMOUNT_SHAPE.search(w.text))


def has_amount(words) -> bool:
    return any(is_amount(w) for w in words)


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
        if has_amount(ix.by_line.get(j, [])):
            return ix.row_cells(j)
    return []


def header_columns(idx: PageIndex, li: int, nxt: PageIndex | None = None
                    ) -> tuple[list[Column], int]:
    """The cells of line li as columns, with digit-free label lines just below that lie under
    a cell folded in ("Positions-" / "betrag"); and how many lines were folded in."""
    data = _first_row_cells(idx, li, nxt)
    cols = [Column(c[0].x0, c[-1].x1, " ".join(w.text for w in c))
            for cell in idx.row_cells(li) for c in _split_cell(cell, data)]
    lh = idx.line_height
    prev_bottom = max((w.bottom for w in idx.by_line.get(li, [])), default=0)
    folded = 0
    for nxt in (li + 1, li + 2, li + 3):
        words = idx.by_line.get(nxt, [])
        if not words or any(re.search(r"\d", w.text) for w in words):
            break
        if min(w.top for w in words) - prev_bottom > 0.8 * lh:
            break
        for cell in idx.row_cells(nxt):
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


def match_header(cols: list[Column], subs: list[FieldSpec]) -> dict[str, int]:
    """sub-field -> column index, one column per sub-field (best label matches first); a date
    range column ("Service Period") serves both its start and end sub-fields."""
    pairs = []
    for ci, col in enumerate(cols):
        if not looks_like_label(col.text) and not re.fullmatch(r"[#№]|no\.?|nr\.?", col.text, re.I):
            continue
        for s in subs:
            if s.kind in ("money", "number", "date", "text", "id"):
                sc = label_match(col.text, tuple(s.labels))
                if sc >= settings.HEADER_MATCH:
                    pairs.append((sc, ci, s.name))
    pairs.sort(key=lambda t: -t[0])
    got: dict[str, int] = {}
    used: set = set()
    drv = next((s.name for s in subs if s.kind == "money" and s.required), None)
    named = [ci for sc, ci, name in pairs if name == drv and sc >= settings.CLEAR_MATCH]
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


def driver_column(subs: list[FieldSpec], got: dict[str, int]) -> str | None:
    """The column every item has: the required money sub-field (an invoice line's amount)."""
    for s in subs:
        if s.kind == "money" and s.required and s.name in got:
            return s.name
    return None

