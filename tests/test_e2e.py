"""End to end with the real embedded model on the committed samples: Parquet read back with
polars and compared with the ground truth next to each PDF."""
import json

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from extractors.eval.score import evaluate, load_gold
from extractors.fieldspecs import field_specs
from schemas import REGISTRY
from tests.conftest import ROOT, SHARED
from tests.evidence_check import mismatches

pytestmark = pytest.mark.e2e
# measured on the committed samples (README): utility 0.98, invoice 0.97, claim 0.97
MIN_FIELD_ACCURACY = {"utility_bill": 0.9, "invoice": 0.9, "insurance_claim": 0.9,
                      "utility_statement": 0.9}


@pytest.mark.parametrize("schema", list(REGISTRY))
def test_samples_match_ground_truth(tmp_path, schema):
    out = tmp_path / schema
    r = CliRunner().invoke(main, ["run", str(ROOT / "samples" / schema), "--schema", schema,
                                  "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out / "records.parquet")
    assert df.height >= 1
    assert df["model_sha256"][0] and df["schema"][0] == schema
    rep = evaluate(out, load_gold(ROOT / "samples" / schema / "labels.jsonl"),
                   field_specs(REGISTRY[schema])).as_dict()
    print(schema, json.dumps(rep["per_field"]), rep["field_accuracy"])
    assert rep["field_accuracy"] >= MIN_FIELD_ACCURACY[schema]
    # every accepted value carries evidence: read back from the PDF at that page and box, the
    # printed text is the evidence text
    for row in df.iter_rows(named=True):
        evidence = json.loads(row["evidence"])
        assert evidence
        assert mismatches(row["source_file"], evidence) == []


def test_user_schema_file_end_to_end(tmp_path):
    schema_file = tmp_path / "my_invoice.py"
    schema_file.write_text(
        "import datetime as dt\nfrom decimal import Decimal\n"
        "from pydantic import BaseModel, ConfigDict, Field\n\n"
        "class MyInvoice(BaseModel):\n"
        "    '''Just the number, date and total of an invoice.'''\n"
        "    model_config = ConfigDict(extra='forbid')\n"
        "    invoice_number: str = Field(description='Invoice number, \"Invoice No\"')\n"
        "    issue_date: dt.date = Field(description='Invoice date, \"Invoice Date\"')\n"
        "    grand_total: Decimal = Field(description='Total to pay, \"Total\", \"Amount due\", '\n"
        "        '\"Gesamtbetrag\", \"Total TTC\"')\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(ROOT / "samples" / "invoice"), "--schema",
                                  f"{schema_file}:MyInvoice", "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out / "records.parquet")
    assert set(df["schema"].to_list()) == {"MyInvoice"}
    gold = {g["file"]: g for g in load_gold(ROOT / "samples" / "invoice" / "labels.jsonl")}
    right = sum(str(row["grand_total"]) == gold[row["source_file"].split("/")[-1]]["grand_total"]
                for row in df.iter_rows(named=True))
    assert right >= 0.66 * len(gold)


def test_random_characters_txt_is_rejected_and_missing_path_is_one_line(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("x7#@ qqq !!zz 9\n" * 20)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(junk), "--schema", "utility_bill",
                                  "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    rej = json.loads(next((out / "rejected").glob("*.json")).read_text())
    assert rej["reason"] and rej["field_errors"]


ZUGFERD = SHARED / "zugferd"


@pytest.mark.skipif(not ZUGFERD.exists(), reason="../shared/data not beside the repo")
def test_evidence_reads_back_from_real_invoices(tmp_path):
    """Real e-invoices from many PDF producers: every value's box holds the printed value."""
    pdfs = sorted(ZUGFERD.rglob("*.pdf"))[::12][:10]
    out = tmp_path / "out"
    args = ["run", *map(str, pdfs), "--schema", "invoice", "--out", str(out), "--quiet"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out / "records.parquet")
    checked = 0
    for row in df.iter_rows(named=True):
        evidence = json.loads(row["evidence"])
        assert mismatches(row["source_file"], evidence) == [], row["source_file"]
        checked += len(evidence)
    for rej in (out / "rejected").glob("*.json"):
        doc = json.loads(rej.read_text())
        if doc.get("evidence"):
            assert mismatches(doc["source_file"], doc["evidence"]) == [], doc["source_file"]
            checked += len(doc["evidence"])
    print("evidence boxes read back:", checked)
    assert checked >= 20
