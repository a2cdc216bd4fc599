"""Candidates stage: Document + FieldSpecs -> per field, the values printed in the document that
could fill it, each with its position (page, char span, box) and the label printed next to it.

Code finds and normalizes values (dates to ISO dates, amounts to decimals, ids verbatim); the
model later only chooses among them, so every value is copied from the page by construction.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from extractors.locate.names import mark_address_heads, name_candidates
from extractors.locate.page_index import index_for, make_candidate
from extractors.normalize import CURRENCY_CODES, CURRENCY_SYMBOLS, parse_amount, parse_date
from extractors.types import Candidate, Document, FieldSpec, Page

# printed text -> value: the same strings recur on every page and in every document
_parse_date = lru_cache(maxsize=50000)(parse_date)
_parse_amount = lru_cache(maxsize=50000)(parse_amount)

MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|maerz|"
          r"mai|juni|juli|august|oktober|dezember|janvier|février|fevrier|mars|avril|juin|"
          r"juillet|août|aout|septembre|octobre|novembre|décembre|decembre)[a-zé]*\.?")
DATE_RES = [
    re.compile(r"(?<![\d/.\-])\d{4}-\d{1,2}-\d{1,2}(?![\d/\-])"),
    re.compile(r"(?<![\d/.\-])\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\d/\-]|\.\d)"),
    re.compile(rf"(?<![\w])\d{{1,2}}\.?[ -]?{MONTHS}[ ,-]?\s?(?:\d{{4}}|\d{{2}})(?!\d)", re.I),
    re.compile(rf"(?<![\w]){MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}(?!\d)", re.I),
]
# a day and month without a year ("Amount due by Mar 16", "fällig am 16. März"): the year comes
# from the document's own dates
YEARLESS_RES = [
    re.compile(rf"(?<![\w/.\-]){MONTHS} \d{{1,2}}(?:st|nd|rd|th)?(?![\d:]|,? ?\d|\.\d|[/\-]\d)", re.I),
    re.compile(rf"(?<![\w/.\-])\d{{1,2}}(?:st|nd|rd|th)?\.? {MONTHS}(?![\w]|,? ?\d)", re.I),
]
# two numeric dates printed as one word, "02/11/20-02/17/20" (the date patterns above refuse a
# date touching a hyphen, which is how "1-2-2020-3" is not read as dates)
DATE_PAIR_RE = re.compile(r"(?<![\d/.\-])(\d{1,2}([./])\d{1,2}\2(?:\d{4}|\d{2}))[-–](\d{1,2}\2\d{1,2}\2"
                          r"(?:\d{4}|\d{2}))(?![\d/.\-])")
MONEY_RE = re.compile(
    r"(?<![\w.,/\-])(?:[$€£] ?|(?:USD|EUR|GBP|CHF) )?-?\(?(?:\d{1,3}(?:[,.' ]\d{3})+|\d+)(?:[.,]\d{2})?\)?"
    r"(?: ?[€$£]| (?:EUR|USD|GBP|CHF))?(?![\w]|[.,]\d)")
ID_RE = re.compile(r"(?<![\w\-/.#])#?[A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9](?![\w\-/])")


def _date_candidates(doc: Document, dayfirst: bool, idxs: dict | None = None) -> list[Candidate]:
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        taken = []
        for m in DATE_PAIR_RE.finditer(page.text):
            for g in (1, 3):
                value = _parse_date(m.group(g), dayfirst=dayfirst)
                c = make_candidate(page, idx, m.start(g), m.end(g), value, m.group(g)) if value else None
                if c:
                    taken.append((m.start(g), m.end(g)))
                    out.append(c)
        for rx in DATE_RES:
            for m in rx.finditer(page.text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                value = _parse_date(m.group(), dayfirst=dayfirst)
                if value is None:
                    continue
                c = make_candidate(page, idx, m.start(), m.end(), value, m.group())
                if c:
                    taken.append((m.start(), m.end()))
                    out.append(c)
        _mark_ranges(page, out)
    out += _yearless_dates(doc, dayfirst, out, idxs)
    return out


def _yearless_dates(doc: Document, dayfirst: bool, dated: list[Candidate],
                    idxs: dict | None) -> list[Candidate]:
    """Dates printed without a year, completed with the year that puts them nearest the
    document's own dates (their median): "due Jan 10" on a bill dated Dec 20, 2023 is 2024."""
    if not dated:
        return []
    ref = sorted(c.value for c in dated)[len(dated) // 2]
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        taken = [(c.start, c.end) for c in dated if c.page == page.number]
        for rx in YEARLESS_RES:
            for m in rx.finditer(page.text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                years = [_parse_date(m.group(), dayfirst=dayfirst, default=dt.datetime(y, 1, 1))
                         for y in (ref.year - 1, ref.year, ref.year + 1)]
                years = [d for d in years if d is not None]
                if not years:
                    continue
                value = min(years, key=lambda d: abs((d - ref).days))
                c = make_candidate(page, idx, m.start(), m.end(), value, m.group())
                if c:
                    c.flags.add("no_year")
                    taken.append((m.start(), m.end()))
                    out.append(c)
    return out


RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to|thru|through|bis|au|until|~)\s*$", re.I)


RANGE_OPEN = re.compile(r"^\s*(?:from|von|vom|du|de|between|zwischen|starting)\s*:?\s*$", re.I)


def _mark_ranges(page: Page, cands: list[Candidate]):
    mine = sorted((c for c in cands if c.page == page.number), key=lambda c: c.start)
    for a, b in zip(mine, mine[1:]):
        between = page.text[a.end:b.start]
        if len(between) <= 12 and "\n" not in between and RANGE_SEP.match(between) \
                and a.value <= b.value:
            a.flags.add("range_start")
            b.flags.add("range_end")
            # the range shares its label; "to" between the two dates is not the end's label
            # unless the start's own label opens the range ("From ... To ...")
            if not b.label_left or (RANGE_SEP.match(b.label_left)
                                    and not RANGE_OPEN.match(a.label_left)):
                b.label_left = a.label_left
            b.label_above = a.label_above or b.label_above


def _money_candidates(doc: Document, date_spans, idxs: dict | None = None) -> list[Candidate]:
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        for m in MONEY_RE.finditer(page.text):
            text = m.group().strip()
            if not text or any(m.start() < e and s < m.end() for p, s, e in date_spans
                               if p == page.number):
                continue
            has_cur = bool(re.search(r"[$€£]|USD|EUR|GBP|CHF", text))
            if not (re.search(r"[.,]\d{2}\)?$", text.rstrip("€$£ EURSDGBPCHF")) or has_cur):
                continue
            value = _parse_amount(text)
            if value is None:
                continue
            s = m.start() + (len(m.group()) - len(m.group().lstrip()))
            c = make_candidate(page, idx, s, s + len(text), value, text)
            if c:
                out.append(c)
    return out


def _id_candidates(doc: Document, spec: FieldSpec, idxs: dict | None = None) -> list[Candidate]:
    rx = re.compile(rf"(?<![\w\-/]){spec.pattern}(?![\w\-/])") if spec.pattern else ID_RE
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        for m in rx.finditer(page.text):
            text = m.group().lstrip("#")
            s = m.start() + (len(m.group()) - len(text))
            if not spec.pattern:
                if not re.search(r"\d", text) or len(text) < 3 or len(text) > spec.max_length:
                    continue
                if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|[\d.,]+", text) and \
                        not re.fullmatch(r"\d{3,}", text):
                    continue
            c = make_candidate(page, idx, s, s + len(text), text, text)
            if c:
                out.append(c)
        if not spec.pattern:
            out += _grouped_ids(page, idx)
    return out


# an id printed in groups of digits ("123 456 7890", "0020 4940 1103"): the whole is the value
GROUPED_ID = re.compile(r"(?<![\w\-/.])\d{2,6}(?: \d{2,6}){1,4}(?![\w\-/]|[.,]\d)")


def _grouped_ids(page: Page, idx) -> list[Candidate]:
    out = []
    for m in GROUPED_ID.finditer(page.text):
        text = m.group()
        if sum(ch.isdigit() for ch in text) < 6:
            continue
        c = make_candidate(page, idx, m.start(), m.end(), text, text)
        if c:
            c.flags.add("grouped")
            out.append(c)
    return out


def _text_candidates(doc: Document, spec: FieldSpec, idxs: dict | None = None) -> list[Candidate]:
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        pos = 0
        for line in idx.lines:
            for cell in re.finditer(r"\S(?:.*?\S)?(?=   |$)", line):
                parts = [(cell.start(), cell.group())]
                if ":" in cell.group():
                    head, _, tail = cell.group().partition(":")
                    if tail.strip():
                        off = cell.start() + len(head) + 1 + (len(tail) - len(tail.lstrip()))
                        parts.append((off, tail.strip()))
                for off, text in parts:
                    letters = sum(ch.isalpha() for ch in text)
                    if letters < 2 or len(text) > spec.max_length or text.endswith(":"):
                        continue
                    c = make_candidate(page, idx, pos + off, pos + off + len(text), text, text)
                    if c:
                        if not c.label_left:
                            c.heading = idx.heading_above(idx.words_in(c.start, c.end), c.bbox)
                        out.append(c)
            pos += len(line) + 1
        out += name_candidates(page, idx, spec)
        mark_address_heads(page, idx, out)
    return out


def _currency_candidates(doc: Document, idxs: dict | None = None) -> list[Candidate]:
    codes = "|".join(CURRENCY_CODES)
    rx = re.compile(rf"(?<![A-Za-z])(?:{codes})(?![A-Za-z])|[€$£¥]")
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        for m in rx.finditer(page.text):
            value = CURRENCY_SYMBOLS.get(m.group(), m.group())
            c = make_candidate(page, idx, m.start(), m.end(), value, m.group())
            if c:
                out.append(c)
    return out


def _pattern_candidates(doc: Document, spec: FieldSpec, idxs: dict | None = None) -> list[Candidate]:
    pat = spec.pattern.strip("^$")
    rx = re.compile(rf"(?<![\w.\-])(?:{pat})(?![\w\-])")
    out = []
    for page in doc.pages:
        idx = index_for(page, idxs)
        for m in rx.finditer(page.text):
            c = make_candidate(page, idx, m.start(), m.end(), m.group(), m.group())
            if c:
                out.append(c)
    return out


def guess_dayfirst(doc: Document) -> bool:
    """Day-first dates if the document prints d.m.y dates or a d/m/y date with day > 12."""
    text = doc.text
    if re.search(r"(?<![\d.])\d{1,2}\.\d{1,2}\.\d{2,4}(?![\d.])", text):
        return True
    for m in re.finditer(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})(?![\d/])", text):
        if int(m.group(1)) > 12:
            return True
        if int(m.group(2)) > 12:
            return False
    return False


