"""Pipeline with the fake backend: records, rejections, provenance, re-runs."""
import json

import polars as pl

from extractors.decide.choose import choose_field
from extractors.types import Candidate
from extractors.fieldspecs import field_specs
from extractors.run import run_batch
from schemas import REGISTRY, load_schema


def test_batch_writes_typed_records_with_provenance(tmp_path, invoice_txt, fake_backend):
    out = tmp_path / "out"
    s = run_batch([invoice_txt], load_schema("invoice"), fake_backend, out, progress=False)
    assert (s.accepted, s.rejected) == (1, 0)
    df = pl.read_parquet(out / "records.parquet")
    row = df.row(0, named=True)
    assert str(row["grand_total"]) == "357.00"
    assert df.schema["issue_date"] == pl.Date
    assert isinstance(df.schema["grand_total"], pl.Decimal)
    for col in ("source_file", "doc_sha256", "schema", "model", "model_sha256", "run_id",
                "extracted_at", "evidence", "confidence"):
        assert row[col] is not None, col
    ev = json.loads(row["evidence"])["invoice_number"]
    assert ev["text"] == "INV-2024-0042" and ev["page"] == 1
    assert pl.read_csv(out / "records.csv").height == 1


def test_random_text_is_rejected_with_reason_and_batch_goes_on(tmp_path, invoice_txt,
                                                               fake_backend):
    junk = tmp_path / "junk.txt"
    junk.write_text("qZx!! 9#kq ~~ pwo&& zz^ ylk0 \n" * 5)
    out = tmp_path / "out"
    s = run_batch([junk, invoice_txt], load_schema("invoice"), fake_backend, out,
                  progress=False)
    assert (s.accepted, s.rejected) == (1, 1)
    files = list((out / "rejected").glob("*.json"))
    assert len(files) == 1
    rej = json.loads(files[0].read_text())
    assert rej["reason"] == "validation_failed"
    assert rej["source_file"] == str(junk)
    assert "invoice_number" in rej["field_errors"]
    assert "raw_output" in rej and "partial" in rej


def test_second_run_skips_done_documents_and_keeps_earlier_rows(tmp_path, invoice_txt,
                                                                fake_backend):
    out = tmp_path / "out"
    schema = load_schema("invoice")
    run_batch([invoice_txt], schema, fake_backend, out, progress=False)
    other = tmp_path / "other.txt"
    other.write_text(invoice_txt.read_text().replace("INV-2024-0042", "INV-2024-0043"))
    s = run_batch([invoice_txt, other], schema, fake_backend, out, progress=False)
    assert s.skipped == 1 and s.accepted == 1
    df = pl.read_parquet(out / "records.parquet")
    assert sorted(df["invoice_number"].to_list()) == ["INV-2024-0042", "INV-2024-0043"]
    s = run_batch([invoice_txt], schema, fake_backend, out, force=True, progress=False)
    assert s.accepted == 1
    assert pl.read_parquet(out / "records.parquet").height == 2   # redone, not duplicated


def test_business_rule_failure_names_the_field(tmp_path, fake_backend):
    p = tmp_path / "bill.txt"
    p.write_text("Invoice No: A-100\nInvoice Date: 2024-05-01\nACME Corp GmbH\n"
                 "Net total: 100.00 EUR\nVAT: 19.00 EUR\nTotal: 150.00 EUR\n")
    out = tmp_path / "out"
    s = run_batch([p], load_schema("invoice"), fake_backend, out, progress=False)
    assert s.rejected == 1
    rej = json.loads(next((out / "rejected").glob("*.json")).read_text())
    assert rej["reason"] == "business_rule"
    assert "grand_total" in rej["field_errors"]


def test_review_below_sends_valid_record_to_review(tmp_path, invoice_txt, fake_backend):
    out = tmp_path / "out"
    s = run_batch([invoice_txt], load_schema("invoice"), fake_backend, out, progress=False,
                  review_below=1.01)
    assert s.rejected == 1
    rej = json.loads(next((out / "rejected").glob("*.json")).read_text())
    assert rej["reason"] == "low_confidence" and rej["partial"]["invoice_number"]


def test_model_breaks_ties_between_close_candidates(fake_backend):
    spec = next(s for s in field_specs(REGISTRY["invoice"]) if s.name == "seller_name")
    opts = [Candidate(v, v, 1, 0, 1, (0, 0, 1, 1), line=v, score=0.5) for v in ("A AG", "B AG")]
    fake_backend.enqueue([0.05, 0.05, 0.9])
    ch = choose_field(fake_backend, spec, opts)
    assert ch.candidate.text == "B AG"
    assert "1) A AG" in fake_backend.calls[0] and "2) B AG" in fake_backend.calls[0]
    assert 0 < ch.confidence <= 1


def test_business_rule_picks_other_printed_values_that_add_up(tmp_path, fake_backend):
    """The best-labelled total breaks net + tax = total; another printed total fits: taken,
    with its own evidence. A rule no printed combination satisfies still rejects."""
    p = tmp_path / "inv.txt"
    p.write_text("Invoice No: A-100\nInvoice Date: 2024-05-01\nACME Corp GmbH\n"
                 "Net total: 100.00 EUR\nVAT: 19.00 EUR\nTotal: 150.00 EUR\n"
                 "Balance: 119.00 EUR\n")
    out = tmp_path / "out"
    s = run_batch([p], load_schema("invoice"), fake_backend, out, progress=False)
    assert s.accepted == 1
    df = pl.read_parquet(out / "records.parquet")
    assert str(df["grand_total"][0]) == "119.00"
    ev = json.loads(df["evidence"][0])["grand_total"]
    assert ev["text"].startswith("119.00")


def _totals_run(tmp_path, fake_backend, items: list[str]):
    """An invoice whose labelled total breaks net + tax = total; the total that adds up (119.00)
    is printed last, under a label the schema does not know, below `items`."""
    lines = ["Invoice No: A-100", "Invoice Date: 2024-05-01", "ACME Corp GmbH",
             "Net total: 100.00 EUR", "VAT: 19.00 EUR", "Total: 150.00 EUR"]
    p = tmp_path / "inv.txt"
    p.write_text("\n".join(lines + items + ["Please pay 119.00 EUR"]) + "\n")
    out = tmp_path / "out"
    s = run_batch([p], load_schema("invoice"), fake_backend, out, progress=False)
    assert s.accepted == 1
    df = pl.read_parquet(out / "records.parquet")
    assert (str(df["net_total"][0]), str(df["tax_total"][0]), str(df["grand_total"][0])) == \
        ("100.00", "19.00", "119.00")
    return df


def test_business_rule_looks_past_the_values_the_model_was_offered(tmp_path, fake_backend):
    """The total that adds up is printed without a total label, below many better-labelled
    amounts: the rule still finds it among the document's printed values (one field changed)."""
    _totals_run(tmp_path, fake_backend, [f"Item total {i}: {200 + i}.00 EUR" for i in range(8)])


def test_business_rule_finds_the_total_that_adds_up_wherever_it_ranks(tmp_path, fake_backend):
    """Net and tax are well labelled; the total that matches their sum is printed under a
    label the schema does not know, below more than a dozen better-ranked amounts: changing
    the one field to the printed amount that makes the arithmetic work beats changing two."""
    df = _totals_run(tmp_path, fake_backend,
                     [f"Item total {i}: {30 + i}.00 EUR" for i in range(20)])
    ev = json.loads(df["evidence"][0])["grand_total"]
    assert ev["text"].startswith("119.00")
