"""Review queue: list/show/fix/accept/discard from the CLI, crash safety, concurrent accepts,
corrections as gold labels and as label hints for documents like them."""
from __future__ import annotations

import getpass
import json
import multiprocessing as mp
import os

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from extractors import review
from extractors.review import learn
from extractors.eval.score import evaluate, load_gold
from extractors.fieldspecs import field_specs
from extractors.run import run_batch
from schemas import load_schema
from tests.conftest import INVOICE_TXT, FakeBackend


def _invoice(tmp_path, i: int):
    p = tmp_path / "in" / f"inv_{i:02d}.txt"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(INVOICE_TXT.replace("INV-2024-0042", f"INV-2024-{1000 + i}"))
    return p


def _junk(tmp_path, name="junk.txt"):
    p = tmp_path / "in" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("Hello Blue River Trading Ltd\nthis letter has no invoice fields at all\n"
                 "kind regards\n")
    return p


def make_queue(tmp_path, n_valid=2, junk=True):
    """OUT with n_valid valid invoices sent to review (low confidence) and one junk text."""
    out = tmp_path / "out"
    files = [_invoice(tmp_path, i) for i in range(n_valid)] + ([_junk(tmp_path)] if junk else [])
    run_batch(files, load_schema("invoice"), FakeBackend(), out, review_below=1.01,
              progress=False)
    return out


def _item_for(out, name):
    return next(it for it in review.pending(out) if it.source_file.endswith(name))


def _records(out):
    pq = out / "records.parquet"
    return pl.read_parquet(pq) if pq.exists() else pl.DataFrame()


def cli(*args):
    return CliRunner().invoke(main, ["review", *map(str, args)])


def test_list_json_and_show(tmp_path):
    out = make_queue(tmp_path)
    r = cli("list", out, "--json")
    assert r.exit_code == 0, r.output
    items = json.loads(r.output)
    assert len(items) == 3
    for it in items:
        assert {"id", "source_file", "reasons", "fields"} <= set(it)
    junk = next(it for it in items if it["source_file"].endswith("junk.txt"))
    assert junk["reasons"] == ["validation_failed"] and "invoice_number" in junk["fields"]
    r = cli("list", out)
    assert r.exit_code == 0 and "3 pending" in r.output and "validation_failed" in r.output
    inv = _item_for(out, "inv_00.txt")
    r = cli("show", out, inv.id[:6])       # an unambiguous prefix is enough
    assert r.exit_code == 0, r.output
    assert "low_confidence" in r.output and "INV-2024-1000" in r.output
    assert '"INV-2024-1000"' in r.output    # the evidence: printed text with page and box


@pytest.mark.parametrize("assignment,needle", [
    ("issue_date=03/04/2024", "ambiguous"),
    ("issue_date=yesterday", "not a date"),
    ("grand_total=lots", "not a number"),
    ("grand_total=123456789012345678.00", "grand_total"),
    ("currency=EURO", "currency"),
    ("invoice_number=", "required"),
    ("colour=blue", "unknown field 'colour'"),
    ("invoice_number", "expected field=value"),
])
def test_fix_rejects_invalid_values_with_one_line(tmp_path, assignment, needle):
    out = make_queue(tmp_path, n_valid=1, junk=False)
    item = review.pending(out)[0]
    r = cli("fix", out, item.id, assignment)
    assert r.exit_code == 2
    assert needle in r.output and len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output
    assert review.pending(out)[0].corrections == {}     # nothing was stored


def test_fix_and_accept_a_rejected_document(tmp_path):
    out = make_queue(tmp_path)
    junk = _item_for(out, "junk.txt")
    r = cli("fix", out, junk.id, "invoice_number=J-77", "issue_date=14 March 2024",
            "seller_name=Blue River Trading Ltd", "currency=EUR", "grand_total=1.234,50 €")
    assert r.exit_code == 0, r.output
    assert "valid" in r.output and "not valid" not in r.output
    stored = json.loads(junk.path.read_text())["review"]["corrections"]
    assert stored["issue_date"] == "2024-03-14" and stored["grand_total"] == "1234.50"
    r = cli("accept", out, junk.id, "--reviewer", "alice")
    assert r.exit_code == 0, r.output
    df = _records(out)
    row = df.filter(pl.col("review_id") == junk.id).row(0, named=True)
    assert row["invoice_number"] == "J-77" and str(row["grand_total"]) == "1234.50"
    assert row["review_status"] == "corrected" and row["reviewer"] == "alice"
    assert row["reviewed_at"] and row["doc_sha256"] == junk.data["doc_sha256"]
    assert json.loads(row["confidence"])["invoice_number"] == 1.0
    assert "J-77" in json.loads(row["review_corrections"])["invoice_number"]["now"]
    # out of the queue, archived with the review, never in both places
    assert junk.id not in [it.id for it in review.list_items(out)]
    assert not junk.path.exists()
    archived = json.loads((out / "rejected" / "accepted" / f"{junk.id}.json").read_text())
    assert archived["review"]["status"] == "corrected"
    assert "J-77" not in cli("list", out).output
    # CSV too
    assert "J-77" in (out / "records.csv").read_text()


