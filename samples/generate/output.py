"""Document sets on disk: build one document of a schema, write n of them (or their scanned
variants, or multi-account statements) into a folder with their ground truth."""
from __future__ import annotations

import json
import random
from pathlib import Path

from .insurance_claim import make_insurance_claim
from .invoice import make_invoice
from .scan import SCAN_DPI, scan_pdf
from .utility_bill import make_utility_bill
from .utility_statement import make_utility_statement


SCHEMAS = ("utility_bill", "invoice", "insurance_claim")


MAKERS = {"utility_bill": make_utility_bill, "invoice": make_invoice, "insurance_claim": make_insurance_claim}


def build(schema: str, index: int, seed: int):
    """(FPDF document, ground truth dict, printed forms dict, layout name) for one document."""
    if schema not in MAKERS:
        raise ValueError(f"unknown schema {schema!r}: use one of {', '.join(SCHEMAS)}")
    rng = random.Random(f"{seed}:{schema}:{index}")
    return MAKERS[schema](rng, index)


def write_truth(path: Path, truth: dict, ensure_ascii: bool = False) -> None:
    """The ground truth of one document as indented JSON."""
    path.write_text(json.dumps(truth, indent=2, ensure_ascii=ensure_ascii) + "\n", encoding="utf-8")


def write_labels(folder: Path, labels: list[dict], ensure_ascii: bool = False) -> None:
    """folder/labels.jsonl: one object per document ("file" = the pdf name, plus the fields)."""
    with open(folder / "labels.jsonl", "w", encoding="utf-8") as fh:
        for row in labels:
            fh.write(json.dumps(row, ensure_ascii=ensure_ascii) + "\n")


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
        write_truth(folder / f"{stem}.json", truth)
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    write_labels(folder, labels)
    return paths


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
        write_truth(folder / f"{stem}.json", truth)
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    write_labels(folder, labels)
    return paths


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
        # statements have always been written with non-ASCII characters escaped
        write_truth(folder / f"{stem}.json", truth, ensure_ascii=True)
        labels.append({"file": pdf_path.name, **truth})
        paths.append(pdf_path)
    write_labels(folder, labels, ensure_ascii=True)
    return paths
