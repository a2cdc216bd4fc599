"""Repeated parts (extractors/items.py): line items and service accounts found from the page
layout, written as child tables (OUT/records_<field>.parquet) next to records.parquet."""
import json
from decimal import Decimal

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from extractors.fieldspecs import field_specs, row_specs
from extractors.locate.line_items import extract_items, top_level_pages
from extractors.run import collect_inputs, run_batch
from extractors.read.document import read_document
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
    from extractors.write.items import append_items
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


# ------------------------------------------------------------------------------------------
# table layouts met on real invoices (each rule on a small generated page)
# ------------------------------------------------------------------------------------------
def _layout_pdf(path, pages, size=9, watermark=None):
    """pages: lists of (x, y, text) in mm; watermark: text printed upwards along the margin."""
    from fpdf import FPDF
    pdf = FPDF()
    for cells in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=size)
        for x, y, text in cells:
            pdf.text(x, y, text)
        if watermark:
            with pdf.rotation(90, 8, 200):
                pdf.text(8, 200, watermark)
    pdf.output(str(path))
    spec, parent = _items_spec("invoice")
    return extract_items(read_document(path, ocr="never"), spec, parent)


def _rows(y0, rows, xs, step=6):
    return [(x, y0 + step * i, text) for i, cells in enumerate(rows)
            for x, text in zip(xs, cells) if text]


def test_tight_header_cell_and_four_line_header(tmp_path):
    # "Pos Art-Nr Beschreibung" is set with single spaces: one cell of the page text; the
    # amount's header runs over four lines ("Positions-/betrag/ohne/USt.")
    head = [(15, 30, "Pos"), (23, 30, "Art-Nr"), (35, 30, "Beschreibung"), (90, 30, "Nettopreis"),
            (115, 30, "Menge"), (160, 30, "Positions-"), (23, 34, "Art-Nr-Lief."),
            (160, 34, "betrag"), (23, 38, "(Art)"), (160, 38, "ohne"), (160, 42, "USt.")]
    rows = _rows(50, [["1", "", "Kunstrasen", "3,3333", "3", "10,00"],
                      ["", "KR3M", "", "", "", ""],
                      ["2", "", "Mineralwasser", "5,4900", "20", "109,80"],
                      ["", "GTRWA5", "Medium", "", "", ""]], [16, 23, 36, 90, 118, 162])
    res = _layout_pdf(tmp_path / "tight.pdf", [head + rows])
    assert [i["description"].split()[0] for i in res.items] == ["Kunstrasen", "Mineralwasser"]
    assert [i["amount"] for i in res.items] == [Decimal("10.00"), Decimal("109.80")]
    assert [i["quantity"] for i in res.items] == [Decimal("3"), Decimal("20")]


def test_rotated_margin_text_does_not_merge_the_rows(tmp_path):
    rows = [["Description", "Qty", "Unit Price", "Amount"],
            ["Widget", "2", "5.00", "10.00"], ["Gadget", "1", "7.50", "7.50"],
            ["Gizmo", "3", "1.00", "3.00"], ["", "", "Subtotal", "20.50"]]
    res = _layout_pdf(tmp_path / "wm.pdf", [_rows(40, rows, [20, 90, 120, 160])],
                      watermark="Sample invoice, copyright nobody, printed upwards " * 2)
    assert [i["description"] for i in res.items] == ["Widget", "Gadget", "Gizmo"]


def test_table_carried_to_next_page_after_long_item_text(tmp_path):
    # the first item's notes run from the end of page 1 over more than four lines of page 2
    # (no header repeated there) before the next row
    xs = [16, 40, 100, 130, 170]
    p1 = _rows(250, [["Pos", "Beschreibung", "Nettopreis", "Menge", "Entgelt"],
                     ["1", "Haftpflicht", "67,22", "1 Stk", "80,00"]], xs)
    p2 = _rows(20, [["", "SF25 (30 %)"], ["", "Typkl. 18"], ["", "Regio R9"],
                    ["", "Bruttopreis : 80,00"], ["", "Enthält 19% Versicherungssteuer"],
                    ["2", "Vollkasko", "117,65", "1 Stk", "140,00"], ["", "Typkl. 21"]], xs)
    res = _layout_pdf(tmp_path / "carry.pdf", [p1, p2])
    assert [i["amount"] for i in res.items] == [Decimal("80.00"), Decimal("140.00")]


