"""Sentences: a page's text -> its sentences (char spans), and the places (US states, countries)
and "the 20th day of May, 2014" dates printed in them; each value found in a sentence can then be
scored by what its sentence says about it (extractors/locate/prose.py).

Lines of prose wrap inside a sentence; a sentence ends at a full stop, question or exclamation
mark before a capital (not after an abbreviation such as "Inc." or an initial), and at the end
of a short line (a heading, the last line of a paragraph) or before a numbered clause.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from functools import lru_cache

from extractors.normalize import parse_date

ABBREV = frozenset(
    "inc corp co ltd no nos mr mrs ms dr st jr sr sec secs art vs v etc e.g i.e u.s n.a l.p "
    "l.l.c s.a p.c ave blvd fig para cf approx dept est govt intl assn bros".split())
END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“(‘]?[A-Z0-9])")
CLAUSE_START = re.compile(r"^\s*(?:\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]|\([a-z]{1,4}\)|[A-Z]\.|"
                          r"section\s+\d|article\s+\d|whereas\b|now,?\s+therefore|in\s+witness)",
                          re.I)


def _abbrev_before(text: str, i: int) -> bool:
    """The full stop at text[i] ends an abbreviation or an initial ("Inc.", "J.")."""
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:i].lower()
    return word in ABBREV or len(word.replace(".", "")) == 1


@lru_cache(maxsize=256)
def _split(text: str) -> tuple[int, ...]:
    cuts = {0, len(text)}
    for m in END.finditer(text):
        if text[m.start()] == "." and _abbrev_before(text, m.start()):
            continue
        cuts.add(m.end())
    lines = text.split("\n")
    width = max((len(x.rstrip()) for x in lines), default=0)
    pos = 0
    for a, b in zip(lines, lines[1:]):
        pos += len(a) + 1
        short = len(a.rstrip()) < 0.6 * width and not a.rstrip().endswith((",", "-", "and", "or"))
        if short or CLAUSE_START.match(b) or not a.strip():
            cuts.add(pos)
    return tuple(sorted(cuts))


def sentence_spans(text: str) -> tuple[int, ...]:
    """The starts of the sentences of a page's text (and its length, last)."""
    return _split(text)


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The span of the sentence holding character pos."""
    cuts = _split(text)
    i = max(bisect_right(cuts, pos) - 1, 0)
    return cuts[i], cuts[min(i + 1, len(cuts) - 1)]


def sentences_with(text: str, rx: re.Pattern) -> list[tuple[int, int]]:
    """The sentences of text that hold a match of rx (each once, in order)."""
    out: list[tuple[int, int]] = []
    for m in rx.finditer(text):
        span = sentence_at(text, m.start())
        if not out or out[-1] != span:
            out.append(span)
    return out


def excerpt(text: str, start: int, end: int, lo: int, hi: int, before: int = 150,
            after: int = 50) -> str:
    """The sentence text around a value, whitespace collapsed, cut at words."""
    a, b = max(lo, start - before), min(hi, end + after)
    if a > lo:
        a = text.find(" ", a, start) + 1 or a
    if b < hi:
        cut = text.rfind(" ", end, b)
        b = cut if cut > 0 else b
    s = re.sub(r"\s+", " ", text[a:b]).strip()
    return ("…" if a > lo else "") + s + ("…" if b < hi else "")


@lru_cache(maxsize=1)
def _places() -> tuple[dict, re.Pattern]:
    """Printed place name (lower case) -> (its name, "state" or "country"), and one regex."""
    import pycountry
    import us
    names: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        for n in {c.name, getattr(c, "common_name", c.name)}:
            if "," not in n and "(" not in n:
                names[n.lower()] = (n, "country")
    for n in ("England", "England and Wales", "Scotland", "Northern Ireland", "Wales"):
        names[n.lower()] = (n, "country")
    for s in list(us.states.STATES) + [us.states.DC]:
        names[s.name.lower()] = (s.name, "state")
    for n in ("Washington, D.C.", "Washington D.C."):
        names[n.lower()] = ("District of Columbia", "state")
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.I)


def find_places(text: str, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """US states and countries printed capitalised in text[lo:hi]: (start, end, name, kind)."""
    names, rx = _places()
    out = []
    for m in rx.finditer(text, lo, hi):
        printed = m.group()
        if not printed[0].isupper() or not all(w[0].isupper() or w.lower() in ("and", "of", "the")
                                               for w in printed.split()):
            continue
        name, kind = names[printed.lower()]
        out.append((m.start(), m.end(), name, kind))
    return out


def is_place(name: str) -> bool:
    """A name that is a country or a US state ("JAPAN", "the Netherlands", "State of Texas")."""
    bare = re.sub(r"^(?:the\s+)?(?:(?:state|commonwealth|country|republic|kingdom)\s+of\s+)?"
                  r"(?:the\s+)?", "", name.strip(), flags=re.I)
    return bare.lower() in _places()[0]


_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
# dates as contracts write them, beyond the forms' patterns: "the 20th day of May, 2014", "10th
# October, 2011", and as text layers join them, "January30, 2006", "April 6th , 2005"
_YEAR = r"((?:19|20)\d\d)(?!\d)"
LOOSE_DATES = [
    (re.compile(rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th|d)?\s*day\s+of\s+({_MONTHS}),?\s*"
                rf"(?:,|of|in\s+the\s+year)?\s*{_YEAR}", re.I), (2, 1, 3)),
    (re.compile(rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th)\s+({_MONTHS}),?\s*{_YEAR}", re.I), (2, 1, 3)),
    (re.compile(rf"(?<![\w])({_MONTHS})\s*(\d{{1,2}})(?:st|nd|rd|th)?\s*,\s*{_YEAR}", re.I), (1, 2, 3)),
    (re.compile(rf"(?<![\w])({_MONTHS})(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*{_YEAR}", re.I), (1, 2, 3)),
]


def loose_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Dates in contract wording: (start, end, date)."""
    out = []
    for rx, (mo, day, year) in LOOSE_DATES:
        for m in rx.finditer(text):
            d = parse_date(f"{m.group(mo)} {m.group(day)} {m.group(year)}")
            if d and not any(m.start() < b and a < m.end() for a, b, _ in out):
                out.append((m.start(), m.end(), d))
    return out
