"""Turns a seed into synthetic PDF documents of the built-in schemas, each with its ground truth.

    python -m samples.generate [--out samples] [--per-schema 6] [--seed 7] [--schema NAME ...]
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

Modules: common (formats, random values, the Doc page helper), one module per document type
(utility_bill, invoice, insurance_claim: data and ground truth; *_layouts: how they are drawn;
utility_statement), scan (scanned variants), output (sets on disk), __main__ (the command line).
"""
from .common import FIXED_CREATION_DATE, Doc
from .insurance_claim import make_insurance_claim
from .invoice import make_invoice
from .output import MAKERS, SCHEMAS, build, generate, generate_scanned, generate_statements
from .scan import SCAN_DPI, scan_pdf
from .utility_bill import make_utility_bill
from .utility_statement import make_utility_statement

__all__ = ["SCHEMAS", "MAKERS", "build", "generate", "generate_scanned", "generate_statements",
           "scan_pdf", "SCAN_DPI", "Doc", "FIXED_CREATION_DATE", "make_utility_bill", "make_invoice",
           "make_insurance_claim", "make_utility_statement"]
