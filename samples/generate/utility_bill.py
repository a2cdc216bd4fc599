"""Utility bills (electric, gas, water): the data of one bill (provider, customer, period,
charges, balances) and make_utility_bill, which draws it in one of four layouts."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .common import MON, digits, gt_money, person, phone, q, rand_amount, rand_date, us_address
from .utility_bill_layouts import (utility_layout_boxed, utility_layout_classic,
                                   utility_layout_statement, utility_layout_two_column)


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
UTILITY_LAYOUTS = ["classic", "boxed", "two_column", "statement"]


def utility_charges(rng, kind, usage):
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
    charges = utility_charges(rng, kind, usage)
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
