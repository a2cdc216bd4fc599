"""Insurance claims (CMS-1500-like professional claims): payers, providers, diagnosis and
procedure codes, the data of one claim, and make_insurance_claim, which draws it, checks that no
other ICD-10-like string is printed, and returns its ground truth."""
from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from .common import (FIRST, MIDDLE, digits, gt_money, letters, make_npi, name_fmt, person, phone, q,
                     rand_amount, rand_date, us_address)
from .insurance_claim_layouts import claim_layout_cms1500, claim_layout_summary, claim_layout_two_column


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