def test_accept_without_changes_is_approved_by_the_login_user(tmp_path):
    out = make_queue(tmp_path, n_valid=1, junk=False)
    item = review.pending(out)[0]
    r = cli("accept", out, item.id)
    assert r.exit_code == 0, r.output
    row = _records(out).row(0, named=True)
    assert row["review_status"] == "approved" and row["reviewer"] == getpass.getuser()
    assert row["invoice_number"] == "INV-2024-1000"
    assert row["source_file"] == item.source_file and row["model"] == "fake.gguf"


def test_accept_revalidates_and_keeps_invalid_items_queued(tmp_path):
    out = make_queue(tmp_path, n_valid=2)
    junk = _item_for(out, "junk.txt")
    r = cli("accept", out, junk.id)
    assert r.exit_code == 1 and "not valid" in r.output
    assert junk.path.exists() and _records(out).height == 0
    # a fix that passes field checks but breaks a business rule is refused at accept
    inv = _item_for(out, "inv_00.txt")
    r = cli("fix", out, inv.id, "grand_total=999.00")
    assert r.exit_code == 0 and "still not valid" in r.output and "grand_total" in r.output
    r = cli("accept", out, "--all")
    assert r.exit_code == 0
    assert "accepted 1, not accepted 2" in r.output
    assert [it.id for it in review.pending(out)] and len(review.pending(out)) == 2
    assert _records(out).height == 1


def test_discard_archives_and_never_deletes(tmp_path):
    out = make_queue(tmp_path, n_valid=1)
    junk = _item_for(out, "junk.txt")
    before = json.loads(junk.path.read_text())
    r = CliRunner().invoke(main, ["review", "discard", str(out), junk.id])
    assert r.exit_code != 0 and "--reason" in r.output
    r = cli("discard", out, junk.id, "--reason", "a letter, not an invoice")
    assert r.exit_code == 0, r.output
    arch = json.loads((out / "rejected" / "discarded" / f"{junk.id}.json").read_text())
    assert arch["review"]["reason"] == "a letter, not an invoice"
    assert arch["partial"] == before["partial"] and arch["raw_output"] == before["raw_output"]
    assert junk.id not in [it.id for it in review.list_items(out)]
    r = cli("accept", out, junk.id)
    assert r.exit_code == 2 and "already discarded" in r.output


