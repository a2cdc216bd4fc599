"""Repeated parts (extractors/items.py): line items and service accounts found from the page
layout, written as child tables (OUT/records_<field>.parquet) next to records.parquet."""
import json
from decimal import Decimal

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from extractors.fields import field_specs, row_specs
from extractors.items import extract_items, top_level_pages
from extractors.pipeline import collect_inputs, run_batch
from extractors.read import read_document
from samples import generate
from schemas import REGISTRY, load_schema
from tests.conftest import ROOT


def _items_spec(schema):
    specs = field_specs(REGISTRY[schema])
    spec = next(s for s in specs if s.kind == "items")
    return spec, [s for s in specs if s is not spec]


def test_list_of_models_is_a_repeated_part():
    spec, parent = _items_spec("invoice")
    assert spec.name == "line_items" and spec.kind == "items"
    assert {s.name: s.kind for s in spec.items} == {
        "description": "text", "quantity": "number", "unit_price": "money", "amount": "money"}
    assert any(lab == "einzelpreis" for lab in next(s for s in spec.items
                                                     if s.name == "unit_price").labels)
    # a list of plain values stays a pattern list; the parent row holds the count only
    claim = {s.name: s.kind for s in field_specs(REGISTRY["insurance_claim"])}
    assert claim["diagnosis_codes"] == "pattern_list"
    cols = [s.name for s in row_specs(field_specs(REGISTRY["invoice"]))]
    assert "line_items_count" in cols and "line_items" not in cols


@pytest.mark.parametrize("index", range(8))   # all four layouts, short and long (multi-page)
def test_generated_invoice_line_items_match_truth(tmp_path, index):
    doc_, truth, _printed, _layout = generate.build("invoice", index, seed=23)
    pdf = tmp_path / f"inv{index}.pdf"
    doc_.output(str(pdf))
    spec, parent = _items_spec("invoice")
    res = extract_items(read_document(pdf, ocr="never"), spec, parent)
    want = truth["line_items"]
    assert res.method == "table"
    assert len(res.items) == len(want), [i.get("description") for i in res.items]
    for got, w, ev in zip(res.items, want, res.evidence):
        assert got["amount"] == Decimal(w["amount"])
        assert got["unit_price"] == Decimal(w["unit_price"])
        assert got["quantity"] == Decimal(w["quantity"])
        assert got["description"] == w["description"]
        assert ev["amount"]["page"] >= 1 and len(ev["amount"]["bbox"]) == 4


def test_statement_gives_one_item_per_account(tmp_path):
    pdf = generate.generate_statements(tmp_path, 1, seed=5, accounts=30)[0]
    truth = json.loads(pdf.with_suffix(".json").read_text())["accounts"]
    spec, parent = _items_spec("utility_statement")
    doc = read_document(pdf, ocr="never")
    res = extract_items(doc, spec, parent)
    assert [i["account_number"] for i in res.items] == [a["account_number"] for a in truth]
    for got, want in zip(res.items, truth):
        assert got["current_charges"] == Decimal(want["current_charges"])
        assert got["period_start"].isoformat() == want["period_start"]
        assert got["period_end"].isoformat() == want["period_end"]
        assert got["service_address"] == want["service_address"]
    # the account pages are left out of the top-level search; the cover page stays
    kept = top_level_pages(doc, res.regions)
    assert kept[0].number == 1 and len(kept) < len(doc.pages) / 2


def test_tax_breakdown_and_totals_are_not_items(tmp_path):
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    lines = [["Rechnung Nr. 4711", "", "", "", "Datum: 01.02.2024"],
             ["Pos", "Beschreibung", "Menge", "Einzelpreis", "Gesamtpreis"],
             ["1", "Schrauben M4", "100", "0,10", "10,00"],
             ["2", "Muttern M4", "50", "0,20", "10,00"],
             ["", "Summe netto", "", "", "20,00"],
             ["", "USt.-Satz", "", "Nettobetrag", "Steuerbetrag"],
             ["", "19 %", "", "20,00", "3,80"],
             ["", "Gesamtbetrag", "", "", "23,80"]]
    xs = [15, 30, 90, 120, 160]
    for i, cells in enumerate(lines):
        for x, text in zip(xs, cells):
            pdf.text(x, 30 + 6 * i, text)
    path = tmp_path / "rechnung.pdf"
    pdf.output(str(path))
    spec, parent = _items_spec("invoice")
    res = extract_items(read_document(path, ocr="never"), spec, parent)
    assert [i["description"] for i in res.items] == ["Schrauben M4", "Muttern M4"]
    assert [i["amount"] for i in res.items] == [Decimal("10.00"), Decimal("10.00")]
    assert [i["quantity"] for i in res.items] == [Decimal("100"), Decimal("50")]


