"""The four invoice layouts (us, de, uk, eu): each draws the data of invoice.invoice_data,
its line items continued over as many pages as they take with carried subtotals, and returns
(Doc, printed forms)."""
from __future__ import annotations

import re
from decimal import Decimal

from .common import Doc, digits, fmt_date, fmt_money, phone


def _qty(qty: Decimal, german=False) -> str:
    s = f"{qty.normalize():f}"
    return s.replace(".", ",") if german else s


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


def _printed(d, ds, mf, with_vat_id=True):
    """The fields as the layout printed them (the US layout prints no VAT id)."""
    printed = {"invoice_number": d["number"], "issue_date": fmt_date(d["issue"], ds),
               "due_date": fmt_date(d["due"], ds) if d["due"] else None, "currency": d["cur"]}
    if with_vat_id:
        printed["seller_vat_id"] = d["vat"]
    printed.update(net_total=mf(d["net"]), tax_total=mf(d["tax"]), grand_total=mf(d["gross"]))
    return printed


def _us_head(doc, d, rng, ds, labels, accent):
    """Seller, invoice number/dates block, bill-to and ship-to. Returns y below them."""
    num_l, date_l, due_l = labels
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
    return y + 33


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
    y = _us_head(doc, d, rng, ds, (num_l, date_l, due_l), accent)
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
    return doc, _printed(d, ds, mf, with_vat_id=False)


def _de_footer(doc, d):
    """The German letter footer: address, bank, tax and register details."""
    saddr = d["saddr"]
    y = 268
    doc.hline(15, y - 2, 195, width=0.15)
    doc.lines_at(15, y, [d["seller"], saddr[0], saddr[1]], size=6.8, color=80, w=58)
    doc.lines_at(75, y, [f"IBAN: {d['iban']}", f"BIC: {d['bic']}",
                         "Geschäftsführer: " + d["contact"]], size=6.8, color=80, w=62)
    doc.lines_at(140, y, [f"USt-IdNr.: {d['vat']}", f"Steuernr.: {d['steuernr']}", f"Amtsgericht {saddr[1].split(' ', 1)[1]} {d['hrb']}"],
                 size=6.8, color=80, w=55)


def _de_head(doc, d, rng, ds, num_l, date_l):
    """Letterhead, address window, information block and salutation. Returns whether the due
    date is printed in the information block."""
    saddr = d["saddr"]
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
    return due_in_block


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
    doc.add_page()
    due_in_block = _de_head(doc, d, rng, ds, num_l, date_l)
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
            _de_footer(doc, d)
            return yy
        doc.kv(x0 + 100, yy, "Übertrag:", mf(running), 40, 35, size=9, valign="R")
        return yy + 8

    def new_page():
        doc.text_at(20, 14, f"{d['seller']} - Rechnung {d['number']} vom {fmt_date(d['issue'], ds)}", size=9, w=175)
        return 26

    y = _item_pages(doc, d["items"], 102, 250, 250, header, row, 5.8, carry, new_page)
    if y > 215:
        _de_footer(doc, d)
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
    _de_footer(doc, d)
    return doc, _printed(d, ds, mf)


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
    return doc, _printed(d, ds, mf)


def _eu_head(doc, d, ds, labels, blue):
    """Seller with VAT id, invoice number/dates block, customer and delivery date. Returns y
    below them."""
    num_l, date_l, due_l, vat_l, buyer_l = labels
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
    return y + 30


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
    y = _eu_head(doc, d, ds, (num_l, date_l, due_l, vat_l, buyer_l), blue)
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
    return doc, _printed(d, ds, mf)
