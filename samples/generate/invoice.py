"""Invoices in four national styles (US, German, UK, EU): sellers, buyers and line items, the
data of one invoice, and make_invoice, which draws it and returns its ground truth."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .common import digits, gt_money, letters, name_fmt, person, q, rand_amount, rand_date, us_address
from .invoice_layouts import invoice_layout_de, invoice_layout_eu, invoice_layout_uk, invoice_layout_us


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


def _us_invoice(rng: random.Random, d: dict, n_items: int) -> None:
    """A US invoice: sellers and buyers with US addresses, sales tax, USD."""
    issue = d["issue"]
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


def _de_invoice(rng: random.Random, d: dict, n_items: int) -> None:
    """A German Rechnung: USt-IdNr., 19 % MwSt., IBAN/BIC, EUR."""
    issue = d["issue"]
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


def _uk_invoice(rng: random.Random, d: dict, n_items: int) -> None:
    """A UK VAT invoice: company number, 20 % VAT, sort code, tax point, GBP."""
    issue = d["issue"]
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


def _eu_invoice(rng: random.Random, d: dict, n_items: int) -> None:
    """An EU invoice (NL, IE, AT, FR, BE sellers): national VAT ids and rates, IBAN, EUR."""
    issue = d["issue"]
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


_DATA_BY_LAYOUT = {"us": _us_invoice, "de": _de_invoice, "uk": _uk_invoice, "eu": _eu_invoice}


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
    _DATA_BY_LAYOUT[layout](rng, d, n_items)
    d["net"] = sum(it["amount"] for it in d["items"])
    d["tax"] = q(d["net"] * d["rate"] / 100)
    d["gross"] = d["net"] + d["tax"]
    if layout == "us" and rng.random() < 0.3:
        d["deposit"] = q(d["gross"] * Decimal(rng.choice(["0.25", "0.3", "0.5"])))
        d["deposit_date"] = issue - dt.timedelta(days=rng.randint(10, 40))
    return d


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
