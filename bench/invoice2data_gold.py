"""Write a gold .jsonl for the invoice2data test invoices (their expected-output JSON mapped to
the built-in invoice schema: issuer->seller_name, amount->grand_total, date->issue_date).

    python bench/invoice2data_gold.py ../shared/data/invoice2data > /tmp/i2d.jsonl
"""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1])
for j in sorted(root.glob("*.json")):
    src = next((p for p in (j.with_suffix(".pdf"), j.with_suffix(".txt")) if p.exists()), None)
    if src is None:
        continue
    d = json.loads(j.read_text())
    d = d[0] if isinstance(d, list) else d
    print(json.dumps({"file": src.name, "invoice_number": d.get("invoice_number"),
                      "issue_date": d.get("date"), "seller_name": d.get("issuer"),
                      "currency": d.get("currency"), "grand_total": d.get("amount")}))