def find_candidates(doc: Document, specs: list[FieldSpec]) -> dict[str, list[Candidate]]:
    """All candidate values for every field; fixed-choice fields get none (the model picks)."""
    kinds = {s.kind for s in specs}
    idxs: dict = {}   # one PageIndex per page, shared by every kind of candidate
    dates = _date_candidates(doc, guess_dayfirst(doc), idxs) if "date" in kinds else []
    date_spans = [(c.page, c.start, c.end) for c in dates]
    money = _money_candidates(doc, date_spans, idxs) if kinds & {"money", "number"} else []
    out: dict[str, list[Candidate]] = {}
    for spec in specs:
        if spec.kind == "date":
            out[spec.name] = dates
        elif spec.kind in ("money", "number"):
            out[spec.name] = money
        elif spec.kind == "id":
            out[spec.name] = _id_candidates(doc, spec, idxs)
        elif spec.kind == "currency":
            out[spec.name] = _currency_candidates(doc, idxs)
        elif spec.kind == "pattern_list":
            out[spec.name] = _pattern_candidates(doc, spec, idxs)
        elif spec.kind == "text":
            out[spec.name] = _mark_domain_names(doc, _text_candidates(doc, spec, idxs))
        else:
            out[spec.name] = []
    return out


DOMAIN = re.compile(r"(?:www\.|https?://|@)([a-z0-9-]{2,40})\.[a-z]{2,6}\b|"
                    r"\b([a-z0-9-]{3,40})\.(?:com|net|org|de|fr|ch|es|it|nl|pt|co\.uk|eu)\b", re.I)
SMALL_WORDS = frozenset("de du des la le of the and et und der die das von van di da y e".split())


def _mark_domain_names(doc: Document, cands: list[Candidate]) -> list[Candidate]:
    """Flag `domain` on names whose initials or a word is the name of a web or e-mail domain the
    document prints ("Services Industriels de Genève" ~ www.sig-ge.ch): an issuer prints its
    own site."""
    parts = set()
    for m in DOMAIN.finditer(doc.text[:20000]):
        label = (m.group(1) or m.group(2)).lower()
        parts |= {label, *label.split("-")}
    parts = {x for x in parts if len(x) >= 3}
    if not parts:
        return cands
    for c in cands:
        words = [w for w in re.findall(r"[^\W\d_]+", str(c.value).lower())]
        if len(words) < 1 or len(words) > 8:
            continue
        initials = "".join(w[0] for w in words if w not in SMALL_WORDS)
        squashed = "".join(words)
        if initials in parts or squashed in parts or any(len(w) >= 4 and w in parts for w in words):
            c.flags.add("domain")
    return cands
