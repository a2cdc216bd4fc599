"""Durations: printed text -> spans of time stated in words or digits ("two (2) years",
"eighteen months", "a period of 24 months", "one-year"), each normalized as it is meant:
"2 years", "18 months", "1 year" (number words read by text2num; the digits in parentheses win
when both are printed)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
               r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
               r"sixty|seventy|eighty|ninety|hundred)")
UNIT = r"(?P<unit>year|month|week|day|calendar\s+month|calendar\s+year)s?"
DURATION_RE = re.compile(
    rf"(?<![\w.])(?:(?P<words>{NUMBER_WORD}(?:[\s-]+(?:and\s+)?{NUMBER_WORD}){{0,3}})"
    rf"(?:\s*\(\s*(?P<paren>\d{{1,3}}(?:\.\d)?)\s*\))?|(?P<digits>\d{{1,3}}(?:\.\d)?)|(?P<a>an?))"
    rf"[\s-]*(?:\(\d{{1,3}}\)\s*)?{UNIT}\b(?!\s*old)", re.I)


@dataclass
class Duration:
    start: int
    end: int
    text: str
    value: str      # "2 years"
    amount: float
    unit: str       # "year", "month", "week", "day"


@lru_cache(maxsize=4096)
def _words_number(words: str) -> float | None:
    from text_to_num import text2num
    try:
        return float(text2num(re.sub(r"[\s-]+(?:and\s+)?", " ", words.lower()).strip(), "en"))
    except ValueError:
        return None


def _unit(raw: str) -> str:
    return raw.lower().split()[-1]


def normalize(amount: float, unit: str) -> str:
    """(2, "year") -> "2 years"; (1, "month") -> "1 month"; 55.5 stays 55.5."""
    n = int(amount) if amount == int(amount) else amount
    return f"{n} {unit}" + ("" if n == 1 else "s")


def find_durations(text: str, lo: int = 0, hi: int | None = None) -> list[Duration]:
    """Every duration printed in text[lo:hi], with its span in text."""
    out = []
    for m in DURATION_RE.finditer(text, lo, len(text) if hi is None else hi):
        if m.group("paren"):
            amount = float(m.group("paren"))
        elif m.group("digits"):
            amount = float(m.group("digits"))
        elif m.group("words"):
            amount = _words_number(m.group("words"))
        else:
            amount = 1.0     # "a year", "an additional year"
        if not amount or amount <= 0:
            continue
        unit = _unit(m.group("unit"))
        out.append(Duration(m.start(), m.end(), m.group(), normalize(amount, unit), amount, unit))
    return out
