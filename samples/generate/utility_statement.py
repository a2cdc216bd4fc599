"""Multi-account summary statements (one parent bill, many service accounts; long documents):
a cover with the totals and an index of every account, then a detail section per account."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .common import Doc, digits, fmt_date, fmt_money, gt_money, phone, rand_amount, rand_date, us_address
from .utility_bill import UTILITY_PROVIDERS, utility_charges
from .utility_bill_layouts import usage_unit

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
        charges = utility_charges(rng, kind, usage)
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


def _cover(doc, d, ds, mf):
    """Page 1: provider, statement block, customer, balance summary. Returns y below."""
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
    return y + 4


def _account_index(doc, accts, y, mf):
    """The index of every account: on the cover from y, continued on as many pages as needed."""
    cols = [("Account Number", 38, "L"), ("Service Address", 78, "L"),
            ("Service Period", 42, "L"), ("Current Charges", 28, "R")]

    def index_row(a):
        return [a["number"], f"{a['street']}, {a['city']}",
                f"{fmt_date(a['start'], 'us')} - {fmt_date(a['end'], 'us')}", mf(a["current"])]

    first = max(0, min(len(accts), int((doc.h - 20 - y) / 5.6) - 2))
    doc.text_at(15, y, "ACCOUNT SUMMARY", size=10, style="B", w=80)
    doc.table(15, y + 6, cols, [index_row(a) for a in accts[:first]], size=8)
    rest = accts[first:]
    while rest:
        doc.add_page()
        doc.text_at(15, 12, "ACCOUNT SUMMARY (continued)", size=10, style="B", w=100)
        chunk, rest = rest[:STATEMENT_ROWS_PER_PAGE], rest[STATEMENT_ROWS_PER_PAGE:]
        doc.table(15, 20, cols, [index_row(a) for a in chunk], size=8)


def _account_detail(doc, d, a, y, ds, mf):
    """The detail section of one service account from y. Returns y below it."""
    doc.band(15, y, 186, 6, (225, 228, 235))
    doc.text_at(16, y + 0.8, f"Account Number: {a['number']}", size=9, style="B", w=80)
    doc.text_at(100, y + 0.8, f"Meter {a['meter']}", size=8.5, w=40)
    y += 7
    doc.kv(15, y, "Service Address:", f"{a['street']}, {a['city']}", lw=32, vw=110, size=8.5)
    y += 4.5
    doc.kv(15, y, "Service Period:", f"{fmt_date(a['start'], ds)} to {fmt_date(a['end'], ds)}",
           lw=32, vw=110, size=8.5)
    y += 4.5
    doc.kv(15, y, "Usage:", f"{a['usage']:,} {usage_unit(d['kind'])}", lw=32, vw=60, size=8.5)
    y += 5.5
    for desc, detail, amt in a["charges"]:
        doc.text_at(20, y, desc, size=8.5, w=70)
        doc.text_at(90, y, detail, size=8.5, w=60)
        doc.text_at(160, y, mf(amt), size=8.5, w=41, align="R")
        y += 4.3
    doc.hline(120, y + 0.5, 201)
    doc.kv(120, y + 1.5, "Account Current Charges", mf(a["current"]), lw=50, vw=31, size=9,
           lstyle="B", vstyle="B", valign="R")
    return y + 12


def make_utility_statement(rng: random.Random, index: int, n_accounts: int | None = None):
    """A summary bill: a cover page with the totals and an index of every service account
    (continued over as many pages as it takes), then a detail section per account."""
    d = statement_data(rng, index, n_accounts)
    ds = d["date_style"]
    mf = (lambda x: fmt_money(x, d["mf_style"]))
    doc = Doc(footer_left=f"{d['provider']} - Summary statement {d['summary_account']}")
    accts = d["accounts"]
    _account_index(doc, accts, _cover(doc, d, ds, mf), mf)
    for k, a in enumerate(accts):
        if k % STATEMENT_ACCOUNTS_PER_PAGE == 0:
            doc.add_page()
            doc.text_at(15, 12, "SERVICE ACCOUNT DETAIL", size=11, style="B", w=100)
            doc.text_at(130, 12, f"Statement Date {fmt_date(d['stmt'], ds)}", size=8.5, w=71,
                        align="R")
            y = 22
        y = _account_detail(doc, d, a, y, ds, mf)
    truth = {
        "customer_name": d["customer"], "summary_account_number": d["summary_account"],
        "statement_date": d["stmt"].isoformat(), "due_date": d["due"].isoformat(),
        "total_amount_due": gt_money(d["current"]),
        "accounts": [{"account_number": a["number"], "service_address": f"{a['street']}, {a['city']}",
                      "period_start": a["start"].isoformat(), "period_end": a["end"].isoformat(),
                      "current_charges": gt_money(a["current"])} for a in accts],
    }
    return doc, truth, {}, "summary"
