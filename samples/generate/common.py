"""Shared pieces of the sample generator: date, money and name formats, random values (ids,
dates, amounts, people, US addresses) and Doc, the FPDF page with absolute-position text helpers
that every layout draws with."""
from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from fpdf import FPDF


CENT = Decimal("0.01")
FIXED_CREATION_DATE = dt.datetime(2025, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------------
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MON = [m[:3] for m in MONTHS]


def fmt_date(d: dt.date, style: str) -> str:
    if style == "us":          # 03/14/2025
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "long":        # March 14, 2025
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "dmy":         # 14 Mar 2025
        return f"{d.day} {MON[d.month - 1]} {d.year}"
    if style == "dmy_long":    # 14 March 2025
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "iso":         # 2025-03-14
        return d.isoformat()
    if style == "de":          # 14.03.2025
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    raise ValueError(style)


SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def q(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def _de_number(a: Decimal) -> str:
    return f"{a:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_money(x, style: str, cur: str = "USD") -> str:
    x = q(x)
    a = abs(x)
    if style == "sym":         # $1,234.50
        s = f"{SYMBOLS[cur]}{a:,.2f}"
    elif style == "plain":     # 1,234.50
        s = f"{a:,.2f}"
    elif style == "code":      # USD 1,234.50
        s = f"{cur} {a:,.2f}"
    elif style == "de":        # 1.234,50 €
        s = f"{_de_number(a)} €"
    elif style == "de_plain":  # 1.234,50
        s = _de_number(a)
    else:
        raise ValueError(style)
    return f"-{s}" if x < 0 else s


def gt_money(x) -> str:
    return f"{q(x):.2f}"


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng: random.Random, n: int, alphabet: str = "ABCDEFGHJKLMNPRSTVWXYZ") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_date(rng: random.Random, start=dt.date(2023, 1, 15), end=dt.date(2025, 11, 30)) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def rand_amount(rng: random.Random, lo: float, hi: float) -> Decimal:
    return q(Decimal(rng.randint(int(lo * 100), int(hi * 100))) / 100)


def phone(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(["800", "888", "877", "866"])
    return f"({area}) 555-01{rng.randint(0, 99):02d}"


def npi_check_digit(first9: str) -> str:
    """Luhn check digit over "80840" + the first 9 NPI digits."""
    total = 0
    for i, c in enumerate(reversed("80840" + first9)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def make_npi(rng: random.Random) -> str:
    first9 = rng.choice("12") + digits(rng, 8)
    return first9 + npi_check_digit(first9)


# --------------------------------------------------------------------------------------------
# name and address pools (all fictional)
# --------------------------------------------------------------------------------------------
FIRST = ["James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Daniel",
         "Susan", "Thomas", "Karen", "Anthony", "Angela", "Kevin", "Michelle", "Brian", "Laura",
         "Steven", "Rachel", "Gregory", "Denise"]
LAST = ["Anderson", "Bennett", "Castillo", "Donovan", "Ellison", "Fitzgerald", "Gallagher",
        "Harrington", "Iverson", "Jennings", "Kowalski", "Lindqvist", "Morrison", "Nakamura",
        "O'Connell", "Patel", "Quinlan", "Romero", "Sullivan", "Whitaker", "Delgado", "Brennan"]
MIDDLE = "ABCDEFGHJKLMNPRSTW"

US_STREETS = ["Maple Avenue", "Oak Street", "Cedar Lane", "Willow Drive", "Lakeview Road",
              "Highland Avenue", "Park Place", "River Road", "Sunset Boulevard", "Chestnut Street",
              "Elm Court", "Meadowbrook Lane", "Hillcrest Drive", "Franklin Street", "Spruce Way"]
US_CITIES = [("Springfield", "IL", "627"), ("Madison", "WI", "537"), ("Columbus", "OH", "432"),
             ("Boise", "ID", "837"), ("Richmond", "VA", "232"), ("Albany", "NY", "122"),
             ("Raleigh", "NC", "276"), ("Tucson", "AZ", "857"), ("Eugene", "OR", "974"),
             ("Lexington", "KY", "405"), ("Omaha", "NE", "681"), ("Savannah", "GA", "314"),
             ("Fort Collins", "CO", "805"), ("Burlington", "VT", "054"), ("Austin", "TX", "787")]


def person(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)


def name_fmt(p: tuple[str, str, str], style: str) -> str:
    f, m, l = p
    if style == "full":        # Maria L. Gonzalez
        return f"{f} {m}. {l}"
    if style == "plain":       # Maria Gonzalez
        return f"{f} {l}"
    if style == "upper":       # MARIA L GONZALEZ
        return f"{f} {m} {l}".upper()
    if style == "last_first":  # GONZALEZ, MARIA L
        return f"{l}, {f} {m}".upper()
    if style == "last_first_mixed":  # Gonzalez, Maria L.
        return f"{l}, {f} {m}."
    raise ValueError(style)


def us_address(rng: random.Random) -> tuple[str, str]:
    city, st, zip3 = rng.choice(US_CITIES)
    street = f"{rng.randint(12, 9899)} {rng.choice(US_STREETS)}"
    if rng.random() < 0.2:
        street += f", Apt {rng.randint(1, 24)}"
    return street, f"{city}, {st} {zip3}{digits(rng, 2)}"


# --------------------------------------------------------------------------------------------
# PDF helper
# --------------------------------------------------------------------------------------------
PT = 0.3528  # mm per point


class Doc(FPDF):
    """FPDF with absolute-position text helpers; records every string written."""

    def __init__(self, page_format: str = "Letter", footer_left: str = "", page_numbers: bool = True):
        super().__init__(orientation="P", unit="mm", format=page_format)
        self.core_fonts_encoding = "windows-1252"   # WinAnsiEncoding: "€" renders and extracts
        self.set_auto_page_break(False)
        self.set_margins(15, 12, 15)
        self.set_creation_date(FIXED_CREATION_DATE)
        # the name of the single-file generator this package was split from: kept, so that
        # the committed samples stay byte-identical
        self.set_creator("docextract samples/generate.py")
        self.alias_nb_pages()
        self.footer_left = footer_left
        self.page_numbers = page_numbers
        self.strings: list[str] = []
        self.set_draw_color(60)
        self.set_line_width(0.25)

    # fpdf calls footer() when a page is finished
    def footer(self):
        if not (self.footer_left or self.page_numbers):
            return
        y = self.h - 10
        if self.footer_left:
            self.text_at(15, y, self.footer_left, size=7, color=90, w=self.w - 60)
        if self.page_numbers:
            self.text_at(self.w - 45, y, f"Page {self.page_no()} of {{nb}}", size=7, color=90,
                         w=30, align="R")

    def text_at(self, x, y, s, size=9.0, style="", w=None, align="L", color=0, min_size=6.5):
        """One line of text whose top is at y; shrinks the font if it does not fit in w."""
        s = str(s)
        self.strings.append(s)
        self.set_font("Helvetica", style, size)
        if w is None:
            w = self.get_string_width(s) + 2 * self.c_margin + 0.5
        else:
            while self.get_string_width(s) + 2 * self.c_margin > w and size > min_size:
                size -= 0.5
                self.set_font("Helvetica", style, size)
            if self.get_string_width(s) + 2 * self.c_margin > w + 0.01:
                raise ValueError(f"text does not fit in {w:.1f} mm: {s!r}")
        if isinstance(color, tuple):
            self.set_text_color(*color)
        else:
            self.set_text_color(color)
        self.set_xy(x, y)
        self.cell(w, size * PT * 1.2, s, align=align)
        self.set_text_color(0)
        return size * PT * 1.2

    def lines_at(self, x, y, lines, size=9.0, style="", w=None, lead=1.25, color=0, align="L"):
        for i, s in enumerate(lines):
            self.text_at(x, y + i * size * PT * lead, s, size=size, style=style, w=w, color=color,
                         align=align)
        return y + len(lines) * size * PT * lead

    def kv(self, x, y, label, value, lw, vw=60.0, size=9.0, lstyle="", vstyle="", valign="L",
           lcolor=0):
        self.text_at(x, y, label, size=size, style=lstyle, w=lw, color=lcolor)
        self.text_at(x + lw, y, value, size=size, style=vstyle, w=vw, align=valign)

    def box(self, x, y, w, h, label, value, lsize=6.5, vsize=9.5, vstyle="", border=True,
            fill=None, valign="L"):
        """Label printed small at the top of a bordered box, value below it."""
        if fill is not None:
            self.set_fill_color(*fill)
            self.rect(x, y, w, h, style="DF" if border else "F")
        elif border:
            self.rect(x, y, w, h)
        self.text_at(x + 0.3, y + 0.5, label, size=lsize, w=w - 0.6, color=70, min_size=5.5)
        if isinstance(value, (list, tuple)):
            self.lines_at(x + 0.3, y + 0.6 + lsize * PT * 1.45, value, size=vsize, style=vstyle,
                          w=w - 0.6)
        elif value != "":
            self.text_at(x + 0.3, y + h - vsize * PT * 1.2 - 0.8, value, size=vsize, style=vstyle,
                         w=w - 0.6, align=valign)

    def band(self, x, y, w, h, rgb):
        self.set_fill_color(*rgb)
        self.rect(x, y, w, h, style="F")

    def hline(self, x1, y, x2, width=0.25, dash=False):
        self.set_line_width(width)
        if dash:
            self.set_dash_pattern(dash=1.5, gap=1.2)
        self.line(x1, y, x2, y)
        if dash:
            self.set_dash_pattern()
        self.set_line_width(0.25)

    def table(self, x, y, cols, rows, size=8.5, row_h=5.6, header_fill=(225, 228, 235),
              header_style="B", grid=False, zebra=None):
        """cols: [(title, width, align)]; rows: list of lists of str. Returns y after the table."""
        total_w = sum(c[1] for c in cols)
        self.band(x, y, total_w, row_h + 0.4, header_fill)
        cx = x
        for title, w, align in cols:
            self.text_at(cx, y + 0.6, title, size=size - 0.5, style=header_style, w=w, align=align)
            cx += w
        y += row_h + 0.4
        for r, row in enumerate(rows):
            if zebra and r % 2 == 1:
                self.band(x, y, total_w, row_h, zebra)
            cx = x
            for (title, w, align), val in zip(cols, row):
                self.text_at(cx, y + 0.7, val, size=size, w=w, align=align)
                cx += w
            if grid:
                self.rect(x, y, total_w, row_h)
            y += row_h
        self.hline(x, y, x + total_w)
        return y
