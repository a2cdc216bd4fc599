"""The three insurance claim layouts (cms1500 form, summary, two_column boxes): each draws the
data of insurance_claim.claim_data and returns (Doc, printed forms)."""
from __future__ import annotations

from .common import Doc, fmt_date, fmt_money, name_fmt


# CMS-1500 form grid: left edge and the widths of its left, middle and right columns
_X0 = 15
_C1, _C2 = 70, 48
_C3 = 186 - _C1 - _C2


def _printed(d, ds, mf, pname, payer, provider):
    """The fields as the layout printed them."""
    return {"patient_name": pname, "patient_dob": fmt_date(d["dob"], ds), "payer_name": payer,
            "provider_name": provider, "service_date_from": fmt_date(d["start"], ds),
            "service_date_to": fmt_date(d["end"], ds), "total_charge": mf(d["total"])}


def _row3(doc, y, h, a, b, c):
    """One row of the form: a (label, value) box in each of the three columns."""
    doc.box(_X0, y, _C1, h, *a)
    doc.box(_X0 + _C1, y, _C2, h, *b)
    doc.box(_X0 + _C1 + _C2, y, _C3, h, *c)


def _cms1500_patient_insured(doc, d, ds, pname, iname, payer):
    """Items 1-13: program, patient, insured, other coverage, signatures. Returns y below."""
    x0, c1, c2, c3 = _X0, _C1, _C2, _C3
    y = 30
    doc.box(x0, y, c1 + c2, 10, "1. MEDICARE   MEDICAID   TRICARE   CHAMPVA   GROUP HEALTH PLAN   FECA   OTHER",
            "[ ]          [ ]          [ ]          [ ]          [X]          [ ]          [ ]", vsize=8)
    doc.box(x0 + c1 + c2, y, c3, 10, "1a. INSURED'S I.D. NUMBER (For Program in Item 1)", d["insured_id"], vsize=10)
    y += 10
    _row3(doc, y, 10, ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", pname),
          ("3. PATIENT'S BIRTH DATE   SEX", f"{fmt_date(d['dob'], ds)}   {d['sex']}"),
          ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", iname))
    y += 10
    _row3(doc, y, 10, ("5. PATIENT'S ADDRESS (No., Street)", d["paddr"][0].upper()),
          ("6. PATIENT RELATIONSHIP TO INSURED", d["relation"].upper()),
          ("7. INSURED'S ADDRESS (No., Street)", d["paddr"][0].upper()))
    y += 10
    _row3(doc, y, 10, ("CITY, STATE, ZIP CODE", d["paddr"][1].upper()), ("8. RESERVED FOR NUCC USE", ""),
          ("CITY, STATE, ZIP CODE", d["paddr"][1].upper()))
    y += 10
    _row3(doc, y, 10, ("TELEPHONE (Include Area Code)", d["pphone"]), ("", ""),
          ("TELEPHONE (Include Area Code)", d["pphone"]))
    y += 10
    _row3(doc, y, 10, ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", "NONE"),
          ("10. IS PATIENT'S CONDITION RELATED TO:", "a. EMPLOYMENT? NO"),
          ("11. INSURED'S POLICY GROUP OR FECA NUMBER", d["group"]))
    y += 10
    _row3(doc, y, 10, ("9a. OTHER INSURED'S POLICY OR GROUP NUMBER", ""), ("b. AUTO ACCIDENT?", "NO"),
          ("a. INSURED'S DATE OF BIRTH   SEX", f"{fmt_date(d['ins_dob'], ds)}   {d['ins_sex']}"))
    y += 10
    _row3(doc, y, 10, ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", "NO"), ("c. OTHER ACCIDENT?", "NO"),
          ("c. INSURANCE PLAN NAME OR PROGRAM NAME", payer))
    y += 10
    doc.box(x0, y, c1 + c2, 10, "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE",
            f"SIGNATURE ON FILE      DATE {fmt_date(d['sign_date'], ds)}", vsize=8.5)
    doc.box(x0 + c1 + c2, y, c3, 10, "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", "SIGNATURE ON FILE", vsize=8.5)
    return y + 10


def _cms1500_services(doc, d, y, ds, mf):
    """Items 14-24: illness date, referring provider, diagnoses, the six service lines.
    Returns y below."""
    x0, c1, c2, c3 = _X0, _C1, _C2, _C3
    _row3(doc, y, 10, ("14. DATE OF CURRENT ILLNESS, INJURY, OR PREGNANCY (LMP)", fmt_date(d["onset"], ds)),
          ("15. OTHER DATE", ""), ("16. DATES PATIENT UNABLE TO WORK", ""))
    y += 10
    _row3(doc, y, 10, ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", "DN  " + d["referring"]),
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
    return y + 6.6 + 6 * 6.2


def _cms1500_billing(doc, d, y, ds, mf, red):
    """Items 25-33: tax id, account, totals, signature, facility, billing provider; form footer."""
    x0 = _X0
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
    y = _cms1500_patient_insured(doc, d, ds, pname, iname, payer)
    y = _cms1500_services(doc, d, y, ds, mf)
    _cms1500_billing(doc, d, y, ds, mf, red)
    doc.set_draw_color(60)
    return doc, _printed(d, ds, mf, pname, payer, d["provider"].upper())


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


def _section(doc, y, title, color):
    """A section heading on a tinted band. Returns y below it."""
    doc.band(15, y, 186, 6, (228, 240, 233))
    doc.text_at(16, y + 0.8, title, size=9, style="B", color=color)
    return y + 8


def _two_columns(doc, y, left, right):
    """(label, value) pairs side by side, left and right; an empty label gets no colon."""
    for i, ((ll, lv), (rl, rv)) in enumerate(zip(left, right)):
        doc.kv(17, y + i * 5.6, ll + (":" if ll else ""), lv, 30, 62, size=9)
        doc.kv(110, y + i * 5.6, rl + ":", rv, 30, 61, size=9)


def _summary_page_two(doc, d, patient_line, lds, mf, green):
    """Page 2 of the summary layout: every service line, their total, claim notes."""
    doc.add_page()
    doc.text_at(15, 13, d["provider"], size=11, style="B", color=green, w=110)
    doc.text_at(125, 13, f"Claim #: {d['claim_no']}", size=9, w=76, align="R")
    doc.text_at(15, 20, patient_line, size=9, w=186)
    y = _section(doc, 30, "SERVICE LINE DETAIL", green)
    y = _claim_lines_table(doc, d, 15, y, lds, mf) + 4
    doc.kv(110, y, "Total of service lines:", mf(d["total"]), 50, 41, size=9.5, lstyle="B", vstyle="B", valign="R")
    doc.lines_at(15, y + 12, ["Claim notes:",
                              "Services rendered as documented in the patient record. Records available on request.",
                              f"Referring provider: {d['referring']} (NPI {d['referring_npi']})."], size=8.5, w=186)


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
    y = _section(doc, 42, "PATIENT AND INSURANCE", green)
    left = [(pat_l, pname), (dob_l, fmt_date(d["dob"], ds)), ("Sex", d["sex"]),
            ("Address", d["paddr"][0]), ("", d["paddr"][1]), ("Patient Acct #", d["acct_no"])]
    right = [(payer_l, d["payer"]), ("Payer ID", d["payer_id"]), (id_l, d["insured_id"]), ("Group #", d["group"]),
             ("Subscriber", name_fmt(d["insured"], "plain")), ("Relationship", d["relation"])]
    _two_columns(doc, y, left, right)
    y += 6 * 5.6 + 4
    y = _section(doc, y, "PROVIDER", green)
    left = [(prov_l, d["provider"]), ("NPI", d["npi"]), ("Tax ID (EIN)", d["ein"])]
    right = [("Rendering", d["rendering"]), ("Rendering NPI", d["rendering_npi"]), ("Facility", d["facility"])]
    _two_columns(doc, y, left, right)
    y += 3 * 5.6 + 4
    y = _section(doc, y, "CLAIM", green)
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
        _summary_page_two(doc, d, f"{pat_l}: {pname}     {id_l}: {d['insured_id']}", lds, mf, green)
    return doc, _printed(d, ds, mf, pname, d["payer"], d["provider"])


def _head(doc, x, y, title, color, w=91):
    """A section heading, white on a coloured band."""
    doc.band(x, y, w, 5.5, color)
    doc.text_at(x + 1, y + 0.6, title, size=8.5, style="B", color=255)


def _two_column_parties(doc, d, y, ds, pname, id_l, color):
    """Patient (left) and insured (right) boxes under their headings. Returns y below them."""
    _head(doc, 15, y, "PATIENT INFORMATION", color)
    _head(doc, 110, y, "INSURED / SUBSCRIBER INFORMATION", color)
    y += 5.5
    bh = 11
    left = [[("Patient Name", pname, 91)], [("Date of Birth", fmt_date(d["dob"], ds), 46), ("Sex", d["sex"], 45)],
            [("Address", f"{d['paddr'][0]}, {d['paddr'][1]}", 91)],
            [("Phone", d["pphone"], 46), ("Patient Account No.", d["acct_no"], 45)]]
    right = [[(id_l, d["insured_id"], 91)], [("Insured's Name", name_fmt(d["insured"], "full"), 55),
                                             ("Relationship", d["relation"], 36)],
             [("Insured's Date of Birth", fmt_date(d["ins_dob"], ds), 46), ("Group Number", d["group"], 45)],
             [("Insurance Plan Name", d["payer"], 91)]]
    for col_x, rows in ((15, left), (110, right)):
        yy = y
        for row in rows:
            cx = col_x
            for lab, val, w in row:
                doc.box(cx, yy, w, bh, lab, val, lsize=6.5, vsize=9.5)
                cx += w
            yy += bh
    return y + 4 * bh + 5


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
    y = _two_column_parties(doc, d, 37, ds, pname, id_l, purple)
    bh = 11
    _head(doc, 15, y, "BILLING PROVIDER", purple, 186)
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
    _head(doc, 15, y, "SERVICES AND DIAGNOSIS", purple, 186)
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
    return doc, _printed(d, ds, mf, pname, payer, d["provider"])
