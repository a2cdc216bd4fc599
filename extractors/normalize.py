"""Normalization: printed strings -> typed values (dates, decimals, currency codes).

Dates go through dateutil (day-first decided per document), amounts through price-parser
(handles 1,234.56 / 1.234,56 / 1 234,56 and currency signs). Foreign month names are mapped
to English before parsing.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from dateutil import parser as dateparser
from price_parser import Price

CURRENCY_CODES = ["EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "CNY", "INR", "SEK", "NOK",
                  "DKK", "PLN", "CZK", "HUF", "NZD", "ZAR", "BRL", "MXN", "SGD", "HKD", "RUB"]
CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
MONTH_MAP = {
    "januar": "jan", "februar": "feb", "märz": "mar", "maerz": "mar", "mai": "may",
    "juni": "jun", "juli": "jul", "oktober": "oct", "dezember": "dec", "janvier": "jan",
    "février": "feb", "fevrier": "feb", "mars": "mar", "avril": "apr", "juin": "jun",
    "juillet": "jul", "août": "aug", "aout": "aug", "septembre": "sep", "octobre": "oct",
    "novembre": "nov", "décembre": "dec", "decembre": "dec",
}
_MONTH_RX = re.compile(r"\b(?:" + "|".join(sorted(MONTH_MAP, key=len, reverse=True)) + r")\b", re.I)


def parse_date(text: str, *, dayfirst: bool = False,
               default: dt.datetime | None = None) -> dt.date | None:
    """A printed date -> date, or None if it is not a plausible date. What the text leaves out
    (a year, a day) comes from `default` (2000-01-01): parse twice with different defaults to
    tell a complete date from a partial one."""
    s = _MONTH_RX.sub(lambda m: MONTH_MAP[m.group().lower()], text.strip())
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
        dayfirst = False
    else:
        m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}", s)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12:
                dayfirst = True
            elif b > 12:
                dayfirst = False
            elif "." in s:
                dayfirst = True
    try:
        d = dateparser.parse(s, dayfirst=dayfirst, yearfirst=bool(re.match(r"\d{4}", s)),
                             default=default or dt.datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1900 <= d.year <= 2100:
        return None
    return d


def parse_amount(text: str) -> Decimal | None:
    """A printed amount -> Decimal with 2 places; '(12.00)' and '-12.00' are negative."""
    s = text.strip()
    neg = s.startswith("-") or (s.startswith("(") and s.endswith(")")) or "-" in s[:3]
    price = Price.fromstring(s.replace("(", "").replace(")", ""))
    if price.amount is None:
        return None
    try:
        value = Decimal(price.amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return -value if neg and value > 0 else value


def currency_code(text: str) -> str | None:
    t = text.strip()
    if t.upper() in CURRENCY_CODES:
        return t.upper()
    return CURRENCY_SYMBOLS.get(t)


# a legal form's long and short spellings name the same company ("Acme Incorporated" is "Acme Inc.")
LEGAL_SHORT = {"incorporated": "inc", "corporation": "corp", "limited": "ltd", "company": "co",
               "l l c": "llc", "l p": "lp", "l l p": "llp", "n a": "na", "s a": "sa"}
_LEGAL_RX = re.compile(r"\b(" + "|".join(sorted(LEGAL_SHORT, key=len, reverse=True)) + r")\b")


def name_key(name, legal_forms: bool = True) -> str:
    """A name compared case-, spacing- and punctuation-insensitively ("&" reads "and"; a legal
    form's long and short spellings are the same unless legal_forms is False)."""
    s = re.sub(r"\s*&\s*", " and ", str(name)).casefold()
    s = " ".join(re.findall(r"[0-9a-zà-ÿ]+", s))
    if legal_forms:
        s = _LEGAL_RX.sub(lambda m: LEGAL_SHORT[m.group()], s)
    return s.replace(" ", "")