def test_unknown_item_and_folder_are_one_line_errors(tmp_path):
    out = make_queue(tmp_path, n_valid=1, junk=False)
    for args in (("show", out, "feedfacefeedface"), ("list", tmp_path / "nope"),
                 ("accept", out), ("fix", out, "feedfacefeedface", "x=1")):
        r = cli(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_user_schema_items_name_their_schema_file_and_its_hash(tmp_path):
    from tests.conftest import ROOT
    pdfs = ROOT / "samples" / "invoice"
    schema_file = tmp_path / "inv.py"
    schema_file.write_text((ROOT / "schemas" / "invoice.py").read_text())
    out = tmp_path / "out"
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text(INVOICE_TXT)
    run_batch([src], load_schema(str(schema_file)), FakeBackend(), out, review_below=1.01,
              progress=False)
    item = review.pending(out)[0]
    assert item.data["schema"] == "Invoice"          # the model's name, not a built-in name
    # the rejection says which file and which version of it: no --schema needed
    assert item.data["schema_source"] == str(schema_file)
    assert len(item.data["schema_sha256"]) == 64
    r = cli("fix", out, item.id, "invoice_number=INV-2024-0001")
    assert r.exit_code == 0, r.output
    text = schema_file.read_text()
    schema_file.write_text(text + "\n# edited after the run\n")
    r = cli("accept", out, item.id)                    # the file changed: say so, do nothing
    assert r.exit_code != 0 and "changed" in r.output and "Traceback" not in r.output
    schema_file.write_text(text)
    r = cli("accept", out, item.id)
    assert r.exit_code == 0, r.output
    assert _records(out).height == 1
    assert pdfs.exists()


# ---------------------------------------------------------------------------------------------
# crash safety and concurrency

def _accept_and_die(out, item_id):
    review.accept(out, [item_id], reviewer="crash", _crash_after_records=True)


def _die_while_writing_records(out, item_id):
    def boom(*a, **k):
        os._exit(19)
    pl.DataFrame.write_parquet = boom
    review.accept(out, [item_id], reviewer="crash")


@pytest.mark.parametrize("target,code", [(_accept_and_die, 17), (_die_while_writing_records, 19)])
def test_interrupted_accept_leaves_the_item_in_queue_or_records_never_both(tmp_path, target,
                                                                           code):
    out = make_queue(tmp_path, n_valid=2, junk=False)
    item = review.pending(out)[0]
    p = mp.get_context("spawn").Process(target=target, args=(out, item.id))
    p.start()
    p.join(60)
    assert p.exitcode == code
    queued = [it.id for it in review.list_items(out)]      # any review command finishes it
    rows = _records(out)
    in_records = rows.height and rows.filter(pl.col("doc_sha256") == item.data["doc_sha256"]
                                             ).height
    assert (item.id in queued) != bool(in_records)          # exactly one of the two
    assert in_records in (0, 1)
    if in_records:
        assert any(g["doc_sha256"] == item.data["doc_sha256"]
                   for g in load_gold(out / "gold.jsonl"))
    # and the queue round trip completes afterwards without duplicates
    r = cli("accept", out, "--all")
    assert r.exit_code == 0, r.output
    df = _records(out)
    assert df.height == 2 and df["doc_sha256"].n_unique() == 2
    assert review.list_items(out) == []


def _accept_worker(out, ids, all_items):
    review.accept(out, ids, all_items=all_items, reviewer=f"w{os.getpid()}")


def test_concurrent_accepts_lose_and_duplicate_nothing(tmp_path):
    out = make_queue(tmp_path, n_valid=12, junk=False)
    ids = [it.id for it in review.pending(out)]
    assert len(ids) == 12
    ctx = mp.get_context("spawn")
    jobs = [(ids[0:4], False), (ids[4:8], False), (ids[2:10], False), (ids[8:12], False),
            (None, True), (None, True)]
    # each item accepted by one worker; overlapping ones may find it gone: both are fine
    procs = [ctx.Process(target=_safe_accept, args=(out, i, a)) for i, a in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    df = _records(out)
    assert df.height == 12
    assert sorted(df["review_id"].to_list()) == sorted(ids)
    assert df["doc_sha256"].n_unique() == 12
    assert review.list_items(out) == []
    assert len(list((out / "rejected" / "accepted").glob("*.json"))) == 12
    gold = load_gold(out / "gold.jsonl")
    assert len(gold) == 12 and len({g["doc_sha256"] for g in gold}) == 12
    assert pl.read_csv(out / "records.csv").height == 12


def _safe_accept(out, ids, all_items):
    try:
        _accept_worker(out, ids, all_items)
    except review.ReviewError as exc:      # an id another worker accepted first
        assert "already accepted" in str(exc) or "no pending item" in str(exc)
    # the ones it could take are done: retry the rest one by one
    for i in ids or []:
        try:
            review.accept(out, [i], reviewer="retry")
        except review.ReviewError:
            pass


# ---------------------------------------------------------------------------------------------
# corrections become gold labels and hints

def test_accepted_records_are_gold_labels_for_eval(tmp_path):
    out = make_queue(tmp_path, n_valid=2)
    junk = _item_for(out, "junk.txt")
    cli("fix", out, junk.id, "invoice_number=J-1", "issue_date=2024-03-14",
        "seller_name=Blue River Trading Ltd", "currency=EUR", "grand_total=10.00")
    assert cli("accept", out, "--all").exit_code == 0
    gold = load_gold(out / "gold.jsonl")
    assert {g["file"] for g in gold} == {str(it) for it in _records(out)["source_file"]}
    j = next(g for g in gold if g["file"].endswith("junk.txt"))
    assert j["invoice_number"] == "J-1" and j["issue_date"] == "2024-03-14"
    assert j["review_status"] == "corrected"
    rep = evaluate(out, gold, field_specs(load_schema("invoice").model)).as_dict()
    assert rep["documents"] == 3 and rep["field_accuracy"] == 1.0
    r = CliRunner().invoke(main, ["eval", str(tmp_path / "in"), "--schema", "invoice",
                                  "--gold", str(out / "gold.jsonl"), "--out", str(out)])
    assert r.exit_code == 0 and "ALL FIELDS" in r.output, r.output


BOOKING = """{company}
{street}
Number: R-{ref}        Booking code: BK-{code}
Issue date: 2024-05-0{day}
Customer: {customer}
Currency: EUR
Total:   {total} EUR
"""


def _booking(folder, name, code, ref, company="Harbour Freight Services GmbH",
             street="Kaiweg 4, 20457 Hamburg", customer="Blue River Trading Ltd", total="410.00",
             day=1):
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(BOOKING.format(company=company, street=street, ref=ref, code=code,
                                customer=customer, total=total, day=day))
    return p


def test_a_correction_teaches_documents_like_it(tmp_path):
    """The schema's labels point invoice_number at 'Number'; this issuer prints it as
    'Booking code'. One correction fixes the issuer's next documents, not other layouts."""
    schema = load_schema("invoice")
    out = tmp_path / "out"
    first = _booking(tmp_path / "a", "h1.txt", "5001", "9001")
    run_batch([first], schema, FakeBackend(), out, review_below=1.01, progress=False)
    item = review.pending(out)[0]
    assert item.original["invoice_number"] == "R-9001"          # the schema's guess
    assert cli("fix", out, item.id, "invoice_number=BK-5001").exit_code == 0
    assert cli("accept", out, item.id).exit_code == 0
    store = json.loads((out / learn.STORE_NAME).read_text())
    taught = store["examples"][0]["fields"]["invoice_number"]
    assert taught["labels"] == ["Booking code:"] or "Booking code" in taught["labels"][0]
    # the same issuer's next documents
    same_issuer = [_booking(tmp_path / "b", f"h{i}.txt", f"50{i}2", f"90{i}2", day=i)
                   for i in range(2, 5)]
    other = _booking(tmp_path / "b", "o1.txt", "7001", "8001",
                     company="Nordlicht Logistik AG\nPostfach 12, Kiel\nWir danken für "
                             "Ihren Auftrag und bitten um Zahlung binnen 14 Tagen",
                     street="Zentrale Buchhaltung, Abteilung Versand und Verzollung",
                     customer="Green Valley Farms Cooperative")
    run_batch(same_issuer + [other], schema, FakeBackend(), out, progress=False)
    df = _records(out)
    got = {r["source_file"].split("/")[-1]: r["invoice_number"]
           for r in df.iter_rows(named=True)}
    assert got["h2.txt"] == "BK-5022" and got["h3.txt"] == "BK-5032" and \
        got["h4.txt"] == "BK-5042"
    assert got["o1.txt"] == "R-8001"          # another layout keeps the schema's labels


def _template_pdf(path, code, ref, day, company="Harbour Freight Services GmbH"):
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(40, 50, company)
    pdf.text(40, 64, "Kaiweg 4, 20457 Hamburg - Freight forwarding and customs brokerage")
    pdf.text(450, 50, f"BK-{code}")                  # the issuer prints it with no label
    pdf.text(40, 120, f"Number: R-{ref}")
    pdf.text(40, 136, f"Issue date: 2024-05-{day:02d}")
    pdf.text(40, 152, "Customer: Blue River Trading Ltd")
    pdf.text(40, 168, "Currency: EUR")
    pdf.text(40, 220, "Freight charges for your shipment, payable within 14 days.")
    pdf.text(300, 260, "Total:")
    pdf.text(450, 260, "410.00 EUR")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def test_a_correction_teaches_where_an_unlabelled_value_is_printed(tmp_path):
    schema = load_schema("invoice")
    out = tmp_path / "out"
    first = _template_pdf(tmp_path / "a" / "t1.pdf", "5001", "9001", 1)
    run_batch([first], schema, FakeBackend(), out, review_below=1.01, progress=False)
    item = review.pending(out)[0]
    assert item.original["invoice_number"] != "BK-5001"
    assert cli("fix", out, item.id, "invoice_number=BK-5001").exit_code == 0
    assert cli("accept", out, item.id).exit_code == 0
    taught = json.loads((out / learn.STORE_NAME).read_text())["examples"][0]["fields"]
    assert taught["invoice_number"]["where"][0]["rel"][0] > 0.5     # top right of the page
    nxt = [_template_pdf(tmp_path / "b" / f"t{i}.pdf", f"50{i}2", f"90{i}2", i)
           for i in range(2, 4)]
    run_batch(nxt, schema, FakeBackend(), out, progress=False)
    got = {r["source_file"].split("/")[-1]: r["invoice_number"]
           for r in _records(out).iter_rows(named=True)}
    assert got["t2.pdf"] == "BK-5022" and got["t3.pdf"] == "BK-5032"