def test_child_table_written_replaced_and_pruned(tmp_path, fake_backend):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("invoice_01.pdf", "invoice_02.pdf"):
        (src / name).write_bytes((ROOT / "samples" / "invoice" / name).read_bytes())
    out = tmp_path / "out"
    schema = load_schema("invoice")
    run_batch(collect_inputs([str(src)]), schema, fake_backend, out, progress=False)
    recs = pl.read_parquet(out / "records.parquet")
    items = pl.read_parquet(out / "records_line_items.parquet")
    assert recs["line_items_count"].dtype == pl.Int64 and "line_items" not in recs.columns
    counts = dict(zip(recs["doc_sha256"], recs["line_items_count"]))
    per_doc = items.group_by("doc_sha256").len()
    assert dict(zip(per_doc["doc_sha256"], per_doc["len"])) == counts
    assert items.schema["amount"] == pl.Decimal(38, 2) and items.schema["item_index"] == pl.Int64
    csv = pl.read_csv(out / "records_line_items.csv")
    assert csv.height == items.height and "evidence" in csv.columns
    # --force redoes the documents: their items are replaced, not duplicated
    run_batch(collect_inputs([str(src)]), schema, fake_backend, out, progress=False, force=True)
    again = pl.read_parquet(out / "records_line_items.parquet")
    assert again.height == items.height
    # items whose document has no record (a crash between the two writes) are dropped
    from extractors.write import append_items
    orphan = [{"doc_sha256": "f" * 64, "schema": "invoice", "source_file": "x.pdf",
               "item_index": 0, "description": "x", "quantity": None, "unit_price": None,
               "amount": Decimal("1.00"), "evidence": "{}"}]
    spec, _ = _items_spec("invoice")
    append_items(out, "line_items", orphan, {("f" * 64, "invoice")}, spec.items)
    s = run_batch(collect_inputs([str(src)]), schema, fake_backend, out, progress=False)
    assert s.repaired.get("orphan_items") == 1
    assert pl.read_parquet(out / "records_line_items.parquet").height == items.height


def test_rejected_document_keeps_its_items_in_the_rejection(tmp_path, fake_backend):
    out = tmp_path / "out"
    pdf = ROOT / "samples" / "invoice" / "invoice_01.pdf"
    run_batch([pdf], load_schema("invoice"), fake_backend, out, progress=False,
              review_below=1.01)   # every document goes to review
    rej = [json.loads(p.read_text()) for p in (out / "rejected").glob("*.json")]
    assert len(rej) == 1 and rej[0]["reason"] == "low_confidence"
    got = rej[0]["items"]["line_items"]
    assert "line_items" not in rej[0]["evidence"]   # item evidence is kept per item, under items
    want = json.loads(pdf.with_suffix(".json").read_text())["line_items"]
    assert len(got["items"]) == len(want) and len(got["evidence"]) == len(want)
    assert not (out / "records_line_items.parquet").exists() or \
        pl.read_parquet(out / "records_line_items.parquet").height == 0


@pytest.mark.e2e
def test_cli_writes_line_items_child_table(tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(ROOT / "samples" / "invoice"), "--schema",
                                  "invoice", "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    recs = pl.read_parquet(out / "records.parquet")
    items = pl.read_parquet(out / "records_line_items.parquet")
    gold = {json.loads(l)["file"]: json.loads(l)
            for l in (ROOT / "samples" / "invoice" / "labels.jsonl").read_text().splitlines()}
    for row in recs.iter_rows(named=True):
        name = row["source_file"].split("/")[-1]
        mine = items.filter(pl.col("doc_sha256") == row["doc_sha256"]).sort("item_index")
        assert row["line_items_count"] == mine.height == len(gold[name]["line_items"])
        assert [str(a) for a in mine["amount"]] == [w["amount"] for w in gold[name]["line_items"]]
        for ev in mine["evidence"]:
            assert json.loads(ev)["amount"]["text"]


def test_english_month_names_are_not_mangled_by_foreign_ones():
    # "Januar" inside "January" must not be rewritten ("jany 24, 2024" parsed as nothing)
    from extractors.normalize import parse_date
    assert parse_date("January 24, 2024").isoformat() == "2024-01-24"
    assert parse_date("February 8, 2024").isoformat() == "2024-02-08"
    assert parse_date("24. Januar 2024", dayfirst=True).isoformat() == "2024-01-24"


def test_review_accept_writes_the_items_too(tmp_path, fake_backend):
    from extractors import review
    out = tmp_path / "out"
    pdf = ROOT / "samples" / "invoice" / "invoice_02.pdf"
    run_batch([pdf], load_schema("invoice"), fake_backend, out, progress=False,
              review_below=1.01)
    item = review.pending(out)[0]
    res = review.accept(out, [item.id], reviewer="tester")
    assert not res.failed, res.failed
    recs = pl.read_parquet(out / "records.parquet")
    items = pl.read_parquet(out / "records_line_items.parquet")
    want = json.loads(pdf.with_suffix(".json").read_text())["line_items"]
    assert recs["line_items_count"].to_list() == [len(want)] == [items.height]
    assert [str(a) for a in items.sort("item_index")["amount"]] == [w["amount"] for w in want]


def test_schema_file_with_a_sub_model_loads_its_root_model(tmp_path):
    f = tmp_path / "inv.py"
    f.write_text((ROOT / "schemas" / "invoice.py").read_text())
    assert load_schema(str(f)).name == "Invoice"
