#!/usr/bin/env python3
"""Synthetic PDF documents with ground truth, for the built-in schemas.

    python samples/generate.py [--out samples] [--per-schema 6] [--seed 7] [--schema NAME ...]
                               [--scanned N] [--statements N [--accounts M]]

writes OUT/<schema>/<schema>_<nn>.pdf, the ground truth next to it as <schema>_<nn>.json, and
OUT/<schema>/labels.jsonl (one object per document: "file" = the pdf name, plus the fields).

The documents imitate real ones: several layouts per type (issuers, label wordings, label left
of the value vs. label above the value in boxes, two-column headers), several date and money
formats, documents of one and two pages, and distractors (other dates, amounts, ids, addresses).
Ground truth: dates "YYYY-MM-DD", money "1234.50", other strings exactly as printed.

Only the standard library and fpdf2 (core Helvetica font, cp1252 so that "€" renders) are used
for the text PDFs. Scanned variants (`--scanned`: rendered with pypdfium2, rotated, blurred,
noised and JPEG-compressed with Pillow/numpy, back to an image-only PDF) keep the ground truth of
the document they were made from. `--statements` writes multi-account summary statements (a
cover with totals and an account index, then a detail section per service account; the ground
truth lists every account), as long as `--accounts` makes them.
Output is deterministic for a given seed: every document has its own random.Random seeded from
(seed, schema, index), and the PDF creation date is fixed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from fpdf import FPDF

SCHEMAS = ("utility_bill", "invoice", "insurance_claim")
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


# --------------------------------------------------------------------------------------------
# utility bill
# --------------------------------------------------------------------------------------------
UTILITY_PROVIDERS = [
    # name, kind, street, city line, web, area code
    ("Northwind Electric Cooperative", "electric", "PO Box 4410", "Bismarck, ND 58502", "northwindelectric.coop", "701"),
    ("Cascade Power & Light", "electric", "PO Box 98120", "Tacoma, WA 98402", "cascadepowerlight.com", "253"),
    ("Blue Mesa Electric Company", "electric", "2250 North Avenue", "Grand Junction, CO 81501", "bluemesaelectric.com", "970"),
    ("Harborview Gas & Electric", "electric", "PO Box 7300", "New Haven, CT 06510", "harborviewge.com", "203"),
    ("Granite State Power Co.", "electric", "PO Box 1188", "Concord, NH 03301", "granitestatepower.com", "603"),
    ("Prairie Wind Energy", "electric", "PO Box 2290", "Salina, KS 67401", "prairiewindenergy.com", "785"),
    ("Tri-County Electric Membership Corp.", "electric", "600 Hwy 22 West", "Macon, GA 31201", "tricountyemc.com", "478"),
    ("Summit Natural Gas Company", "gas", "PO Box 6021", "Harrisburg, PA 17101", "summitnaturalgas.com", "717"),
    ("Lakeshore Energy", "gas", "PO Box 3315", "Muskegon, MI 49440", "lakeshoreenergy.com", "231"),
    ("Keystone Gas Services", "gas", "PO Box 880", "Allentown, PA 18101", "keystonegas.com", "610"),
    ("Ozark Valley Gas", "gas", "PO Box 5402", "Springfield, MO 65806", "ozarkvalleygas.com", "417"),
    ("Riverbend Water Authority", "water", "1100 Market Street", "Chattanooga, TN 37402", "riverbendwater.org", "423"),
    ("Silver Creek Water District", "water", "PO Box 1407", "Boise, ID 83702", "silvercreekwater.org", "208"),
    ("Pinecrest Municipal Utilities", "water", "12645 Pinecrest Parkway", "Pinecrest, FL 33156", "pinecrestutilities.gov", "305"),
    ("Redwood Valley Water Co.", "water", "PO Box 2713", "Santa Rosa, CA 95401", "redwoodvalleywater.com", "707"),
]
BUSINESS_CUSTOMERS = ["Oakridge Dental Group LLC", "Bluebird Bakery & Cafe", "Hillside Auto Repair Inc.",
                      "Maple Street Laundromat", "Greenleaf Yoga Studio", "Corner Hardware Co."]

EMERGENCY = {"electric": "Report outages 24/7 at {}. Never approach a downed power line.",
             "gas": "If you smell gas, leave the building and call {} from a safe place.",
             "water": "Water main break or no water? Call {} (24 hours)."}
UTILITY_LAYOUTS = ["classic", "boxed", "two_column", "statement"]


def _utility_charges(rng, kind, usage):
    """[(description, detail, amount)] for this period."""
    lines = []
    if kind == "electric":
        lines.append(("Basic Service Charge", "", rand_amount(rng, 8, 16)))
        r1 = Decimal(rng.randint(7200, 13900)) / 100000
        lines.append(("Energy Charge", f"{usage:,} kWh x {r1:.5f}", q(usage * r1)))
        r2 = Decimal(rng.randint(2500, 5900)) / 100000
        lines.append(("Delivery Charge", f"{usage:,} kWh x {r2:.5f}", q(usage * r2)))
        if rng.random() < 0.6:
            r3 = Decimal(rng.randint(150, 900)) / 100000
            lines.append(("Fuel Cost Adjustment", f"{usage:,} kWh x {r3:.5f}", q(usage * r3)))
    elif kind == "gas":
        lines.append(("Customer Charge", "", rand_amount(rng, 10, 22)))
        r1 = Decimal(rng.randint(38000, 79000)) / 100000
        lines.append(("Gas Supply Charge", f"{usage:,} therms x {r1:.5f}", q(usage * r1)))
        r2 = Decimal(rng.randint(20000, 45000)) / 100000
        lines.append(("Distribution Charge", f"{usage:,} therms x {r2:.5f}", q(usage * r2)))
        lines.append(("Pipeline Safety Surcharge", "", rand_amount(rng, 0.5, 2.5)))
    else:
        lines.append(("Water Base Charge", "", rand_amount(rng, 12, 28)))
        r1 = Decimal(rng.randint(280, 690)) / 100
        lines.append(("Water Usage", f"{usage} CCF x {r1:.2f}", q(usage * r1)))
        lines.append(("Sewer Base Charge", "", rand_amount(rng, 15, 35)))
        r2 = Decimal(rng.randint(300, 800)) / 100
        lines.append(("Sewer Usage", f"{usage} CCF x {r2:.2f}", q(usage * r2)))
        lines.append(("Stormwater Fee", "", rand_amount(rng, 4, 12)))
    sub = sum(a for _, _, a in lines)
    pct = Decimal(rng.choice(["2.5", "3.0", "4.0", "5.0", "6.0"]))
    lines.append((rng.choice(["State Utility Tax", "Gross Receipts Tax", "Municipal Franchise Fee"]),
                  f"{pct}%", q(sub * pct / 100)))
    return lines


def utility_data(rng: random.Random, index: int) -> dict:
    pname, kind, pstreet, pcity, web, area = rng.choice(UTILITY_PROVIDERS)
    stmt = rand_date(rng)
    period_end = stmt - dt.timedelta(days=rng.randint(1, 6))
    days = rng.randint(28, 33)
    period_start = period_end - dt.timedelta(days=days - 1)
    due = stmt + dt.timedelta(days=rng.randint(14, 24))
    usage = {"electric": rng.randint(240, 1850), "gas": rng.randint(12, 165),
             "water": rng.randint(3, 22)}[kind]
    charges = _utility_charges(rng, kind, usage)
    current = sum(a for _, _, a in charges)
    prev = rand_amount(rng, 35, 420)
    r = rng.random()
    if r < 0.68:
        paid = prev
    elif r < 0.84:
        paid = Decimal("0.00")
    else:
        paid = rand_amount(rng, 20, float(prev) - 5)
    pay_date = stmt - dt.timedelta(days=rng.randint(8, 24))
    acct_style = rng.randrange(4)
    account = [f"{digits(rng, 4)}-{digits(rng, 4)}-{digits(rng, 2)}",
               f"{rng.randint(1, 9)}{digits(rng, 9)}",
               f"{digits(rng, 9)}-{digits(rng, 1)}",
               f"{digits(rng, 6)}-{digits(rng, 6)}"][acct_style]
    cust_person = person(rng)
    business = rng.choice(BUSINESS_CUSTOMERS) if rng.random() < 0.2 else None
    mail = us_address(rng)
    service_addr = mail if rng.random() < 0.7 else us_address(rng)
    history = []
    for k in range(12, 0, -1):
        m = (period_end.month - k - 1) % 12 + 1
        y = period_end.year - (1 if period_end.month - k <= 0 else 0)
        history.append((f"{MON[m - 1]} {y}", max(1, int(usage * rng.uniform(0.55, 1.45)))))
    prev_reading = rng.randint(10000, 89000)
    return dict(
        provider=pname, kind=kind, pstreet=pstreet, pcity=pcity, web=web,
        phone=phone(rng, rng.choice([area, "800", "888"])), outage=phone(rng, "800"),
        account=account, person=cust_person, business=business, mail=mail, service_addr=service_addr,
        stmt=stmt, start=period_start, end=period_end, days=days, due=due, usage=usage,
        charges=charges, current=current, prev=prev, paid=paid, pay_date=pay_date,
        amount_due=prev - paid + current,
        meter=rng.choice(["", "M", "E"]) + digits(rng, 8) if kind == "electric" else digits(rng, 8),
        prev_read_date=period_start - dt.timedelta(days=1), prev_reading=prev_reading,
        next_read=period_end + dt.timedelta(days=rng.randint(29, 32)),
        late_fee=rand_amount(rng, 5, 15), history=history,
        rate=rng.choice({"electric": ["Residential Service RS-1", "General Service GS-2", "Residential Time-of-Use"],
                         "gas": ["Residential Heating", "Small Commercial Gas", "Residential Service"],
                         "water": ["Residential 5/8\" Meter", "Commercial 1\" Meter", "Residential 3/4\" Meter"]}[kind]),
        two_pages=None,
    )


def _unit(kind):
    return {"electric": "kWh", "gas": "therms", "water": "CCF"}[kind]


def _customer_name(d, style):
    if d["business"]:
        return d["business"].upper() if style in ("upper", "last_first") else d["business"]
    return name_fmt(d["person"], style)


def _summary_rows(d, mf, pay_label, date_style, paid_style="neg"):
    rows = [("Previous Balance", mf(d["prev"]))]
    if d["paid"] > 0:
        amt = mf(-d["paid"]) if paid_style == "neg" else f"{mf(d['paid'])} CR"
        rows.append((f"{pay_label} {fmt_date(d['pay_date'], date_style)} - Thank You", amt))
    else:
        rows.append(("Payments Received", mf(0)))
    bal = d["prev"] - d["paid"]
    rows.append(("Past Due Balance" if bal > 0 else "Balance Forward", mf(bal)))
    return rows


def _usage_detail(doc, d, x, y, date_style, mf, w=186.0):
    """Meter table, charge breakdown, usage history. Returns y."""
    unit = _unit(d["kind"])
    doc.text_at(x, y, "METER READING DETAIL", size=9.5, style="B")
    y += 6
    cur_reading = d["prev_reading"] + (d["usage"] if d["kind"] != "water" else d["usage"] * 100)
    cols = [("Meter Number", 30, "L"), ("Read Type", 22, "L"), ("Previous Read", 32, "L"),
            ("Reading", 22, "R"), ("Current Read", 32, "L"), ("Reading", 22, "R"),
            (f"Usage ({unit})", 26, "R")]
    y = doc.table(x, y, cols, [[d["meter"], d.get("read_type", "Actual"), fmt_date(d["prev_read_date"], date_style),
                                f"{d['prev_reading']:,}", fmt_date(d["end"], date_style),
                                f"{cur_reading:,}", f"{d['usage']:,}"]])
    y += 8
    doc.text_at(x, y, "CHARGE DETAILS", size=9.5, style="B")
    y += 6
    rows = [[desc, det, mf(a)] for desc, det, a in d["charges"]]
    y = doc.table(x, y, [("Description", 80, "L"), ("Calculation", 66, "L"), ("Amount", 40, "R")], rows)
    return y + 2


def _history_table(doc, d, x, y):
    unit = _unit(d["kind"])
    doc.text_at(x, y, f"YOUR USAGE HISTORY ({unit})", size=9.5, style="B")
    y += 6
    hist = d["history"]
    for half in (hist[:6], hist[6:]):
        cx = x
        for label, val in half:
            doc.text_at(cx, y, label, size=7.5, w=30, align="C", color=80)
            doc.text_at(cx, y + 4, f"{val:,}", size=8.5, w=30, align="C")
            cx += 31
        y += 10
    return y


def _stub(doc, d, y, acct_label, due_label, amount_label, cust, mf, date_style):
    doc.hline(15, y, doc.w - 15, dash=True)
    doc.text_at(15, y + 1.5, "Please detach and return this portion with your payment. "
                "Make checks payable to " + d["provider"] + ".", size=7.5, color=80, w=186)
    y += 8
    doc.text_at(15, y, d["provider"], size=10, style="B", w=90)
    doc.lines_at(15, y + 6, [cust, d["mail"][0], d["mail"][1]], size=9, w=90)
    bx = 120
    doc.rect(bx, y - 1, doc.w - 15 - bx, 27)
    doc.kv(bx + 2, y + 1, acct_label, d["account"], 32, 44, size=9)
    doc.kv(bx + 2, y + 7, due_label, fmt_date(d["due"], date_style), 32, 44, size=9)
    doc.kv(bx + 2, y + 13, amount_label, mf(d["amount_due"]), 32, 44, size=9, vstyle="B")
    doc.kv(bx + 2, y + 19, "Amount Enclosed", "$ ____________", 32, 44, size=9)
    doc.text_at(15, y + 22, "Remit to:", size=8, color=80)
    doc.lines_at(15, y + 26, [d["provider"], d["pstreet"], d["pcity"]], size=8, w=90)


def utility_layout_classic(d, rng):
    """Electric-company style: header box with 'Label: value' lines, summary, remittance stub."""
    ds = rng.choice(["us", "long"])
    mf = lambda x: fmt_money(x, "sym")  # noqa: E731
    acct_l = rng.choice(["Account Number", "Account #", "Acct No."])
    stmt_l = rng.choice(["Statement Date", "Bill Date"])
    due_l = rng.choice(["Due Date", "Payment Due"])
    amt_l = rng.choice(["Amount Due", "Total Amount Due"])
    cur_l = rng.choice(["Current Charges", "Total Current Charges"])
    per_l = rng.choice(["Service period", "Billing period"])
    sep = rng.choice([" - ", " to "])
    cust = _customer_name(d, "upper")
    two = rng.random() < 0.5
    d["read_type"] = rng.choice(["Actual", "Actual", "Estimated"])

    doc = Doc("Letter", footer_left=f"{d['provider']}  |  {d['web']}")
    doc.add_page()
    doc.text_at(15, 14, d["provider"], size=16, style="B", color=(20, 60, 120), w=105)
    doc.lines_at(15, 22, [d["pstreet"], d["pcity"], f"Customer Service: {d['phone']}",
                          f"Outages & Emergencies: {d['outage']}"], size=8.5, w=105)
    doc.rect(122, 13, 79, 33)
    y = 15
    for lab, val, st in [(acct_l, d["account"], ""), (stmt_l, fmt_date(d["stmt"], ds), ""),
                         (due_l, fmt_date(d["due"], ds), ""), (amt_l, mf(d["amount_due"]), "B")]:
        doc.kv(124, y, lab + ":", val, 36, 40, size=9.5, vstyle=st)
        y += 7.5
    doc.lines_at(20, 56, [cust, d["mail"][0], d["mail"][1]], size=10, w=95)
    doc.text_at(122, 54, "Service Address", size=8, style="B")
    doc.lines_at(122, 58.5, [d["service_addr"][0], d["service_addr"][1], f"Rate: {d['rate']}"], size=8.5, w=79)
    y = 78
    doc.text_at(15, y, f"{per_l}: {fmt_date(d['start'], ds)}{sep}{fmt_date(d['end'], ds)} ({d['days']} days)",
                size=9.5, w=186)
    y += 7
    doc.band(15, y, 186, 6, (20, 60, 120))
    doc.text_at(16, y + 0.8, "ACCOUNT SUMMARY", size=9, style="B", color=255)
    y += 8
    rows = _summary_rows(d, mf, "Payment Received", ds) + [(cur_l, mf(d["current"]))]
    for lab, val in rows:
        doc.kv(17, y, lab, val, 120, 62, size=9.5, valign="R")
        y += 6
    doc.hline(120, y, 201)
    y += 1.5
    doc.kv(17, y, amt_l, mf(d["amount_due"]), 120, 62, size=10.5, lstyle="B", vstyle="B", valign="R")
    y += 10
    doc.text_at(15, y, f"A late payment charge of {mf(d['late_fee'])} will be added if payment is not "
                f"received by {fmt_date(d['due'], ds)}.", size=8, color=70, w=186)
    y += 5
    doc.text_at(15, y, f"Your next meter reading is scheduled for {fmt_date(d['next_read'], ds)}.",
                size=8, color=70, w=186)
    y += 9
    if two:
        doc.text_at(15, y, "See page 2 for your meter reading and a detailed breakdown of your charges.",
                    size=9, style="I", w=186)
    else:
        y = _usage_detail(doc, d, 15, y, ds, mf)
    _stub(doc, d, 218, acct_l, due_l, rng.choice(["Amount Due", "Please Pay"]), cust, mf, ds)
    if two:
        doc.add_page()
        doc.text_at(15, 14, d["provider"], size=12, style="B", color=(20, 60, 120), w=120)
        doc.text_at(122, 14, f"{acct_l}: {d['account']}", size=9, w=79, align="R")
        doc.text_at(122, 19, f"{stmt_l}: {fmt_date(d['stmt'], ds)}", size=9, w=79, align="R")
        y = _usage_detail(doc, d, 15, 30, ds, mf)
        doc.kv(15, y + 1, cur_l, mf(d["current"]), 146, 40, size=9.5, lstyle="B", vstyle="B", valign="R")
        y = _history_table(doc, d, 15, y + 12)
        doc.text_at(15, y + 6, "IMPORTANT MESSAGES", size=9.5, style="B")
        doc.lines_at(15, y + 12, [
            "Sign up for paperless billing and AutoPay at " + d["web"] + ".",
            EMERGENCY[d["kind"]].format(d["outage"]),
            "Budget billing is available to spread your costs evenly across the year.",
        ], size=8.5, w=186)
    return doc, {"account_number": d["account"], "customer_name": cust,
                 "statement_date": fmt_date(d["stmt"], ds), "period_start": fmt_date(d["start"], ds),
                 "period_end": fmt_date(d["end"], ds), "due_date": fmt_date(d["due"], ds),
                 "current_charges": mf(d["current"]), "amount_due": mf(d["amount_due"])}


def utility_layout_boxed(d, rng):
    """Municipal style: row of boxes (label above value), two labelled period dates."""
    ds = rng.choice(["long", "dmy", "us"])
    mf = lambda x: fmt_money(x, "plain")  # noqa: E731
    acct_l = rng.choice(["ACCOUNT NUMBER", "ACCOUNT #", "ACCT NO."])
    stmt_l = rng.choice(["BILL DATE", "STATEMENT DATE", "DATE ISSUED"])
    due_l = rng.choice(["DUE BY", "PAYMENT DUE DATE", "DUE DATE"])
    amt_l = rng.choice(["TOTAL DUE", "AMOUNT DUE", "PLEASE PAY"])
    cur_l = rng.choice(["Charges This Period", "New Charges", "Current Charges"])
    from_l, to_l = rng.choice([("Service From", "Service To"), ("From", "Through"),
                               ("Period From", "Period To")])
    cust_l = rng.choice(["SERVICE FOR", "ACCOUNT HOLDER", "CUSTOMER NAME"])
    cust = _customer_name(d, rng.choice(["full", "plain"]))
    two = rng.random() < 0.4
    d["read_type"] = "Actual"
    navy = (24, 52, 94)

    doc = Doc("Letter", footer_left=f"{d['provider']} - {d['pstreet']}, {d['pcity']}")
    doc.add_page()
    doc.band(0, 0, doc.w, 26, navy)
    doc.text_at(15, 7, d["provider"], size=16, style="B", color=255, w=120)
    doc.text_at(15, 15, {"electric": "Electric Service", "gas": "Natural Gas Service",
                         "water": "Water - Sewer - Stormwater"}[d["kind"]], size=9, color=255, w=100)
    doc.lines_at(140, 7, [d["pstreet"], d["pcity"], d["phone"]], size=8.5, color=255, w=61, align="R")
    doc.text_at(15, 31, "UTILITY BILL - STATEMENT OF ACCOUNT", size=11, style="B", w=186)
    bw = 186 / 4
    vals = [(acct_l, d["account"], ""), (stmt_l, fmt_date(d["stmt"], ds), ""),
            (due_l, fmt_date(d["due"], ds), ""), (amt_l, mf(d["amount_due"]), "B")]
    for i, (lab, val, st) in enumerate(vals):
        doc.box(15 + i * bw, 38, bw, 15, lab, val, lsize=7, vsize=11, vstyle=st,
                fill=(235, 240, 248) if i == 3 else None)
    doc.box(15, 57, 91, 28, cust_l, [cust, d["service_addr"][0], d["service_addr"][1]], lsize=7, vsize=9.5)
    doc.rect(110, 57, 91, 28)
    doc.text_at(110.3, 57.5, "BILLING PERIOD", size=7, color=70)
    doc.kv(112, 62, from_l + ":", fmt_date(d["start"], ds), 30, 57, size=9.5)
    doc.kv(112, 67.5, to_l + ":", fmt_date(d["end"], ds), 30, 57, size=9.5)
    doc.kv(112, 73, "Days:", str(d["days"]), 30, 57, size=9.5)
    doc.kv(112, 78.5, "Meter No.:", d["meter"], 30, 57, size=9.5)
    y = 91
    doc.text_at(15, y, "SUMMARY OF ACCOUNT (all amounts in USD)", size=9.5, style="B")
    y += 6
    rows = _summary_rows(d, mf, "Payment", ds, paid_style="cr")
    rows.insert(2, ("Adjustments", mf(0)))
    rows.append((cur_l, mf(d["current"])))
    for lab, val in rows:
        doc.kv(17, y, lab, val, 120, 64, size=9.5, valign="R")
        doc.hline(17, y + 5.3, 201, width=0.1)
        y += 6
    doc.kv(17, y + 1, amt_l.title(), mf(d["amount_due"]), 120, 64, size=10.5, lstyle="B", vstyle="B", valign="R")
    y += 11
    doc.text_at(15, y, "CHARGES THIS PERIOD", size=9.5, style="B")
    y += 6
    rows = [[desc, det, mf(a)] for desc, det, a in d["charges"]]
    y = doc.table(15, y, [("Description", 80, "L"), ("Usage / Rate", 66, "L"), ("Amount", 40, "R")],
                  rows, zebra=(246, 246, 246))
    y += 6
    unit = _unit(d["kind"])
    cur_reading = d["prev_reading"] + d["usage"]
    doc.text_at(15, y, "METER READINGS", size=9.5, style="B")
    y = doc.table(15, y + 6, [("Meter", 30, "L"), ("Previous Read Date", 40, "L"), ("Previous", 25, "R"),
                              ("Current Read Date", 40, "L"), ("Current", 25, "R"), (f"Used ({unit})", 26, "R")],
                  [[d["meter"], fmt_date(d["prev_read_date"], ds), f"{d['prev_reading']:,}",
                    fmt_date(d["end"], ds), f"{cur_reading:,}", f"{d['usage']:,}"]])
    y += 8
    doc.lines_at(15, y, [f"Payments received after {fmt_date(d['stmt'], ds)} are not reflected on this bill.",
                         f"Questions about your bill? Call {d['phone']}, Monday-Friday 8am-5pm.",
                         f"A late fee of {mf(d['late_fee'])} applies to balances unpaid after the due date."],
                 size=8, color=70, w=186)
    if two:
        doc.add_page()
        doc.band(0, 0, doc.w, 12, navy)
        doc.text_at(15, 3.5, d["provider"], size=10, style="B", color=255, w=120)
        doc.text_at(130, 3.5, f"{acct_l.title()} {d['account']}", size=9, color=255, w=71, align="R")
        y = _history_table(doc, d, 15, 20)
        doc.text_at(15, y + 6, "WAYS TO PAY", size=9.5, style="B")
        doc.lines_at(15, y + 12, [
            f"Online: {d['web']} (free AutoPay and paperless billing)",
            f"By phone: {d['phone']} (a convenience fee may apply)",
            f"By mail: {d['provider']}, {d['pstreet']}, {d['pcity']}",
            "In person: at any authorized payment location. Bring this bill.",
        ], size=9, w=186)
    return doc, {"account_number": d["account"], "customer_name": cust,
                 "statement_date": fmt_date(d["stmt"], ds), "period_start": fmt_date(d["start"], ds),
                 "period_end": fmt_date(d["end"], ds), "due_date": fmt_date(d["due"], ds),
                 "current_charges": mf(d["current"]), "amount_due": mf(d["amount_due"])}


def utility_layout_two_column(d, rng):
    """Gas-company style: two-column header, right column 'Label: value', amounts 'USD 1,234.50'."""
    ds = rng.choice(["dmy", "iso"])
    money_style = rng.choice(["code", "sym"])
    mf = lambda x: fmt_money(x, money_style)  # noqa: E731
    acct_l = rng.choice(["Acct No.", "Account No.", "Account Number"])
    stmt_l = rng.choice(["Date Issued", "Bill Date", "Billing Date"])
    due_l = rng.choice(["Pay By", "Due Date", "Payment Due"])
    amt_l = rng.choice(["Total Due", "Amount Due", "Balance Due"])
    cur_l = rng.choice(["Current Charges", "New Charges"])
    ranged = rng.random() < 0.5
    cust_l = rng.choice(["Customer", "Bill to", "Name"])
    cust = _customer_name(d, rng.choice(["full", "plain"]))
    two = rng.random() < 0.5
    d["read_type"] = rng.choice(["Actual", "Estimated"])

    doc = Doc("Letter", footer_left=f"{d['provider']} | {d['web']} | {d['phone']}")
    doc.add_page()
    doc.text_at(15, 13, d["provider"], size=15, style="B", color=(0, 90, 60), w=100)
    doc.lines_at(15, 21, [d["pstreet"], d["pcity"], d["web"]], size=8.5, w=100)
    doc.text_at(15, 40, cust_l + ":", size=8.5, style="B", color=80)
    doc.lines_at(15, 45, [cust, d["mail"][0], d["mail"][1]], size=10, w=95)
    doc.text_at(15, 62, "Service address: " + ", ".join(d["service_addr"]), size=8.5, w=100)
    x, lw, vw = 120, 32, 49
    doc.set_fill_color(240, 247, 243)
    doc.rect(118, 12, 83, 58, style="DF")
    doc.text_at(x, 14, "YOUR BILL AT A GLANCE", size=9, style="B", color=(0, 90, 60))
    y = 21
    pairs = [(acct_l, d["account"]), (stmt_l, fmt_date(d["stmt"], ds))]
    if ranged:
        pairs.append(("Billing period", f"{fmt_date(d['start'], ds)} to {fmt_date(d['end'], ds)}"))
    else:
        pairs += [("Period from", fmt_date(d["start"], ds)), ("Period to", fmt_date(d["end"], ds))]
    pairs += [(due_l, fmt_date(d["due"], ds)), (amt_l, mf(d["amount_due"]))]
    for lab, val in pairs:
        if lab == "Billing period":
            doc.text_at(x, y, lab + ":", size=9, w=lw)
            y += 5
            doc.text_at(x + 2, y, val, size=9, w=79)
        else:
            doc.kv(x, y, lab + ":", val, lw, vw, size=9, vstyle="B" if lab == amt_l else "")
        y += 6.5
    y = 78
    doc.band(15, y, 186, 0.8, (0, 90, 60))
    y += 4
    doc.text_at(15, y, "Account activity", size=10, style="B")
    y += 7
    rows = _summary_rows(d, mf, "Payment received", ds) + [(cur_l, mf(d["current"]))]
    for lab, val in rows:
        doc.kv(15, y, lab, val, 110, 50, size=9.5, valign="R")
        y += 6
    doc.hline(125, y, 175)
    doc.kv(15, y + 1.5, amt_l, mf(d["amount_due"]), 110, 50, size=10, lstyle="B", vstyle="B", valign="R")
    y += 14
    if not two:
        y = _usage_detail(doc, d, 15, y, ds, mf)
        doc.text_at(15, y + 4, f"Next scheduled read: {fmt_date(d['next_read'], ds)}. "
                    f"Emergency line (24 h): {d['outage']}.", size=8.5, w=186)
    else:
        doc.lines_at(15, y, [f"Your next meter reading is planned for {fmt_date(d['next_read'], ds)}.",
                             "Details of your charges and your usage history are on the next page.",
                             EMERGENCY[d["kind"]].format(d["outage"])], size=9, w=186)
        doc.add_page()
        doc.text_at(15, 13, d["provider"], size=11, style="B", color=(0, 90, 60), w=100)
        doc.text_at(120, 13, f"{acct_l}: {d['account']}", size=9, w=81, align="R")
        y = _usage_detail(doc, d, 15, 26, ds, mf)
        doc.kv(15, y + 1, "Total " + cur_l.lower(), mf(d["current"]), 146, 40, size=9.5, lstyle="B",
               vstyle="B", valign="R")
        _history_table(doc, d, 15, y + 14)
    return doc, {"account_number": d["account"], "customer_name": cust,
                 "statement_date": fmt_date(d["stmt"], ds), "period_start": fmt_date(d["start"], ds),
                 "period_end": fmt_date(d["end"], ds), "due_date": fmt_date(d["due"], ds),
                 "current_charges": mf(d["current"]), "amount_due": mf(d["amount_due"])}


def utility_layout_statement(d, rng):
    """Two-page statement: header strip, 'Please pay X by DATE' callout, details on page 2."""
    ds = rng.choice(["iso", "us", "long"])
    mf = lambda x: fmt_money(x, "sym")  # noqa: E731
    acct_l = rng.choice(["Account", "Account #", "Account Number"])
    stmt_l = rng.choice(["Statement Date", "Bill Date"])
    cur_l = rng.choice(["Current Charges", "New Charges This Period"])
    cust_l = rng.choice(["Customer Name", "Account Holder", "Service For"])
    cust = _customer_name(d, rng.choice(["upper", "full"]))
    sep = rng.choice([" through ", " - "])
    d["read_type"] = "Actual"
    teal = (0, 105, 120)

    doc = Doc("Letter", footer_left=d["provider"] + " - " + d["web"])
    doc.add_page()
    doc.text_at(15, 12, d["provider"], size=17, style="B", color=teal, w=186, align="C")
    doc.text_at(15, 20, f"{d['pstreet']}  -  {d['pcity']}  -  {d['phone']}", size=8.5, w=186, align="C")
    doc.band(15, 28, 186, 13, (232, 242, 244))
    for i, (lab, val) in enumerate([(stmt_l, fmt_date(d["stmt"], ds)), (acct_l, d["account"]),
                                    ("Billing Days", str(d["days"]))]):
        doc.text_at(17 + i * 62, 29.5, lab, size=7.5, color=80, w=60)
        doc.text_at(17 + i * 62, 34, val, size=10, style="B", w=60)
    doc.text_at(15, 48, cust_l, size=8, color=80)
    doc.lines_at(15, 52.5, [cust, d["mail"][0], d["mail"][1]], size=10, w=95)
    doc.set_draw_color(*teal)
    doc.set_line_width(0.6)
    doc.rect(118, 47, 83, 26)
    doc.set_line_width(0.25)
    doc.set_draw_color(60)
    doc.text_at(121, 49, "Please Pay", size=10, style="B", color=teal)
    doc.text_at(121, 55, mf(d["amount_due"]), size=16, style="B", w=78)
    doc.text_at(121, 64, "by " + fmt_date(d["due"], ds), size=10, w=78)
    y = 82
    doc.text_at(15, y, f"Billing period: {fmt_date(d['start'], ds)}{sep}{fmt_date(d['end'], ds)}",
                size=9.5, w=186)
    y += 8
    doc.text_at(15, y, "Summary of Your Account", size=11, style="B", color=teal)
    y += 7
    rows = _summary_rows(d, mf, "Payment", ds) + [(cur_l, mf(d["current"]))]
    for lab, val in rows:
        doc.kv(17, y, lab, val, 130, 50, size=9.5, valign="R")
        y += 6
    doc.hline(130, y, 197)
    doc.kv(17, y + 1.5, "Total Amount Due", mf(d["amount_due"]), 130, 50, size=10.5, lstyle="B",
           vstyle="B", valign="R")
    doc.kv(17, y + 8, "Payment Due Date", fmt_date(d["due"], ds), 130, 50, size=9.5, valign="R")
    y += 20
    doc.text_at(15, y, "Service address: " + ", ".join(d["service_addr"]) + f"   Rate: {d['rate']}",
                size=8.5, w=186)
    doc.lines_at(15, y + 8, [
        f"Late payment charge: {mf(d['late_fee'])} if not paid by {fmt_date(d['due'], ds)}.",
        f"Next read date: {fmt_date(d['next_read'], ds)}.   24-hour service line: {d['outage']}.",
        "Usage and charge details are shown on page 2."], size=8.5, color=70, w=186)
    _stub(doc, d, 218, acct_l, "Due Date", "Amount Due", cust, mf, ds)
    doc.add_page()
    doc.text_at(15, 12, d["provider"], size=11, style="B", color=teal, w=110)
    doc.text_at(125, 12, f"{acct_l} {d['account']}", size=9, w=76, align="R")
    y = _usage_detail(doc, d, 15, 24, ds, mf)
    doc.kv(15, y + 1, "Total " + cur_l.lower(), mf(d["current"]), 146, 40, size=9.5, lstyle="B",
           vstyle="B", valign="R")
    y = _history_table(doc, d, 15, y + 13)
    doc.text_at(15, y + 6, "Messages", size=10, style="B", color=teal)
    doc.lines_at(15, y + 12, [
        f"Payment received on {fmt_date(d['pay_date'], ds)}: thank you." if d["paid"] > 0
        else "We have not received a payment since your last bill.",
        "Enroll in AutoPay and never miss a due date: " + d["web"],
        "Energy assistance programs are available for qualifying households.",
    ], size=8.5, w=186)
    return doc, {"account_number": d["account"], "customer_name": cust,
                 "statement_date": fmt_date(d["stmt"], ds), "period_start": fmt_date(d["start"], ds),
                 "period_end": fmt_date(d["end"], ds), "due_date": fmt_date(d["due"], ds),
                 "current_charges": mf(d["current"]), "amount_due": mf(d["amount_due"])}


def make_utility_bill(rng: random.Random, index: int):
    d = utility_data(rng, index)
    layout = UTILITY_LAYOUTS[index % len(UTILITY_LAYOUTS)]
    fn = {"classic": utility_layout_classic, "boxed": utility_layout_boxed,
          "two_column": utility_layout_two_column, "statement": utility_layout_statement}[layout]
    doc, printed = fn(d, rng)
    printed["provider_name"] = d["provider"]
    truth = {
        "provider_name": d["provider"],
        "account_number": d["account"],
        "customer_name": printed["customer_name"],
        "statement_date": d["stmt"].isoformat(),
        "period_start": d["start"].isoformat(),
        "period_end": d["end"].isoformat(),
        "due_date": d["due"].isoformat(),
        "current_charges": gt_money(d["current"]),
        "amount_due": gt_money(d["amount_due"]),
    }
    return doc, truth, printed, layout


# --------------------------------------------------------------------------------------------
# invoice
# --------------------------------------------------------------------------------------------
US_SELLERS = ["Brightline Software Solutions LLC", "Acme Industrial Supply Co.", "Copperleaf Design Studio",
              "Pioneer Office Products Inc.", "Summit Ridge Consulting Group", "Atlas Logistics Partners",
              "Greenfield Lab Equipment Corp."]
US_BUYERS = ["Riverside Community Hospital", "Hawthorne & Pike LLP", "Northgate Property Management",
             "Evergreen School District", "Coastal Freight Inc.", "Mesa Verde Dental Group"]
DE_SELLERS = [("Müller & Söhne Metallbau GmbH", "Industriestraße 12", "80339 München"),
              ("Schreiber IT-Service GmbH", "Hafenweg 4", "20457 Hamburg"),
              ("Bergmann Druck & Medien KG", "Gutenbergstraße 27", "70176 Stuttgart"),
              ("Hoffmann Bürobedarf GmbH", "Königsallee 88", "40212 Düsseldorf"),
              ("Weber Elektrotechnik GmbH", "Am Bahnhof 3", "04109 Leipzig"),
              ("Krause Logistik AG", "Ostring 150", "60385 Frankfurt am Main")]
DE_BUYERS = [("Stadtwerke Neuburg GmbH", "Donauwörther Straße 9", "86633 Neuburg"),
             ("Bäckerei Lindner", "Marktplatz 2", "97070 Würzburg"),
             ("Autohaus Richter GmbH & Co. KG", "Gewerbepark 17", "90431 Nürnberg"),
             ("Praxis Dr. Albrecht", "Lindenallee 5", "50968 Köln"),
             ("Fischer Maschinenbau AG", "Werkstraße 41", "33602 Bielefeld")]
UK_SELLERS = [("Thistle & Oak Joinery Ltd", "Unit 7, Canal Wharf", "Leeds LS11 5PS"),
              ("Kingsbridge Print Ltd", "14 Kirkgate", "Bradford BD1 1QE"),
              ("Harcourt Digital Ltd", "3rd Floor, 22 Queen Street", "Cardiff CF10 2BU"),
              ("Pennine Catering Supplies Ltd", "Moorside Industrial Estate", "Huddersfield HD1 6RT"),
              ("Ashworth Facilities Management Ltd", "8 Station Road", "Reading RG1 1LG")]
UK_BUYERS = [("Brackenridge Primary School", "School Lane", "York YO24 1AA"),
             ("Fenwick & Hale Solicitors", "41 Castle Street", "Chester CH1 2DS"),
             ("Northern Rail Services Ltd", "Wellington House, Park Row", "Leeds LS1 5HD"),
             ("The Old Mill Hotel", "Mill Lane", "Bath BA2 4JP"),
             ("Calder Valley Housing Association", "2 Market Street", "Halifax HX1 1PB")]
EU_SELLERS = [("Van der Berg Technical Services B.V.", "Keizersgracht 221", "1016 DV Amsterdam", "NL", "21"),
              ("Liffey Data Systems Ltd", "Block B, Sandyford Business Park", "Dublin, Ireland", "IE", "23"),
              ("Nordlicht Medien GmbH", "Mariahilfer Straße 45", "1060 Wien, Austria", "AT", "20"),
              ("Atelier Lumière SARL", "12 rue de la République", "69002 Lyon, France", "FR", "20"),
              ("Brouwer Packaging B.V.", "Stationsplein 8", "3511 ED Utrecht", "NL", "21"),
              ("Vlaanderen Facility Services NV", "Kortrijksesteenweg 310", "9000 Gent, Belgium", "BE", "21")]
EU_BUYERS = [("Rijnmond Logistics B.V.", "Waalhaven Zuidzijde 19", "3089 JH Rotterdam"),
             ("Café Oosterpark", "Oosterpark 60", "1092 AE Amsterdam"),
             ("Hotel Kaiserhof Wien GmbH", "Frankenberggasse 10", "1040 Wien"),
             ("Maison Dupont SA", "5 avenue Foch", "75116 Paris"),
             ("Greenway Co-Working Ltd", "Grand Canal Dock", "Dublin, Ireland")]
ITEMS_EN = [("IT support - remote, hourly", 85, 165, True), ("On-site technician visit", 120, 240, True),
            ("Software license, annual subscription", 240, 1800, False), ("Laptop docking station", 129, 289, False),
            ("Network switch, 24-port", 189, 640, False), ("Consulting services (hours)", 110, 225, True),
            ("Graphic design - brochure layout", 350, 1400, False), ("Printing, A4 flyers (500 pcs)", 85, 260, False),
            ("Copy paper, 5-ream carton", 32, 58, False), ("Toner cartridge, black", 59, 149, False),
            ("Project management (hours)", 95, 180, True), ("Freight / delivery", 25, 180, False),
            ("Stainless steel brackets (box of 50)", 45, 120, False), ("Safety gloves, pair", 4, 12, False),
            ("Cloud backup, 1 TB / month", 19, 79, False), ("Training workshop (half day)", 450, 1200, False),
            ("Data migration service", 600, 2400, False), ("Office chair, ergonomic", 189, 520, False)]
ITEMS_DE = [("Montagearbeiten (Stunden)", "Std.", 55, 95, True), ("Edelstahlgeländer, Maßanfertigung", "Stk.", 380, 2400, False),
            ("Fahrtkostenpauschale", "pausch.", 35, 90, False), ("IT-Support vor Ort", "Std.", 75, 120, True),
            ("Druck Flyer DIN A5, 1000 Stk.", "Stk.", 89, 240, False), ("Kopierpapier A4, 5 Pakete", "Stk.", 18, 34, False),
            ("Wartungsvertrag, monatlich", "Monat", 120, 450, False), ("Netzwerkkabel Cat. 6, 10 m", "Stk.", 6, 19, False),
            ("Softwarelizenz, 12 Monate", "Stk.", 240, 960, False), ("Beratung und Konzeption", "Std.", 90, 160, True),
            ("Transport und Lieferung", "pausch.", 40, 180, False), ("Schweißarbeiten", "Std.", 60, 98, True)]

INVOICE_LAYOUTS = ["us", "de", "uk", "eu"]


def _items(rng, pool, n, german=False):
    picked = rng.sample(pool, min(n, len(pool)))
    while len(picked) < n:
        picked.append(rng.choice(pool))
    out = []
    for it in picked:
        if german:
            desc, unit, lo, hi, hourly = it
        else:
            desc, lo, hi, hourly = it
            unit = ""
        if hourly:
            qty = Decimal(rng.choice(["1.5", "2", "3.5", "4", "6", "7.5", "8", "12"]))
        elif unit == "pausch." or desc.startswith(("Freight", "Training", "Data migration")):
            qty = Decimal(1)
        else:
            qty = Decimal(rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20]))
        price = rand_amount(rng, lo, hi)
        out.append(dict(desc=desc, unit=unit, qty=qty, price=price, amount=q(qty * price)))
    return out


def _qty(qty: Decimal, german=False) -> str:
    s = f"{qty.normalize():f}"
    return s.replace(".", ",") if german else s


def invoice_data(rng: random.Random, index: int, layout: str) -> dict:
    issue = rand_date(rng)
    long_doc = index % 3 == 2
    n_items = rng.randint(26, 34) if long_doc else rng.randint(2, 7)
    d = dict(issue=issue, long=long_doc, po=f"PO-{digits(rng, 5)}", cust_no=f"{rng.randint(10, 99)}{digits(rng, 4)}")
    terms_days = rng.choice([14, 21, 30, 30, 45])
    d["terms_days"] = terms_days
    # no printed due date ("Due on receipt", "Net 30", "Zahlbar sofort"): always for the 5th
    # document of every six, else at random
    no_due = index % 6 == 4 or (index >= 6 and rng.random() < 0.2)
    d["due"] = None if no_due else issue + dt.timedelta(days=terms_days)
    d["delivery"] = issue - dt.timedelta(days=rng.randint(1, 12))
    if layout == "us":
        d["seller"] = rng.choice(US_SELLERS)
        d["saddr"] = us_address(rng)
        d["buyer"] = rng.choice(US_BUYERS)
        d["baddr"] = us_address(rng)
        d["ship"] = us_address(rng) if rng.random() < 0.5 else d["baddr"]
        d["cur"] = "USD"
        d["vat"] = None
        d["ein"] = f"{rng.randint(10, 98)}-{digits(rng, 7)}" if rng.random() < 0.5 else None
        d["rate"] = Decimal(rng.choice(["0", "6.0", "6.25", "7.0", "7.25", "8.25", "8.875"]))
        d["number"] = rng.choice([f"INV-{issue.year}-{digits(rng, 5)}", f"{rng.randint(1, 9)}{digits(rng, 5)}",
                                  f"A{digits(rng, 6)}"])
        d["items"] = _items(rng, ITEMS_EN, n_items)
        d["deposit"] = None
    elif layout == "de":
        d["seller"], st, city = rng.choice(DE_SELLERS)
        d["saddr"] = (st, city)
        d["buyer"], bst, bcity = rng.choice(DE_BUYERS)
        d["baddr"] = (bst, bcity)
        d["cur"] = "EUR"
        d["vat"] = "DE" + rng.choice("123") + digits(rng, 8)
        d["rate"] = Decimal("19")
        d["number"] = rng.choice([f"RE-{issue.year}-{digits(rng, 4)}", f"{issue.year}{digits(rng, 4)}",
                                  f"R{digits(rng, 6)}"])
        d["items"] = _items(rng, ITEMS_DE, n_items, german=True)
        d["iban"] = "DE" + digits(rng, 2) + " " + " ".join(digits(rng, 4) for _ in range(4)) + " " + digits(rng, 2)
        d["bic"] = letters(rng, 6) + "XXX"
        d["steuernr"] = f"{digits(rng, 3)}/{digits(rng, 3)}/{digits(rng, 5)}"
        d["hrb"] = f"HRB {rng.randint(10000, 250000)}"
        d["contact"] = name_fmt(person(rng), "plain")
    elif layout == "uk":
        d["seller"], st, city = rng.choice(UK_SELLERS)
        d["saddr"] = (st, city)
        d["buyer"], bst, bcity = rng.choice(UK_BUYERS)
        d["baddr"] = (bst, bcity)
        d["cur"] = "GBP"
        d["vat"] = "GB" + digits(rng, 9)
        d["rate"] = Decimal("20")
        d["number"] = rng.choice([f"SI-{digits(rng, 6)}", f"INV{digits(rng, 5)}", f"{digits(rng, 5)}"])
        d["items"] = _items(rng, ITEMS_EN, n_items)
        d["company_no"] = digits(rng, 8)
        d["sort_code"] = f"{digits(rng, 2)}-{digits(rng, 2)}-{digits(rng, 2)}"
        d["bank_acct"] = digits(rng, 8)
        d["tax_point"] = issue - dt.timedelta(days=rng.choice([0, 0, 1, 2, 3]))
    else:
        d["seller"], st, city, cc, rate = rng.choice(EU_SELLERS)
        d["saddr"] = (st, city)
        d["cc"] = cc
        d["buyer"], bst, bcity = rng.choice(EU_BUYERS)
        d["baddr"] = (bst, bcity)
        d["cur"] = "EUR"
        d["vat"] = {"NL": lambda: "NL" + digits(rng, 9) + "B0" + str(rng.randint(1, 9)),
                    "IE": lambda: "IE" + digits(rng, 7) + rng.choice("ABCDFHKLMTW"),
                    "AT": lambda: "ATU" + digits(rng, 8),
                    "FR": lambda: "FR" + digits(rng, 2) + digits(rng, 9),
                    "BE": lambda: "BE0" + digits(rng, 9)}[cc]()
        d["buyer_vat"] = rng.choice(["NL", "DE", "FR", "BE"]) + digits(rng, 9) + ("B01" if rng.random() < 0.3 else "")
        d["rate"] = Decimal(rate)
        d["number"] = rng.choice([f"{issue.year}-{digits(rng, 4)}", f"F{issue.year}-{digits(rng, 4)}",
                                  f"INV/{issue.year}/{digits(rng, 4)}"])
        d["items"] = _items(rng, ITEMS_EN, n_items)
        d["iban"] = cc + digits(rng, 2) + " " + letters(rng, 4) + " " + " ".join(digits(rng, 4) for _ in range(2)) + " " + digits(rng, 2)
        d["kvk"] = digits(rng, 8)
    d["net"] = sum(it["amount"] for it in d["items"])
    d["tax"] = q(d["net"] * d["rate"] / 100)
    d["gross"] = d["net"] + d["tax"]
    if layout == "us" and rng.random() < 0.3:
        d["deposit"] = q(d["gross"] * Decimal(rng.choice(["0.25", "0.3", "0.5"])))
        d["deposit_date"] = issue - dt.timedelta(days=rng.randint(10, 40))
    return d


def _rate_str(rate: Decimal, german=False) -> str:
    s = f"{rate.normalize():f}"
    return s.replace(".", ",") if german else s


def _item_pages(doc, items, y0, y_limit_first, y_limit, draw_header, draw_row, row_h, carry, on_new_page):
    """Draw item rows over as many pages as needed. Returns y after the last row."""
    y = draw_header(y0)
    running = Decimal("0")
    limit = y_limit_first
    for i, it in enumerate(items):
        if y + row_h > limit:
            carry("out", y, running)
            doc.add_page()
            y = on_new_page()
            y = carry("in", y, running)
            y = draw_header(y)
            limit = y_limit
        draw_row(y, i, it)
        running += it["amount"]
        y += row_h
    return y


def invoice_layout_us(d, rng):
    ds = rng.choice(["us", "long"])
    money_style = rng.choice(["sym", "plain"])
    mf = lambda x: fmt_money(x, money_style, "USD")  # noqa: E731
    num_l = rng.choice(["Invoice #", "Invoice No.", "Invoice Number"])
    date_l = rng.choice(["Invoice Date", "Date", "Issue Date"])
    due_l = rng.choice(["Due Date", "Payment Due"])
    total_l = rng.choice(["Total", "Total Due", "Invoice Total", "TOTAL (USD)"])
    net_l = rng.choice(["Subtotal", "Sub Total", "Net Amount"])
    accent = rng.choice([(40, 40, 40), (30, 70, 140), (140, 40, 40)])
    doc = Doc("Letter", footer_left=f"{d['seller']} - {d['saddr'][0]}, {d['saddr'][1]}")
    doc.add_page()
    doc.text_at(15, 14, d["seller"], size=14, style="B", color=accent, w=110)
    seller_lines = [d["saddr"][0], d["saddr"][1], f"Phone {phone(rng)}",
                    "billing@" + re.sub(r"[^a-z]", "", d["seller"].lower().split()[0]) + ".com"]
    if d["ein"]:
        seller_lines.append(f"EIN {d['ein']}")
    doc.lines_at(15, 22, seller_lines, size=8.5, w=100)
    doc.text_at(130, 12, "INVOICE", size=24, style="B", color=accent, w=71, align="R")
    meta = [(num_l, d["number"]), (date_l, fmt_date(d["issue"], ds))]
    if d["due"]:
        meta.append((due_l, fmt_date(d["due"], ds)))
    else:
        meta.append(("Terms", rng.choice(["Due on receipt", f"Net {d['terms_days']}"])))
    meta += [("PO Number", d["po"]), ("Customer ID", d["cust_no"]), ("Currency", "USD")]
    y = 24
    for lab, val in meta:
        doc.kv(118, y, lab, val, 34, 49, size=9, lstyle="B", valign="R")
        y += 5.5
    y = max(y, 50) + 6
    for x, title, lines in [(15, "BILL TO", [d["buyer"], "Attn: Accounts Payable", *d["baddr"]]),
                            (110, "SHIP TO", [d["buyer"], "Receiving Dock", *d["ship"]])]:
        doc.band(x, y, 88, 5.5, (235, 235, 235))
        doc.text_at(x + 1, y + 0.7, title, size=8.5, style="B")
        doc.lines_at(x + 1, y + 7.5, lines, size=9, w=87)
    y += 33
    cols = [("Description", 96, "L"), ("Qty", 20, "R"), ("Unit Price", 35, "R"), ("Amount", 35, "R")]

    def header(yy):
        doc.band(15, yy, 186, 6.5, accent)
        cx = 15
        for t, w, a in cols:
            doc.text_at(cx, yy + 1, t, size=8.5, style="B", color=255, w=w, align=a)
            cx += w
        return yy + 7.5

    def row(yy, i, it):
        vals = [it["desc"], _qty(it["qty"]), mf(it["price"]), mf(it["amount"])]
        cx = 15
        for (t, w, a), v in zip(cols, vals):
            doc.text_at(cx, yy, v, size=9, w=w, align=a)
            cx += w
        doc.hline(15, yy + 5.6, 201, width=0.1)

    def carry(kind, yy, running):
        if kind == "out":
            doc.text_at(15, yy + 2, "Continued on next page", size=8.5, style="I", w=90)
            doc.kv(110, yy + 2, "Page subtotal", mf(running), 56, 35, size=9, valign="R")
            return yy
        doc.kv(110, yy, "Subtotal brought forward", mf(running), 56, 35, size=9, valign="R")
        return yy + 8

    def new_page():
        doc.text_at(15, 12, d["seller"], size=11, style="B", color=accent, w=110)
        doc.text_at(118, 12, f"{num_l} {d['number']} (continued)", size=9, w=83, align="R")
        return 24

    y = _item_pages(doc, d["items"], y, 232, 232, header, row, 6.2, carry, new_page)
    if y > 205:
        doc.add_page()
        y = new_page()
    y += 4
    tax_label = f"Sales Tax ({_rate_str(d['rate'])}%)" if d["rate"] else "Sales Tax (exempt)"
    tots = [(net_l, mf(d["net"]), ""), (tax_label, mf(d["tax"]), ""), (total_l, mf(d["gross"]), "B")]
    if d.get("deposit"):
        tots += [(f"Deposit received {fmt_date(d['deposit_date'], ds)}", mf(-d["deposit"]), ""),
                 ("Balance Due", mf(d["gross"] - d["deposit"]), "B")]
    for lab, val, st in tots:
        doc.kv(105, y, lab, val, 61, 35, size=9.5, lstyle=st, vstyle=st, valign="R")
        y += 6.5
    y += 6
    terms = f"Payment terms: Net {d['terms_days']} days." if d["due"] else "Payment terms: see above."
    doc.lines_at(15, y, [terms + " All amounts are in US dollars (USD).",
                         f"Please make checks payable to {d['seller']} and reference invoice {d['number']}.",
                         "Thank you for your business!"], size=8.5, w=186)
    printed = {"invoice_number": d["number"], "issue_date": fmt_date(d["issue"], ds),
               "due_date": fmt_date(d["due"], ds) if d["due"] else None, "currency": "USD",
               "net_total": mf(d["net"]), "tax_total": mf(d["tax"]), "grand_total": mf(d["gross"])}
    return doc, printed


def invoice_layout_de(d, rng):
    ds = rng.choice(["de", "de", "iso"])
    money_style = rng.choice(["de", "de_plain"])
    mf = lambda x: fmt_money(x, money_style, "EUR")  # noqa: E731
    num_l = rng.choice(["Rechnungsnr.", "Rechnungsnummer", "Rechnung Nr."])
    date_l = rng.choice(["Rechnungsdatum", "Datum"])
    net_l = rng.choice(["Nettobetrag", "Summe netto", "Gesamt netto"])
    tax_l = rng.choice([f"zzgl. {_rate_str(d['rate'], True)} % MwSt.", f"Umsatzsteuer {_rate_str(d['rate'], True)} %"])
    total_l = rng.choice(["Gesamtbetrag", "Rechnungsbetrag", "Gesamt brutto"])
    doc = Doc("A4", footer_left="")
    doc.page_numbers = True
    saddr = d["saddr"]

    def footer_block():
        y = 268
        doc.hline(15, y - 2, 195, width=0.15)
        doc.lines_at(15, y, [d["seller"], saddr[0], saddr[1]], size=6.8, color=80, w=58)
        doc.lines_at(75, y, [f"IBAN: {d['iban']}", f"BIC: {d['bic']}",
                             "Geschäftsführer: " + d["contact"]], size=6.8, color=80, w=62)
        doc.lines_at(140, y, [f"USt-IdNr.: {d['vat']}", f"Steuernr.: {d['steuernr']}", f"Amtsgericht {saddr[1].split(' ', 1)[1]} {d['hrb']}"],
                     size=6.8, color=80, w=55)

    doc.add_page()
    doc.text_at(110, 14, d["seller"], size=13, style="B", w=85, align="R")
    doc.lines_at(110, 21, [saddr[0], saddr[1], f"Tel. +49 {rng.randint(30, 89)} {digits(rng, 7)}",
                           "info@" + re.sub(r"[^a-z]", "", d["seller"].lower().split()[0].replace("ü", "ue").replace("ö", "oe")) + ".de"],
                  size=8.5, w=85, align="R")
    doc.text_at(20, 45, f"{d['seller']} · {saddr[0]} · {saddr[1]}", size=6.5, color=90, w=85)
    doc.hline(20, 48.5, 105, width=0.1)
    doc.lines_at(20, 51, [d["buyer"], rng.choice(["z. Hd. Buchhaltung", "Rechnungseingang", "Einkauf"]),
                          d["baddr"][0], d["baddr"][1]], size=10, w=85)
    info = [(num_l + ":", d["number"]), (date_l + ":", fmt_date(d["issue"], ds)),
            ("Kundennr.:", d["cust_no"]), (rng.choice(["Lieferdatum:", "Leistungsdatum:"]), fmt_date(d["delivery"], ds)),
            ("Ihre Bestellung:", d["po"])]
    due_in_block = d["due"] and rng.random() < 0.5
    if due_in_block:
        info.append(("Fällig am:", fmt_date(d["due"], ds)))
    y = 51
    for lab, val in info:
        doc.kv(120, y, lab, val, 35, 40, size=9)
        y += 5
    doc.text_at(20, 82, f"Rechnung {d['number']}", size=14, style="B", w=170)
    doc.lines_at(20, 91, ["Sehr geehrte Damen und Herren,",
                          "für unsere Lieferungen und Leistungen erlauben wir uns, Ihnen Folgendes in Rechnung zu stellen:"],
                 size=9, w=175)
    cols = [("Pos.", 11, "L"), ("Bezeichnung", 77, "L"), ("Menge", 16, "R"), ("Einheit", 16, "L"),
            ("Einzelpreis", 27, "R"), ("Gesamtpreis", 28, "R")]
    x0 = 20

    def header(yy):
        doc.band(x0, yy, 175, 6, (230, 230, 230))
        cx = x0
        for t, w, a in cols:
            doc.text_at(cx, yy + 0.8, t, size=8.5, style="B", w=w, align=a)
            cx += w
        doc.text_at(x0, yy + 6.5, "Alle Preise in EUR", size=7, color=90, w=60)
        return yy + 11

    def row(yy, i, it):
        vals = [str(i + 1), it["desc"], _qty(it["qty"], True), it["unit"], fmt_money(it["price"], "de_plain"),
                fmt_money(it["amount"], "de_plain")]
        cx = x0
        for (t, w, a), v in zip(cols, vals):
            doc.text_at(cx, yy, v, size=9, w=w, align=a)
            cx += w

    def carry(kind, yy, running):
        if kind == "out":
            doc.hline(x0, yy + 1, x0 + 175, width=0.15)
            doc.kv(x0 + 100, yy + 2, "Übertrag:", mf(running), 40, 35, size=9, valign="R")
            footer_block()
            return yy
        doc.kv(x0 + 100, yy, "Übertrag:", mf(running), 40, 35, size=9, valign="R")
        return yy + 8

    def new_page():
        doc.text_at(20, 14, f"{d['seller']} - Rechnung {d['number']} vom {fmt_date(d['issue'], ds)}", size=9, w=175)
        return 26

    y = _item_pages(doc, d["items"], 102, 250, 250, header, row, 5.8, carry, new_page)
    if y > 215:
        footer_block()
        doc.add_page()
        y = new_page()
    doc.hline(x0, y + 1, x0 + 175, width=0.2)
    y += 4
    for lab, val, st in [(net_l, mf(d["net"]), ""), (tax_l, mf(d["tax"]), ""), (total_l, mf(d["gross"]), "B")]:
        doc.kv(x0 + 90, y, lab, val, 50, 35, size=9.5, lstyle=st, vstyle=st, valign="R")
        y += 6
    y += 6
    if d["due"] and not due_in_block:
        pay = f"Zahlbar bis {fmt_date(d['due'], ds)} ohne Abzug."
    elif d["due"]:
        pay = "Bitte begleichen Sie den Rechnungsbetrag bis zum oben genannten Fälligkeitsdatum."
    else:
        pay = rng.choice(["Zahlbar sofort nach Erhalt ohne Abzug.",
                          f"Zahlbar innerhalb von {d['terms_days']} Tagen nach Rechnungseingang ohne Abzug."])
    doc.lines_at(20, y, [pay, f"Bitte geben Sie bei der Überweisung die Rechnungsnummer {d['number']} an.",
                         "Vielen Dank für Ihren Auftrag!", "", "Mit freundlichen Grüßen", d["contact"]],
                 size=9, w=175)
    footer_block()
    printed = {"invoice_number": d["number"], "issue_date": fmt_date(d["issue"], ds),
               "due_date": fmt_date(d["due"], ds) if d["due"] else None, "currency": "EUR",
               "seller_vat_id": d["vat"], "net_total": mf(d["net"]), "tax_total": mf(d["tax"]),
               "grand_total": mf(d["gross"])}
    return doc, printed


def invoice_layout_uk(d, rng):
    ds = rng.choice(["dmy", "dmy_long", "long"])
    money_style = rng.choice(["sym", "plain", "code"])
    mf = lambda x: fmt_money(x, money_style, "GBP")  # noqa: E731
    title = rng.choice(["TAX INVOICE", "INVOICE"])
    num_l = rng.choice(["Invoice No.", "Invoice Number"])
    date_l = rng.choice(["Invoice Date", "Date of Issue"])
    due_l = rng.choice(["Payment Due", "Due Date"])
    net_l = rng.choice(["Net Total", "Total Net", "Subtotal"])
    vat_l = rng.choice([f"VAT @ {_rate_str(d['rate'])}%", "Total VAT"])
    total_l = rng.choice(["Total Due", "Invoice Total", "TOTAL GBP"])
    dark = (45, 55, 72)
    doc = Doc("A4", footer_left=f"{d['seller']} - Registered in England & Wales No. {d['company_no']}")
    doc.add_page()
    doc.band(0, 0, doc.w, 24, dark)
    doc.text_at(15, 7, d["seller"], size=15, style="B", color=255, w=120)
    doc.text_at(140, 7, title, size=16, style="B", color=255, w=55, align="R")
    doc.text_at(15, 27, f"{d['saddr'][0]}, {d['saddr'][1]}  |  Tel {rng.choice(['0113', '0121', '029', '0118'])} "
                f"{digits(rng, 3)} {digits(rng, 4)}  |  VAT Reg. No. {d['vat']}", size=8.5, w=180)
    bw = 180 / 4
    boxes = [(num_l, d["number"]), (date_l, fmt_date(d["issue"], ds))]
    boxes.append((due_l, fmt_date(d["due"], ds)) if d["due"] else ("Terms", f"{d['terms_days']} days net"))
    boxes.append(("Tax Point", fmt_date(d["tax_point"], ds)))
    for i, (lab, val) in enumerate(boxes):
        doc.box(15 + i * bw, 36, bw, 14, lab, val, lsize=7.5, vsize=10.5, vstyle="B")
    doc.box(15, 54, 88, 30, "Invoice To", [d["buyer"], *d["baddr"], f"Your Ref: {d['po']}"], lsize=7.5, vsize=9.5)
    doc.box(107, 54, 88, 30, "Deliver To", [d["buyer"], "Goods In", *d["baddr"]], lsize=7.5, vsize=9.5)
    cols = [("Code", 22, "L"), ("Description", 70, "L"), ("Qty", 14, "R"), ("Unit Price", 28, "R"),
            ("VAT %", 14, "R"), ("Net Amount", 32, "R")]
    codes = {}

    def header(yy):
        return doc.table(15, yy, cols, [], size=8.5, header_fill=(210, 214, 222)) + 0.8

    def row(yy, i, it):
        code = codes.setdefault(i, d["seller"][:3].upper() + "-" + str(1000 + (i * 37 + len(it["desc"]) * 11) % 9000))
        vals = [code, it["desc"], _qty(it["qty"]), mf(it["price"]), _rate_str(d["rate"]), mf(it["amount"])]
        cx = 15
        for (t, w, a), v in zip(cols, vals):
            doc.text_at(cx, yy, v, size=8.5, w=w, align=a)
            cx += w
        doc.rect(15, yy - 0.6, 180, 5.8)

    def carry(kind, yy, running):
        if kind == "out":
            doc.kv(100, yy + 2, "Carried forward", mf(running), 60, 35, size=9, valign="R")
            return yy
        doc.kv(100, yy, "Brought forward", mf(running), 60, 35, size=9, valign="R")
        return yy + 8

    def new_page():
        doc.band(0, 0, doc.w, 12, dark)
        doc.text_at(15, 3, f"{d['seller']}  -  {num_l} {d['number']}", size=9.5, style="B", color=255, w=180)
        return 20

    y = _item_pages(doc, d["items"], 90, 262, 262, header, row, 5.8, carry, new_page)
    if y > 225:
        doc.add_page()
        y = new_page()
    y += 5
    tx = 115
    doc.rect(tx, y - 1, 80, 21)
    for lab, val, st in [(net_l, mf(d["net"]), ""), (vat_l, mf(d["tax"]), ""), (total_l, mf(d["gross"]), "B")]:
        doc.kv(tx + 2, y, lab, val, 38, 38, size=9.5, lstyle=st, vstyle=st, valign="R")
        y += 6.5
    doc.lines_at(15, y - 19, [f"Payment by BACS to {d['seller']}", f"Sort Code: {d['sort_code']}",
                              f"Account No: {d['bank_acct']}", f"Reference: {d['number']}",
                              "All amounts in GBP."], size=8.5, w=95)
    doc.text_at(15, y + 6, "Goods remain our property until paid in full. Thank you for your custom.", size=8,
                color=80, w=180)
    printed = {"invoice_number": d["number"], "issue_date": fmt_date(d["issue"], ds),
               "due_date": fmt_date(d["due"], ds) if d["due"] else None, "currency": "GBP",
               "seller_vat_id": d["vat"], "net_total": mf(d["net"]), "tax_total": mf(d["tax"]),
               "grand_total": mf(d["gross"])}
    return doc, printed


def invoice_layout_eu(d, rng):
    ds = rng.choice(["iso", "de", "dmy"])
    money_style = rng.choice(["code", "sym", "de"])
    mf = lambda x: fmt_money(x, money_style, "EUR")  # noqa: E731
    num_l = rng.choice(["Invoice number", "Invoice no.", "Invoice #"])
    date_l = rng.choice(["Invoice date", "Date"])
    due_l = rng.choice(["Due date", "Payment due"])
    vat_l = rng.choice(["VAT No.", "VAT ID", "VAT number"])
    net_l = rng.choice(["Subtotal", "Total excl. VAT", "Net amount"])
    total_l = rng.choice(["Total", "Total incl. VAT", "Amount due"])
    buyer_l = rng.choice(["Bill to", "Customer", "Invoice to"])
    blue = (0, 84, 147)
    doc = Doc("A4", footer_left=f"{d['seller']} - {vat_l} {d['vat']} - IBAN {d['iban']}")
    doc.add_page()
    doc.text_at(15, 14, d["seller"], size=14, style="B", color=blue, w=100)
    seller_lines = [*d["saddr"], f"{vat_l}: {d['vat']}"]
    if d["cc"] == "NL":
        seller_lines.append(f"KvK: {d['kvk']}")
    doc.lines_at(15, 22, seller_lines, size=8.5, w=95)
    doc.text_at(120, 13, "INVOICE", size=22, style="B", color=blue, w=75, align="R")
    meta = [(num_l, d["number"]), (date_l, fmt_date(d["issue"], ds))]
    if d["due"]:
        meta.append((due_l, fmt_date(d["due"], ds)))
    meta += [("Customer no.", d["cust_no"]), ("Order ref.", d["po"]), ("Currency", "EUR")]
    y = 25
    for lab, val in meta:
        doc.kv(120, y, lab + ":", val, 30, 45, size=9)
        y += 5.3
    y = max(y, 50) + 4
    doc.text_at(15, y, buyer_l + ":", size=8.5, style="B", color=blue)
    doc.lines_at(15, y + 5, [d["buyer"], *d["baddr"], f"Customer VAT No.: {d['buyer_vat']}"], size=9.5, w=100)
    doc.text_at(120, y, "Delivery date:", size=8.5, style="B", color=blue)
    doc.text_at(120, y + 5, fmt_date(d["delivery"], ds), size=9.5, w=75)
    y += 30
    cols = [("#", 9, "L"), ("Description", 78, "L"), ("Quantity", 18, "R"), ("Unit price", 28, "R"),
            ("VAT", 13, "R"), ("Amount", 34, "R")]

    def header(yy):
        cx = 15
        for t, w, a in cols:
            doc.text_at(cx, yy, t, size=8.5, style="B", color=blue, w=w, align=a)
            cx += w
        doc.hline(15, yy + 5.5, 195, width=0.4)
        return yy + 7

    def row(yy, i, it):
        vals = [str(i + 1), it["desc"], _qty(it["qty"]), mf(it["price"]), f"{_rate_str(d['rate'])}%", mf(it["amount"])]
        cx = 15
        for (t, w, a), v in zip(cols, vals):
            doc.text_at(cx, yy, v, size=8.8, w=w, align=a)
            cx += w

    def carry(kind, yy, running):
        if kind == "out":
            doc.kv(100, yy + 2, "Subtotal this page", mf(running), 60, 35, size=9, valign="R")
            return yy
        doc.kv(100, yy, "Carried over", mf(running), 60, 35, size=9, valign="R")
        return yy + 8

    def new_page():
        doc.text_at(15, 13, d["seller"], size=11, style="B", color=blue, w=100)
        doc.text_at(120, 13, f"{num_l} {d['number']}", size=9, w=75, align="R")
        return 24

    y = _item_pages(doc, d["items"], y, 262, 262, header, row, 5.8, carry, new_page)
    if y > 228:
        doc.add_page()
        y = new_page()
    doc.hline(110, y + 1, 195, width=0.3)
    y += 4
    for lab, val, st in [(net_l, mf(d["net"]), ""), (f"VAT {_rate_str(d['rate'])}%", mf(d["tax"]), ""),
                         (total_l, mf(d["gross"]), "B")]:
        doc.kv(110, y, lab, val, 45, 40, size=9.5, lstyle=st, vstyle=st, valign="R")
        y += 6
    y += 6
    lines = [f"Please transfer the total amount to IBAN {d['iban']} quoting invoice {d['number']}."]
    lines.append(f"Payment terms: {d['terms_days']} days net." if d["due"] else "Payment terms: payable on receipt.")
    doc.lines_at(15, y, lines, size=8.5, w=180)
    printed = {"invoice_number": d["number"], "issue_date": fmt_date(d["issue"], ds),
               "due_date": fmt_date(d["due"], ds) if d["due"] else None, "currency": "EUR",
               "seller_vat_id": d["vat"], "net_total": mf(d["net"]), "tax_total": mf(d["tax"]),
               "grand_total": mf(d["gross"])}
    return doc, printed


def make_invoice(rng: random.Random, index: int):
    layout = INVOICE_LAYOUTS[index % len(INVOICE_LAYOUTS)]
    d = invoice_data(rng, index, layout)
    fn = {"us": invoice_layout_us, "de": invoice_layout_de, "uk": invoice_layout_uk,
          "eu": invoice_layout_eu}[layout]
    doc, printed = fn(d, rng)
    printed.update(seller_name=d["seller"], buyer_name=d["buyer"])
    printed.setdefault("seller_vat_id", None)
    truth = {
        "invoice_number": d["number"],
        "issue_date": d["issue"].isoformat(),
        "due_date": d["due"].isoformat() if d["due"] else None,
        "seller_name": d["seller"],
        "seller_vat_id": d["vat"],
        "buyer_name": d["buyer"],
        "currency": d["cur"],
        "net_total": gt_money(d["net"]),
        "tax_total": gt_money(d["tax"]),
        "grand_total": gt_money(d["gross"]),
        "line_items": [{"description": it["desc"], "quantity": f"{it['qty'].normalize():f}",
                        "unit_price": gt_money(it["price"]), "amount": gt_money(it["amount"])}
                       for it in d["items"]],
    }
    return doc, truth, printed, layout


# --------------------------------------------------------------------------------------------
# insurance claim (CMS-1500-like)
# --------------------------------------------------------------------------------------------
PAYERS = [("Blue Ridge Health Plan", "PO Box 30412", "Roanoke, VA 24022"),
          ("Meridian Mutual Health Insurance", "PO Box 8800", "Indianapolis, IN 46206"),
          ("Cascadia Care Insurance Co.", "PO Box 4127", "Portland, OR 97208"),
          ("Keystone Health Partners", "PO Box 2210", "Harrisburg, PA 17105"),
          ("Granite Peak Benefits", "PO Box 1550", "Salt Lake City, UT 84110"),
          ("Sunrise Medicare Advantage", "PO Box 60018", "Phoenix, AZ 85082"),
          ("Heartland Health Alliance", "PO Box 9102", "Des Moines, IA 50306"),
          ("Pacific Crest Health", "PO Box 7740", "Sacramento, CA 95852"),
          ("United Prairie Health", "PO Box 3360", "Sioux Falls, SD 57101"),
          ("Liberty Shield Health Plans", "PO Box 5530", "Hartford, CT 06102"),
          ("Evergreen Health Cooperative", "PO Box 21150", "Seattle, WA 98111"),
          ("Golden Gate Health Assurance", "PO Box 44120", "Oakland, CA 94604"),
          ("Magnolia State Health Plan", "PO Box 1290", "Jackson, MS 39215"),
          ("Lone Star Family Health", "PO Box 650", "Dallas, TX 75221"),
          ("Atlantic Coast Benefits Administrators", "PO Box 1800", "Charleston, SC 29402")]
PROVIDERS = ["Lakeview Family Medicine PC", "Riverside Orthopedic Associates", "Harbor Pediatrics LLC",
             "Northside Internal Medicine Group", "Cedar Hills Urgent Care", "Bayview Cardiology Associates",
             "Summit Physical Therapy Inc.", "Willow Creek Dermatology", "Oak Park Endocrinology PLLC",
             "Maple Grove Pulmonary Clinic", "Sunset Family Health Center", "Greenway Medical Associates",
             "Parkside Pain & Spine Center", "Hillcrest Primary Care", "Brookside Women's Health"]
FACILITIES = ["Main Street Medical Plaza", "Westside Outpatient Center", "Lakeview Medical Pavilion",
              "Riverside Professional Building"]
ICD10 = [("E11.9", "Type 2 diabetes mellitus without complications"), ("I10", "Essential (primary) hypertension"),
         ("J45.909", "Unspecified asthma, uncomplicated"), ("M54.5", "Low back pain"),
         ("E78.5", "Hyperlipidemia, unspecified"), ("J06.9", "Acute upper respiratory infection, unspecified"),
         ("K21.9", "Gastro-esophageal reflux disease without esophagitis"), ("F41.1", "Generalized anxiety disorder"),
         ("N39.0", "Urinary tract infection, site not specified"), ("Z00.00", "Encounter for general adult medical exam"),
         ("M25.561", "Pain in right knee"), ("J02.9", "Acute pharyngitis, unspecified"),
         ("E66.9", "Obesity, unspecified"), ("G43.909", "Migraine, unspecified"), ("R10.9", "Unspecified abdominal pain"),
         ("E03.9", "Hypothyroidism, unspecified"), ("R05.9", "Cough, unspecified"), ("L70.0", "Acne vulgaris"),
         ("I25.10", "Atherosclerotic heart disease of native coronary artery"), ("Z23", "Encounter for immunization"),
         ("M17.11", "Unilateral primary osteoarthritis, right knee")]
CPT = [("99203", "Office visit, new patient, low", 150, 220, 1),
       ("99213", "Office visit, est. patient, low", 95, 160, 1),
       ("99214", "Office visit, est. patient, moderate", 140, 230, 1),
       ("99396", "Preventive visit, established patient, age 40-64", 180, 260, 1),
       ("36415", "Routine venipuncture", 12, 30, 1), ("80053", "Comprehensive metabolic panel", 35, 90, 1),
       ("85025", "Complete blood count with differential", 20, 55, 1), ("83036", "Hemoglobin glycated (HbA1c)", 25, 60, 1),
       ("93000", "Electrocardiogram, complete", 45, 110, 1), ("71046", "Chest x-ray, 2 views", 70, 160, 1),
       ("97110", "Therapeutic exercise, each 15 minutes", 40, 85, 4), ("97140", "Manual therapy, each 15 minutes", 40, 85, 3),
       ("20610", "Arthrocentesis, major joint", 120, 260, 1), ("90471", "Immunization administration", 20, 40, 1),
       ("94010", "Spirometry", 45, 120, 1), ("81002", "Urinalysis, non-automated", 8, 25, 1),
       ("90686", "Influenza vaccine, quadrivalent", 25, 55, 1), ("11102", "Tangential biopsy of skin, single lesion", 110, 210, 1)]
ICD_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?(?![A-Za-z0-9])")
ICD_SCHEMA = re.compile(r"[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")

CLAIM_LAYOUTS = ["cms1500", "summary", "two_column"]


def claim_data(rng: random.Random, index: int, layout: str) -> dict:
    payer, pst, pcity = rng.choice(PAYERS)
    patient = person(rng)
    relation = rng.choice(["Self", "Self", "Self", "Spouse", "Child"])
    insured = patient if relation == "Self" else (rng.choice(FIRST), rng.choice(MIDDLE), patient[2])
    start = rand_date(rng)
    long_claim = layout != "cms1500" and (index // 3) % 2 == 1
    n_lines = rng.randint(7, 11) if long_claim else rng.randint(1, 6)
    span = rng.choice([0, 0, 0, 1, 2, 7, 14, 21])
    lines = []
    for k, (code, desc, lo, hi, max_units) in enumerate(rng.sample(CPT, n_lines)):
        day = start if k == 0 else start + dt.timedelta(days=rng.randint(0, span))
        units = rng.randint(1, max_units)
        unit_price = rand_amount(rng, lo, hi)
        lines.append(dict(date=day, cpt=code, desc=desc, units=units, charge=q(unit_price * units),
                          mod=rng.choice(["", "", "", "25", "59"]) if code.startswith("99") else "",
                          pos=rng.choice(["11", "11", "22"]), ptr=""))
    lines.sort(key=lambda ln: ln["date"])
    n_dx = rng.randint(1, 4)
    dx = rng.sample(ICD10, n_dx)
    for ln in lines:
        k = rng.randint(1, n_dx)
        ln["ptr"] = "".join("ABCD"[i] for i in sorted(rng.sample(range(n_dx), k)))[:4]
    age_years = rng.randint(2, 88)
    dob = start - dt.timedelta(days=age_years * 365 + rng.randint(20, 340))
    ins_dob = dob if relation == "Self" else dob - dt.timedelta(days=rng.randint(20, 35) * 365 + rng.randint(0, 300))
    if relation == "Spouse":
        ins_dob = dob - dt.timedelta(days=rng.randint(-4, 6) * 365 + rng.randint(30, 300))
    total = sum(ln["charge"] for ln in lines)
    sex = rng.choice("MF")
    ins_sex = sex if relation == "Self" else ({"M": "F", "F": "M"}[sex] if relation == "Spouse" else rng.choice("MF"))
    provider = rng.choice(PROVIDERS)
    prefix = letters(rng, 3, "BCDFGHJKMNPQRSTWXYZ")
    return dict(
        payer=payer, pst=pst, pcity=pcity, patient=patient, insured=insured, relation=relation,
        insured_id=rng.choice([prefix + digits(rng, 9), prefix + digits(rng, 8) + "01", f"{prefix}{digits(rng, 6)}{rng.randint(10, 99)}"]),
        group=rng.choice([f"GRP-{digits(rng, 6)}", f"{digits(rng, 7)}-{digits(rng, 3)}", digits(rng, 6)]),
        paddr=us_address(rng), pphone=phone(rng, rng.choice(["217", "608", "614", "208", "804"])),
        dob=dob, ins_dob=ins_dob, sex=sex, ins_sex=ins_sex, start=lines[0]["date"], end=lines[-1]["date"],
        lines=lines, dx=dx, total=total, paid=rng.choice([Decimal("0"), Decimal("0"), Decimal("20"),
                                                           Decimal("30"), Decimal("40")]),
        provider=provider, npi=make_npi(rng), provaddr=us_address(rng), provphone=phone(rng, rng.choice(["217", "614", "919"])),
        ein=f"{rng.randint(10, 98)}-{digits(rng, 7)}", rendering=name_fmt(person(rng), "upper") + " MD",
        rendering_npi=make_npi(rng), referring=name_fmt(person(rng), "upper") + " MD", referring_npi=make_npi(rng),
        facility=rng.choice(FACILITIES), facility_addr=us_address(rng), facility_npi=make_npi(rng),
        acct_no=f"{rng.randint(100, 999)}{digits(rng, 5)}", claim_no=f"{start.year}{digits(rng, 8)}",
        onset=start - dt.timedelta(days=rng.randint(3, 120)), sign_date=lines[-1]["date"] + dt.timedelta(days=rng.randint(1, 9)),
        prior_auth=digits(rng, 10) if rng.random() < 0.3 else "",
        payer_id=digits(rng, 5),
    )


def claim_layout_cms1500(d, rng):
    ds = "us"
    mf = lambda x: fmt_money(x, "plain")  # noqa: E731
    pname = name_fmt(d["patient"], "last_first")
    iname = name_fmt(d["insured"], "last_first")
    payer = d["payer"].upper()
    doc = Doc("Letter", footer_left="NUCC Instruction Manual available at: www.nucc.org", page_numbers=False)
    doc.add_page()
    red = (170, 30, 30)
    doc.set_draw_color(*red)
    doc.text_at(15, 13, "HEALTH INSURANCE CLAIM FORM", size=13, style="B", color=red)
    doc.text_at(15, 19, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12", size=7, color=red)
    doc.text_at(118, 8, "CARRIER", size=6.5, color=red)
    doc.lines_at(118, 11.5, [payer, "CLAIMS DEPARTMENT", d["pst"].upper(), d["pcity"].upper()], size=9, w=83)
    x0, W = 15, 186
    c1, c2 = 70, 48  # column widths: left, middle; right = rest
    c3 = W - c1 - c2

    def row3(y, h, a, b, c):
        doc.box(x0, y, c1, h, *a)
        doc.box(x0 + c1, y, c2, h, *b)
        doc.box(x0 + c1 + c2, y, c3, h, *c)

    y = 30
    doc.box(x0, y, c1 + c2, 10, "1. MEDICARE   MEDICAID   TRICARE   CHAMPVA   GROUP HEALTH PLAN   FECA   OTHER",
            "[ ]          [ ]          [ ]          [ ]          [X]          [ ]          [ ]", vsize=8)
    doc.box(x0 + c1 + c2, y, c3, 10, "1a. INSURED'S I.D. NUMBER (For Program in Item 1)", d["insured_id"], vsize=10)
    y += 10
    row3(y, 10, ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", pname),
         ("3. PATIENT'S BIRTH DATE   SEX", f"{fmt_date(d['dob'], ds)}   {d['sex']}"),
         ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", iname))
    y += 10
    row3(y, 10, ("5. PATIENT'S ADDRESS (No., Street)", d["paddr"][0].upper()),
         ("6. PATIENT RELATIONSHIP TO INSURED", d["relation"].upper()),
         ("7. INSURED'S ADDRESS (No., Street)", d["paddr"][0].upper()))
    y += 10
    row3(y, 10, ("CITY, STATE, ZIP CODE", d["paddr"][1].upper()), ("8. RESERVED FOR NUCC USE", ""),
         ("CITY, STATE, ZIP CODE", d["paddr"][1].upper()))
    y += 10
    row3(y, 10, ("TELEPHONE (Include Area Code)", d["pphone"]), ("", ""), ("TELEPHONE (Include Area Code)", d["pphone"]))
    y += 10
    row3(y, 10, ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", "NONE"),
         ("10. IS PATIENT'S CONDITION RELATED TO:", "a. EMPLOYMENT? NO"),
         ("11. INSURED'S POLICY GROUP OR FECA NUMBER", d["group"]))
    y += 10
    row3(y, 10, ("9a. OTHER INSURED'S POLICY OR GROUP NUMBER", ""), ("b. AUTO ACCIDENT?", "NO"),
         ("a. INSURED'S DATE OF BIRTH   SEX", f"{fmt_date(d['ins_dob'], ds)}   {d['ins_sex']}"))
    y += 10
    row3(y, 10, ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", "NO"), ("c. OTHER ACCIDENT?", "NO"),
         ("c. INSURANCE PLAN NAME OR PROGRAM NAME", payer))
    y += 10
    doc.box(x0, y, c1 + c2, 10, "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE",
            f"SIGNATURE ON FILE      DATE {fmt_date(d['sign_date'], ds)}", vsize=8.5)
    doc.box(x0 + c1 + c2, y, c3, 10, "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", "SIGNATURE ON FILE", vsize=8.5)
    y += 10
    row3(y, 10, ("14. DATE OF CURRENT ILLNESS, INJURY, OR PREGNANCY (LMP)", fmt_date(d["onset"], ds)),
         ("15. OTHER DATE", ""), ("16. DATES PATIENT UNABLE TO WORK", ""))
    y += 10
    row3(y, 10, ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", "DN  " + d["referring"]),
         ("17b. NPI", d["referring_npi"]), ("18. HOSPITALIZATION DATES", ""))
    y += 10
    doc.box(x0, y, c1 + c2, 17, "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)   ICD Ind. 0", "")
    dx_txt = "     ".join(f"{'ABCD'[i]}. {code}" for i, (code, _) in enumerate(d["dx"]))
    doc.text_at(x0 + 3, y + 7, dx_txt, size=10.5, w=c1 + c2 - 6)
    doc.box(x0 + c1 + c2, y, c3, 8.5, "22. RESUBMISSION CODE", "")
    doc.box(x0 + c1 + c2, y + 8.5, c3, 8.5, "23. PRIOR AUTHORIZATION NUMBER", d["prior_auth"])
    y += 17
    doc.text_at(x0, y + 0.3, "24. DATE(S) OF SERVICE, PROCEDURES, SERVICES, OR SUPPLIES (Explain Unusual "
                "Circumstances)", size=6, color=70)
    y += 3.5
    cols = [("A. From", 22, "L"), ("To", 22, "L"), ("B. POS", 11, "C"),
            ("D. CPT/HCPCS", 20, "L"), ("MOD", 10, "L"), ("E. DX PTR", 14, "C"),
            ("F. $ CHARGES", 24, "R"), ("G. UNITS", 12, "C"), ("J. RENDERING PROVIDER ID. #", 51, "L")]
    rows = [[fmt_date(ln["date"], ds), fmt_date(ln["date"], ds), ln["pos"], ln["cpt"], ln["mod"], ln["ptr"],
             mf(ln["charge"]), str(ln["units"]), "NPI " + d["rendering_npi"]] for ln in d["lines"]]
    rows += [[""] * 9 for _ in range(6 - len(rows))]
    doc.table(x0, y, cols, rows, size=8.5, row_h=6.2, header_fill=(250, 235, 235), header_style="", grid=True)
    y += 6.6 + 6 * 6.2
    bottom = [("25. FEDERAL TAX I.D. NUMBER", d["ein"] + "  EIN", 40, "L", ""),
              ("26. PATIENT'S ACCOUNT NO.", d["acct_no"], 36, "L", ""),
              ("27. ACCEPT ASSIGNMENT?", "YES", 32, "L", ""),
              ("28. TOTAL CHARGE  $", mf(d["total"]), 28, "R", "B"),
              ("29. AMOUNT PAID  $", mf(d["paid"]), 26, "R", ""),
              ("30. NUCC Use", "", 24, "L", "")]
    bx = x0
    for lab, val, w, al, st in bottom:
        doc.box(bx, y, w, 10, lab, val, valign=al, vstyle=st)
        bx += w
    y += 10
    doc.box(x0, y, 56, 24, "31. SIGNATURE OF PHYSICIAN OR SUPPLIER",
            [d["rendering"], "", f"DATE {fmt_date(d['sign_date'], ds)}"], lsize=5.5, vsize=8.5)
    doc.box(x0 + 56, y, 62, 24, "32. SERVICE FACILITY LOCATION INFORMATION",
            [d["facility"].upper(), d["facility_addr"][0].upper(), d["facility_addr"][1].upper(),
             f"32a. NPI {d['facility_npi']}"], vsize=8.5)
    doc.box(x0 + 118, y, 68, 24, "33. BILLING PROVIDER INFO & PH #",
            [d["provider"].upper(), d["provaddr"][0].upper(), d["provaddr"][1].upper(), f"PH {d['provphone']}",
             f"33a. NPI {d['npi']}"],
            vsize=8.5)
    y += 27
    doc.text_at(x0, y, "PHYSICIAN OR SUPPLIER INFORMATION - PLEASE PRINT OR TYPE", size=7, color=red)
    doc.text_at(120, y, "APPROVED OMB-0938-1197 FORM 1500 (02-12)", size=7, color=red, w=81, align="R")
    doc.set_draw_color(60)
    printed = {"patient_name": pname, "patient_dob": fmt_date(d["dob"], ds), "payer_name": payer,
               "provider_name": d["provider"].upper(), "service_date_from": fmt_date(d["start"], ds),
               "service_date_to": fmt_date(d["end"], ds), "total_charge": mf(d["total"])}
    return doc, printed


def _claim_lines_table(doc, d, x, y, ds, mf, with_desc=True, first_no=1):
    dw = 20 if with_desc else 24
    cols = [("#", 8, "L"), ("From", dw, "L"), ("To", dw, "L"), ("POS", 11, "C"), ("CPT", 15, "L"),
            ("Mod", 10, "L")]
    if with_desc:
        cols.append(("Description", 58, "L"))
    cols += [("Dx Ptr", 13, "C"), ("Units", 11, "C"), ("Charge", 20 if with_desc else 70, "R")]
    rows = []
    for i, ln in enumerate(d["lines"]):
        r = [str(i + first_no), fmt_date(ln["date"], ds), fmt_date(ln["date"], ds), ln["pos"], ln["cpt"], ln["mod"]]
        if with_desc:
            r.append(ln["desc"])
        r += [ln["ptr"], str(ln["units"]), mf(ln["charge"])]
        rows.append(r)
    return doc.table(x, y, cols, rows, size=8, row_h=5.6, zebra=(246, 246, 246))


def claim_layout_summary(d, rng):
    ds = rng.choice(["us", "long"])
    lds = "us"  # service line dates
    money_style = rng.choice(["sym", "plain"])
    mf = lambda x: fmt_money(x, money_style)  # noqa: E731
    pname = name_fmt(d["patient"], rng.choice(["full", "plain", "last_first_mixed"]))
    pat_l = rng.choice(["Patient Name", "Patient"])
    dob_l = rng.choice(["Date of Birth", "DOB", "Birth Date"])
    id_l = rng.choice(["Member ID", "Insured ID", "Subscriber ID"])
    payer_l = rng.choice(["Payer", "Insurance Carrier", "Insurance Plan"])
    prov_l = rng.choice(["Billing Provider", "Provider"])
    tot_l = rng.choice(["Total Charges", "Total Charge", "Total Billed"])
    sep = rng.choice([" - ", " to ", " through "])
    lines_on_p2 = len(d["lines"]) > 6 or rng.random() < 0.5
    green = (30, 100, 70)
    doc = Doc("Letter", footer_left=f"{d['provider']} - Patient accounts {d['provphone']}")
    doc.add_page()
    doc.text_at(15, 13, d["provider"], size=14, style="B", color=green, w=110)
    doc.lines_at(15, 21, [d["provaddr"][0], d["provaddr"][1], f"Phone {d['provphone']}"], size=8.5, w=100)
    doc.text_at(125, 13, "CLAIM SUMMARY", size=14, style="B", w=76, align="R")
    doc.text_at(125, 20, "Professional claim (CMS-1500 data)", size=8, color=80, w=76, align="R")
    doc.text_at(125, 25, f"Claim #: {d['claim_no']}", size=9, w=76, align="R")
    doc.text_at(125, 30, f"Submitted: {fmt_date(d['sign_date'], ds)}", size=9, w=76, align="R")
    y = 42

    def section(yy, title):
        doc.band(15, yy, 186, 6, (228, 240, 233))
        doc.text_at(16, yy + 0.8, title, size=9, style="B", color=green)
        return yy + 8

    y = section(y, "PATIENT AND INSURANCE")
    left = [(pat_l, pname), (dob_l, fmt_date(d["dob"], ds)), ("Sex", d["sex"]),
            ("Address", d["paddr"][0]), ("", d["paddr"][1]), ("Patient Acct #", d["acct_no"])]
    right = [(payer_l, d["payer"]), ("Payer ID", d["payer_id"]), (id_l, d["insured_id"]), ("Group #", d["group"]),
             ("Subscriber", name_fmt(d["insured"], "plain")), ("Relationship", d["relation"])]
    for i, ((ll, lv), (rl, rv)) in enumerate(zip(left, right)):
        doc.kv(17, y + i * 5.6, ll + (":" if ll else ""), lv, 30, 62, size=9)
        doc.kv(110, y + i * 5.6, rl + ":", rv, 30, 61, size=9)
    y += 6 * 5.6 + 4
    y = section(y, "PROVIDER")
    left = [(prov_l, d["provider"]), ("NPI", d["npi"]), ("Tax ID (EIN)", d["ein"])]
    right = [("Rendering", d["rendering"]), ("Rendering NPI", d["rendering_npi"]), ("Facility", d["facility"])]
    for i, ((ll, lv), (rl, rv)) in enumerate(zip(left, right)):
        doc.kv(17, y + i * 5.6, ll + ":", lv, 30, 62, size=9)
        doc.kv(110, y + i * 5.6, rl + ":", rv, 30, 61, size=9)
    y += 3 * 5.6 + 4
    y = section(y, "CLAIM")
    doc.kv(17, y, rng.choice(["Dates of Service", "Service Dates"]) + ":",
           f"{fmt_date(d['start'], ds)}{sep}{fmt_date(d['end'], ds)}", 36, 140, size=9)
    doc.kv(17, y + 5.6, "Date of Onset:", fmt_date(d["onset"], ds), 36, 140, size=9)
    doc.kv(17, y + 11.2, "Place of Service:", f"{d['lines'][0]['pos']} - " +
           ("Office" if d["lines"][0]["pos"] == "11" else "Outpatient hospital"), 36, 140, size=9)
    y += 18
    doc.text_at(17, y, "Diagnosis Codes (ICD-10-CM):", size=9, style="B")
    y += 5.6
    for i, (code, desc) in enumerate(d["dx"]):
        doc.text_at(21, y, f"{'ABCD'[i]}.  {code}", size=9, w=30)
        doc.text_at(51, y, desc, size=9, w=140)
        y += 5.2
    y += 4
    if lines_on_p2:
        doc.text_at(17, y, f"{len(d['lines'])} service line(s) - itemized detail on page 2.", size=9, style="I")
        y += 8
    else:
        y = _claim_lines_table(doc, d, 15, y, lds, mf) + 4
    bal = d["total"] - d["paid"]
    for lab, val, st in [(tot_l, mf(d["total"]), "B"), ("Patient Paid (copay)", mf(d["paid"]), ""),
                         ("Balance Billed to Payer", mf(bal), "")]:
        doc.kv(110, y, lab + ":", val, 50, 41, size=9.5, lstyle=st, vstyle=st, valign="R")
        y += 6
    doc.text_at(15, y + 4, "Assignment of benefits: Yes.   Signature on file.   Accept assignment: Yes.", size=8.5,
                color=80, w=186)
    if lines_on_p2:
        doc.add_page()
        doc.text_at(15, 13, d["provider"], size=11, style="B", color=green, w=110)
        doc.text_at(125, 13, f"Claim #: {d['claim_no']}", size=9, w=76, align="R")
        doc.text_at(15, 20, f"{pat_l}: {pname}     {id_l}: {d['insured_id']}", size=9, w=186)
        y = section(30, "SERVICE LINE DETAIL")
        y = _claim_lines_table(doc, d, 15, y, lds, mf) + 4
        doc.kv(110, y, "Total of service lines:", mf(d["total"]), 50, 41, size=9.5, lstyle="B", vstyle="B", valign="R")
        doc.lines_at(15, y + 12, ["Claim notes:",
                                  "Services rendered as documented in the patient record. Records available on request.",
                                  f"Referring provider: {d['referring']} (NPI {d['referring_npi']})."], size=8.5, w=186)
    printed = {"patient_name": pname, "patient_dob": fmt_date(d["dob"], ds), "payer_name": d["payer"],
               "provider_name": d["provider"], "service_date_from": fmt_date(d["start"], ds),
               "service_date_to": fmt_date(d["end"], ds), "total_charge": mf(d["total"])}
    return doc, printed


def claim_layout_two_column(d, rng):
    ds = rng.choice(["iso", "dmy"])
    money_style = rng.choice(["code", "sym"])
    mf = lambda x: fmt_money(x, money_style)  # noqa: E731
    pname = name_fmt(d["patient"], rng.choice(["full", "upper"]))
    payer = d["payer"]
    id_l = rng.choice(["Insured's ID Number", "Member ID", "Subscriber ID"])
    from_l, to_l = rng.choice([("Service Date From", "Service Date To"), ("Date of Service From", "Date of Service To"),
                               ("First Date of Service", "Last Date of Service")])
    tot_l = rng.choice(["Total Charge", "Total Charges"])
    purple = (80, 50, 120)
    doc = Doc("Letter", footer_left=f"Submitted to {payer} - Payer ID {d['payer_id']}")
    doc.add_page()
    doc.text_at(15, 12, "PROFESSIONAL SERVICES CLAIM", size=15, style="B", color=purple, w=110)
    doc.text_at(15, 19.5, "Health insurance claim - physician / supplier", size=8.5, color=80, w=110)
    doc.box(128, 10, 73, 22, rng.choice(["INSURANCE CARRIER", "PAYER"]), [payer, d["pst"], d["pcity"]], lsize=7, vsize=8.5)
    y = 37
    hw = 91

    def head(x, yy, title, w=hw):
        doc.band(x, yy, w, 5.5, purple)
        doc.text_at(x + 1, yy + 0.6, title, size=8.5, style="B", color=255)

    head(15, y, "PATIENT INFORMATION")
    head(110, y, "INSURED / SUBSCRIBER INFORMATION")
    y += 5.5
    bh = 11
    left = [[("Patient Name", pname, 91)], [("Date of Birth", fmt_date(d["dob"], ds), 46), ("Sex", d["sex"], 45)],
            [("Address", f"{d['paddr'][0]}, {d['paddr'][1]}", 91)],
            [("Phone", d["pphone"], 46), ("Patient Account No.", d["acct_no"], 45)]]
    right = [[(id_l, d["insured_id"], 91)], [("Insured's Name", name_fmt(d["insured"], "full"), 55),
                                             ("Relationship", d["relation"], 36)],
             [("Insured's Date of Birth", fmt_date(d["ins_dob"], ds), 46), ("Group Number", d["group"], 45)],
             [("Insurance Plan Name", payer, 91)]]
    for col_x, rows in ((15, left), (110, right)):
        yy = y
        for row in rows:
            cx = col_x
            for lab, val, w in row:
                doc.box(cx, yy, w, bh, lab, val, lsize=6.5, vsize=9.5)
                cx += w
            yy += bh
    y += 4 * bh + 5
    head(15, y, "BILLING PROVIDER", 186)
    y += 5.5
    doc.box(15, y, 80, bh, "Billing Provider Name", d["provider"], vsize=9.5)
    doc.box(95, y, 34, bh, "NPI", d["npi"], vsize=9.5)
    doc.box(129, y, 32, bh, "Federal Tax ID", d["ein"], vsize=9.5)
    doc.box(161, y, 40, bh, "Phone", d["provphone"], vsize=9.5)
    y += bh
    doc.box(15, y, 80, bh, "Address", f"{d['provaddr'][0]}, {d['provaddr'][1]}", vsize=9)
    doc.box(95, y, 66, bh, "Referring Provider", d["referring"], vsize=9)
    doc.box(161, y, 40, bh, "Referring NPI", d["referring_npi"], vsize=9.5)
    y += bh + 5
    head(15, y, "SERVICES AND DIAGNOSIS", 186)
    y += 5.5
    doc.box(15, y, 46, bh, from_l, fmt_date(d["start"], ds), vsize=10, vstyle="B")
    doc.box(61, y, 46, bh, to_l, fmt_date(d["end"], ds), vsize=10, vstyle="B")
    doc.box(107, y, 46, bh, "Date of Current Illness", fmt_date(d["onset"], ds), vsize=9.5)
    doc.box(153, y, 48, bh, "Prior Authorization No.", d["prior_auth"] or "N/A", vsize=9.5)
    y += bh
    dx_txt = "    ".join(f"{i + 1}. {code}" for i, (code, _) in enumerate(d["dx"]))
    doc.box(15, y, 186, bh, "Diagnosis Codes (ICD-10-CM), in order of importance", dx_txt, vsize=10)
    y += bh + 5
    lines = d["lines"]
    per_page1 = 6
    first, rest = lines[:per_page1], lines[per_page1:]
    sub = dict(d, lines=first)
    y = _claim_lines_table(doc, sub, 15, y, ds, mf, with_desc=False) + 3
    if rest:
        doc.text_at(15, y, f"Lines {per_page1 + 1}-{len(lines)} continued on page 2.", size=8.5, style="I", w=120)
        doc.add_page()
        doc.text_at(15, 12, "PROFESSIONAL SERVICES CLAIM (continued)", size=11, style="B", color=purple, w=120)
        doc.text_at(128, 12, f"Patient: {pname}", size=9, w=73, align="R")
        y = 24
        sub = dict(d, lines=rest)
        y = _claim_lines_table(doc, sub, 15, y, ds, mf, with_desc=False, first_no=per_page1 + 1) + 3
    y += 3
    doc.box(112, y, 30, bh, tot_l, mf(d["total"]), vstyle="B", valign="R")
    doc.box(142, y, 30, bh, "Amount Paid", mf(d["paid"]), valign="R")
    doc.box(172, y, 29, bh, "Balance Due", mf(d["total"] - d["paid"]), valign="R")
    doc.lines_at(15, y, ["Accept assignment: YES", "Signature of physician or supplier:",
                         f"{d['rendering']}   Date: {fmt_date(d['sign_date'], ds)}"], size=8.5, w=95)
    printed = {"patient_name": pname, "patient_dob": fmt_date(d["dob"], ds), "payer_name": payer,
               "provider_name": d["provider"], "service_date_from": fmt_date(d["start"], ds),
               "service_date_to": fmt_date(d["end"], ds), "total_charge": mf(d["total"])}
    return doc, printed


def make_insurance_claim(rng: random.Random, index: int):
    layout = CLAIM_LAYOUTS[index % len(CLAIM_LAYOUTS)]
    d = claim_data(rng, index, layout)
    fn = {"cms1500": claim_layout_cms1500, "summary": claim_layout_summary,
          "two_column": claim_layout_two_column}[layout]
    doc, printed = fn(d, rng)
    codes = [c for c, _ in d["dx"]]
    printed.update(insured_id=d["insured_id"], provider_npi=d["npi"], diagnosis_codes=codes)
    bad = [tok for s in doc.strings for tok in ICD_LIKE.findall(s)
           if tok not in codes] + \
          [tok for s in doc.strings for tok in re.findall(r"[A-Za-z0-9.]+", s)
           if ICD_SCHEMA.fullmatch(tok.rstrip(".")) and tok.rstrip(".") not in codes]
    if bad:
        raise AssertionError(f"ICD-10-like strings besides the diagnosis codes: {bad}")
    truth = {
        "patient_name": printed["patient_name"],
        "patient_dob": d["dob"].isoformat(),
        "insured_id": d["insured_id"],
        "payer_name": printed["payer_name"],
        "provider_name": printed["provider_name"],
        "provider_npi": d["npi"],
        "service_date_from": d["start"].isoformat(),
        "service_date_to": d["end"].isoformat(),
        "diagnosis_codes": codes,
        "total_charge": gt_money(d["total"]),
    }
    return doc, truth, printed, layout


# --------------------------------------------------------------------------------------------
# multi-account summary statements (one parent bill, many service accounts; long documents)
# --------------------------------------------------------------------------------------------
STATEMENT_ROWS_PER_PAGE = 34
STATEMENT_ACCOUNTS_PER_PAGE = 3


def statement_data(rng: random.Random, index: int, n_accounts: int | None = None) -> dict:
    pname, kind, pstreet, pcity, web, area = rng.choice(UTILITY_PROVIDERS)
    stmt = rand_date(rng)
    due = stmt + dt.timedelta(days=rng.randint(14, 24))
    n = n_accounts or rng.randint(6, 24)
    accounts, seen = [], set()
    while len(accounts) < n:
        number = f"{digits(rng, 4)}-{digits(rng, 5)}-{digits(rng, 1)}"
        if number in seen:
            continue
        seen.add(number)
        end = stmt - dt.timedelta(days=rng.randint(1, 6))
        start = end - dt.timedelta(days=rng.randint(28, 33) - 1)
        usage = {"electric": rng.randint(240, 9850), "gas": rng.randint(12, 665),
                 "water": rng.randint(3, 92)}[kind]
        charges = _utility_charges(rng, kind, usage)
        street, city = us_address(rng)
        accounts.append(dict(number=number, street=street, city=city, start=start, end=end,
                             usage=usage, charges=charges,
                             current=sum(a for _, _, a in charges),
                             meter=digits(rng, 8)))
    prev = sum((rand_amount(rng, 50, 900) for _ in range(3)), Decimal("0"))
    return dict(provider=pname, kind=kind, pstreet=pstreet, pcity=pcity, web=web,
                phone=phone(rng, area), customer=rng.choice(
                    ["Tri-State Property Holdings LLC", "Evergreen School District No. 12",
                     "Lakeside Medical Partners", "City of Fairview", "Harbor Freight Storage Inc.",
                     "Sunrise Senior Living Communities"]),
                summary_account=f"SB-{digits(rng, 8)}", stmt=stmt, due=due, accounts=accounts,
                prev=prev, paid=prev, current=sum(a["current"] for a in accounts),
                date_style=rng.choice(["us", "long", "iso"]), mf_style=rng.choice(["sym", "plain"]))


def make_utility_statement(rng: random.Random, index: int, n_accounts: int | None = None):
    """A summary bill: a cover page with the totals and an index of every service account
    (continued over as many pages as it takes), then a detail section per account."""
    d = statement_data(rng, index, n_accounts)
    ds = d["date_style"]
    mf = (lambda x: fmt_money(x, d["mf_style"]))
    doc = Doc(footer_left=f"{d['provider']} - Summary statement {d['summary_account']}")
    doc.add_page()
    doc.text_at(15, 12, d["provider"], size=15, style="B", w=120)
    doc.lines_at(15, 20, [d["pstreet"], d["pcity"], f"Customer Service {d['phone']}", d["web"]],
                 size=8.5, w=90)
    doc.text_at(130, 12, "SUMMARY BILLING STATEMENT", size=11, style="B", w=71, align="R")
    y = 22
    for label, value in [("Summary Account", d["summary_account"]),
                         ("Statement Date", fmt_date(d["stmt"], ds)),
                         ("Payment Due Date", fmt_date(d["due"], ds)),
                         ("Service Accounts", str(len(d["accounts"]))),
                         ("Total Amount Due", mf(d["current"]))]:
        doc.kv(120, y, label, value, lw=42, vw=39, size=9, lstyle="B", valign="R")
        y += 5
    doc.text_at(15, 46, "Customer:", size=9, style="B", w=20)
    doc.text_at(35, 46, d["customer"], size=9, w=80)
    y = 52
    rows = [("Previous Balance", mf(d["prev"])), ("Payments Received - Thank You", mf(-d["paid"])),
            ("Current Charges, all accounts", mf(d["current"])),
            ("Total Amount Due", mf(d["current"]))]
    for label, value in rows:
        doc.kv(15, y, label, value, lw=80, vw=30, size=9, valign="R")
        y += 5
    y += 4
    cols = [("Account Number", 38, "L"), ("Service Address", 78, "L"),
            ("Service Period", 42, "L"), ("Current Charges", 28, "R")]

    def index_row(a):
        return [a["number"], f"{a['street']}, {a['city']}",
                f"{fmt_date(a['start'], 'us')} - {fmt_date(a['end'], 'us')}", mf(a["current"])]

    accts = d["accounts"]
    first = max(0, min(len(accts), int((doc.h - 20 - y) / 5.6) - 2))
    doc.text_at(15, y, "ACCOUNT SUMMARY", size=10, style="B", w=80)
    y = doc.table(15, y + 6, cols, [index_row(a) for a in accts[:first]], size=8)
    rest = accts[first:]
    while rest:
        doc.add_page()
        doc.text_at(15, 12, "ACCOUNT SUMMARY (continued)", size=10, style="B", w=100)
        chunk, rest = rest[:STATEMENT_ROWS_PER_PAGE], rest[STATEMENT_ROWS_PER_PAGE:]
        doc.table(15, 20, cols, [index_row(a) for a in chunk], size=8)
    for k, a in enumerate(accts):
        if k % STATEMENT_ACCOUNTS_PER_PAGE == 0:
            doc.add_page()
            doc.text_at(15, 12, "SERVICE ACCOUNT DETAIL", size=11, style="B", w=100)
            doc.text_at(130, 12, f"Statement Date {fmt_date(d['stmt'], ds)}", size=8.5, w=71,
                        align="R")
            y = 22
        doc.band(15, y, 186, 6, (225, 228, 235))
        doc.text_at(16, y + 0.8, f"Account Number: {a['number']}", size=9, style="B", w=80)
        doc.text_at(100, y + 0.8, f"Meter {a['meter']}", size=8.5, w=40)
        y += 7
        doc.kv(15, y, "Service Address:", f"{a['street']}, {a['city']}", lw=32, vw=110, size=8.5)
        y += 4.5
        doc.kv(15, y, "Service Period:", f"{fmt_date(a['start'], ds)} to {fmt_date(a['end'], ds)}",
               lw=32, vw=110, size=8.5)
        y += 4.5
        doc.kv(15, y, "Usage:", f"{a['usage']:,} {_unit(d['kind'])}", lw=32, vw=60, size=8.5)
        y += 5.5
        for desc, detail, amt in a["charges"]:
            doc.text_at(20, y, desc, size=8.5, w=70)
            doc.text_at(90, y, detail, size=8.5, w=60)
            doc.text_at(160, y, mf(amt), size=8.5, w=41, align="R")
            y += 4.3
        doc.hline(120, y + 0.5, 201)
        doc.kv(120, y + 1.5, "Account Current Charges", mf(a["current"]), lw=50, vw=31, size=9,
               lstyle="B", vstyle="B", valign="R")
        y += 12
    truth = {
        "customer_name": d["customer"], "summary_account_number": d["summary_account"],
        "statement_date": d["stmt"].isoformat(), "due_date": d["due"].isoformat(),
        "total_amount_due": gt_money(d["current"]),
        "accounts": [{"account_number": a["number"], "service_address": f"{a['street']}, {a['city']}",
                      "period_start": a["start"].isoformat(), "period_end": a["end"].isoformat(),
                      "current_charges": gt_money(a["current"])} for a in accts],
    }
    return doc, truth, {}, "summary"


def generate_statements(out_dir: Path, n: int, seed: int, accounts: int | None = None) -> list[Path]:
    """n multi-account summary statements into out_dir/utility_statement (with `accounts`
    service accounts each, e.g. 140 for a ~50-page statement; default 6-24)."""
    folder = Path(out_dir) / "utility_statement"
    folder.mkdir(parents=True, exist_ok=True)
    paths, labels = [], []
    for i in range(1, n + 1):
        rng = random.Random(f"{seed}:utility_statement:{i - 1}")
        doc, truth, _printed, _layout = make_utility_statement(rng, i - 1, accounts)
        stem = f"utility_statement_{i:02d}"
        pdf_path = folder / f"{stem}.pdf"
        doc.set_title(f"utility statement {i:02d}")
        doc.output(str(pdf_path))
        (folder / f"{stem}.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    with open(folder / "labels.jsonl", "w", encoding="utf-8") as fh:
        for row in labels:
            fh.write(json.dumps(row) + "\n")
    return paths


# --------------------------------------------------------------------------------------------
# scanned variants: the same document as a scanner would deliver it (an image-only PDF)
# --------------------------------------------------------------------------------------------
SCAN_DPI = 150


def scan_pdf(pdf_bytes: bytes, rng: random.Random, dpi: int = SCAN_DPI) -> bytes:
    """Render each page to a grey image, then degrade it like a scan: a small rotation
    (within +-1.5 degrees), a slight offset, blur, a grey paper tone with sensor noise and
    specks, JPEG compression; return an image-only PDF of the same page size (no text layer).
    Deterministic for the rng's state. Needs pypdfium2, Pillow and numpy (not the text
    documents)."""
    import io

    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    nrng = np.random.default_rng(rng.randrange(2 ** 32))
    pdf = pdfium.PdfDocument(pdf_bytes)
    images = []
    try:
        for page in pdf:
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = rng.uniform(-1.5, 1.5)
            img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255,
                             translate=(rng.randint(-6, 6), rng.randint(-6, 6)))
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
            a = np.asarray(img, dtype=np.float32)
            a = a * rng.uniform(0.88, 0.97) + rng.uniform(4, 14)           # paper tone, ink
            a += nrng.normal(0, rng.uniform(4, 9), a.shape)                  # sensor noise
            specks = nrng.random(a.shape) < rng.uniform(0.0002, 0.0008)      # dust
            a[specks] = nrng.uniform(0, 90, int(specks.sum()))
            img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=rng.randint(55, 80))
            images.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:],
                   title="scanned document", creationDate=FIXED_CREATION_DATE.timetuple(),
                   modDate=FIXED_CREATION_DATE.timetuple())
    return out.getvalue()


def generate_scanned(out_dir: Path, schema: str, n: int, seed: int, dpi: int = SCAN_DPI,
                     start: int = 1) -> list[Path]:
    """Scanned variants of documents start..start+n-1 of `schema` (the same documents, the same
    ground truth as the text PDFs of that seed) into out_dir/schema."""
    folder = Path(out_dir) / schema
    folder.mkdir(parents=True, exist_ok=True)
    paths, labels = [], []
    for i in range(start, start + n):
        doc, truth, _printed, _layout = build(schema, i - 1, seed)
        stem = f"{schema}_{i:02d}"
        doc.set_title(f"{schema.replace('_', ' ')} {i:02d}")
        pdf_bytes = bytes(doc.output())
        scan_rng = random.Random(f"{seed}:{schema}:{i - 1}:scan")
        pdf_path = folder / f"{stem}.pdf"
        pdf_path.write_bytes(scan_pdf(pdf_bytes, scan_rng, dpi))
        (folder / f"{stem}.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    with open(folder / "labels.jsonl", "w", encoding="utf-8") as fh:
        for row in labels:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return paths


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
MAKERS = {"utility_bill": make_utility_bill, "invoice": make_invoice, "insurance_claim": make_insurance_claim}


def build(schema: str, index: int, seed: int):
    """(FPDF document, ground truth dict, printed forms dict, layout name) for one document."""
    if schema not in MAKERS:
        raise ValueError(f"unknown schema {schema!r}: use one of {', '.join(SCHEMAS)}")
    rng = random.Random(f"{seed}:{schema}:{index}")
    return MAKERS[schema](rng, index)


def generate(out_dir: Path, schema: str, n: int, seed: int) -> list[Path]:
    """Write n documents of `schema` into out_dir/schema; returns the pdf paths."""
    folder = Path(out_dir) / schema
    folder.mkdir(parents=True, exist_ok=True)
    paths, labels = [], []
    for i in range(1, n + 1):
        doc, truth, _printed, _layout = build(schema, i - 1, seed)
        stem = f"{schema}_{i:02d}"
        pdf_path = folder / f"{stem}.pdf"
        doc.set_title(f"{schema.replace('_', ' ')} {i:02d}")
        doc.output(str(pdf_path))
        (folder / f"{stem}.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    with open(folder / "labels.jsonl", "w", encoding="utf-8") as fh:
        for row in labels:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate synthetic PDF documents with ground truth.")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                    help="output folder (default: the samples folder)")
    ap.add_argument("--per-schema", type=int, default=6, help="documents per schema (default 6)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--schema", nargs="+", choices=SCHEMAS, default=list(SCHEMAS),
                    help="schemas to generate (default: all)")
    ap.add_argument("--scanned", type=int, default=0, metavar="N",
                    help="also write scanned variants (image-only PDFs, same ground truth) of "
                         "the first N documents per schema into OUT/scanned/<schema>")
    ap.add_argument("--statements", type=int, default=0, metavar="N",
                    help="also write N multi-account summary statements into "
                         "OUT/utility_statement")
    ap.add_argument("--accounts", type=int, default=None, metavar="M",
                    help="service accounts per statement (default 6-24; 410 gives ~150 pages)")
    args = ap.parse_args(argv)
    for schema in args.schema:
        paths = generate(args.out, schema, args.per_schema, args.seed)
        print(f"{schema}: {len(paths)} documents in {args.out / schema}")
        if args.scanned:
            paths = generate_scanned(args.out / "scanned", schema, args.scanned, args.seed)
            print(f"{schema}: {len(paths)} scanned variants in {args.out / 'scanned' / schema}")
    if args.statements:
        paths = generate_statements(args.out, args.statements, args.seed, args.accounts)
        print(f"utility_statement: {len(paths)} statements in {args.out / 'utility_statement'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
