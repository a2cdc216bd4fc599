"""The four utility bill layouts (classic, boxed, two_column, statement) and the page parts
they share (account summary, meter and charge detail, usage history, remittance stub). Each
layout draws the data of utility_bill.utility_data and returns (Doc, printed forms)."""
from __future__ import annotations

from .common import Doc, fmt_date, fmt_money, name_fmt


EMERGENCY = {"electric": "Report outages 24/7 at {}. Never approach a downed power line.",
             "gas": "If you smell gas, leave the building and call {} from a safe place.",
             "water": "Water main break or no water? Call {} (24 hours)."}


def usage_unit(kind):
    """The unit usage of this kind of utility is billed in."""
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
    unit = usage_unit(d["kind"])
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
    unit = usage_unit(d["kind"])
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


def _printed(d, cust, ds, mf):
    """The fields as this layout printed them."""
    return {"account_number": d["account"], "customer_name": cust,
            "statement_date": fmt_date(d["stmt"], ds), "period_start": fmt_date(d["start"], ds),
            "period_end": fmt_date(d["end"], ds), "due_date": fmt_date(d["due"], ds),
            "current_charges": mf(d["current"]), "amount_due": mf(d["amount_due"])}


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
    return doc, _printed(d, cust, ds, mf)


def _boxed_page_two(doc, d, acct_l, navy):
    """Page 2 of the boxed layout: usage history and ways to pay."""
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
    unit = usage_unit(d["kind"])
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
        _boxed_page_two(doc, d, acct_l, navy)
    return doc, _printed(d, cust, ds, mf)


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
    return doc, _printed(d, cust, ds, mf)


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
    return doc, _printed(d, cust, ds, mf)