def test_tight_header_at_the_end_of_a_page_split_by_the_next_pages_row(tmp_path):
    # the header ends page 1; the first row (page 2) prints nothing under "Pos" and "Art-Nr"
    p1 = [(15, 266, "Pos"), (23, 266, "Art-Nr-Kunde"), (45, 266, "Beschreibung"),
          (100, 266, "Nettopreis"), (130, 266, "Menge"), (170, 266, "Entgelt"),
          (23, 270, "Art-Nr-Lief."), (23, 274, "Art-Nr"), (23, 278, "(Art)")]
    p2 = _rows(20, [["Schweinesteak", "5,50", "4 kg", "22,00"], ["SFK5"]], [46, 100, 130, 170])
    res = _layout_pdf(tmp_path / "split.pdf", [p1, p2])
    assert [(i["description"].split()[0], i["amount"]) for i in res.items] == \
        [("Schweinesteak", Decimal("22.00"))]


def test_discount_charge_and_per_unit_lines_are_not_items(tmp_path):
    rows = [["Nr.", "Bezeichnung", "Menge", "Einzel/£", "Gesamt/£"],
            ["1", "Kunstrasen", "3", "4,00", "12,00"],
            ["", "abzgl. 16,7% Rabatt", "", "", "-2,00"],
            ["2", "Rabattmarken", "5", "1,00", "5,00"],
            ["", "Basis: -3,00", "", "", "0,03 £/Stk."],
            ["3", "Gelierzucker", "2", "1,45", "2,90"],
            ["", "zzgl. Versandkosten", "", "", "5,80"],
            ["", "Summe netto", "", "", "20,70"]]
    res = _layout_pdf(tmp_path / "allow.pdf", [_rows(40, rows, [15, 30, 110, 135, 165])])
    # "Rabattmarken" is sold (it has a quantity): an item; "Einzel/£" is a header, no amount
    assert [i["description"].split()[0] for i in res.items] == \
        ["Kunstrasen", "Rabattmarken", "Gelierzucker"]
    assert [i["amount"] for i in res.items] == [Decimal("12.00"), Decimal("5.00"), Decimal("2.90")]


def test_tax_note_inside_an_item_does_not_end_the_table(tmp_path):
    rows = [["Pos", "Beschreibung", "Nettopreis", "Menge", "Steuer", "Entgelt"],
            ["1", "Windschutzscheibe", "100,00", "10 Stk", "0 %", "1000,00"],
            ["", "Preisbasismenge: 1 Stk", "", "", "Umsatzsteuer bei", ""],
            ["", "", "", "", "Lieferungen", ""],
            ["2", "Stoßfänger", "100,00", "10 Stk", "0 %", "1000,00"],
            ["", "Umsatzsteuer 0 %", "", "", "", "0,00"]]
    res = _layout_pdf(tmp_path / "note.pdf", [_rows(40, rows, [15, 30, 85, 110, 135, 170])])
    assert [i["description"].split()[0] for i in res.items] == ["Windschutzscheibe", "Stoßfänger"]


def test_two_columns_named_total_the_rightmost_is_the_line_total(tmp_path):
    rows = [["Amount", "Product", "VAT", "Price", "Total"],
            ["1.00", "Design (hours)", "7%", "160.00", "160.00"],
            ["400.00", "Ballons", "19%", "0.79", "316.00"],
            ["", "Net total: 476.00", "", "", ""]]
    res = _layout_pdf(tmp_path / "total.pdf", [_rows(40, rows, [15, 40, 110, 135, 165])])
    assert [i["amount"] for i in res.items] == [Decimal("160.00"), Decimal("316.00")]
