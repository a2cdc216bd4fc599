"""--schema auto: classification among the built-in schemas (or a listed subset), on the
committed samples, generated documents of other seeds, and the shared real invoices."""
from __future__ import annotations

import sys

import pytest

from extractors.decide.classify import Classifier, label_snippets, load_candidates, parse_auto
from extractors.errors import DocumentError, RunError
from extractors.read.document import read_document
from schemas import REGISTRY
from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "samples"))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def clf():
    return Classifier(load_candidates("auto"))


def test_parse_auto_specs():
    assert parse_auto("auto") == []
    assert parse_auto("auto:invoice, utility_bill") == ["invoice", "utility_bill"]
    assert parse_auto("invoice") is None
    with pytest.raises(RunError):
        parse_auto("auto:")
    with pytest.raises(RunError):
        load_candidates("auto:no_such_schema")
    assert [s.name for s in load_candidates("auto")] == list(REGISTRY)


@pytest.mark.parametrize("schema", list(REGISTRY))
def test_committed_samples_are_classified(clf, schema):
    for pdf in sorted((ROOT / "samples" / schema).glob("*.pdf")):
        c = clf.classify(read_document(pdf, ocr="never"))
        assert c.schema == schema, (pdf.name, c.scores)
        assert 0.5 < c.confidence <= 1.0
        assert c.evidence[schema]      # the printed labels it went by


def test_generated_documents_of_another_seed_are_classified(clf, tmp_path):
    wrong = []
    for schema in generate.SCHEMAS:
        for pdf in generate.generate(tmp_path, schema, 8, seed=101):
            c = clf.classify(read_document(pdf, ocr="never"))
            if c.schema != schema:
                wrong.append((pdf.name, c.scores))
    assert not wrong


def test_subset_and_unclassifiable(tmp_path):
    claim = ROOT / "samples" / "insurance_claim" / "insurance_claim_01.pdf"
    only_claims = Classifier(load_candidates("auto:insurance_claim"))
    c = only_claims.classify(read_document(claim, ocr="never"))
    assert c.schema == "insurance_claim" and c.confidence > 0.5
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Ms. Fairweather,\n\nThank you for your letter of last week about the "
                      "garden party. We would be delighted to come and will bring a cake.\n\n"
                      "With kind regards,\nHenrietta and Paul\n")
    with pytest.raises(DocumentError) as e:
        Classifier(load_candidates("auto")).classify(read_document(letter))
    assert e.value.reason == "unclassified" and e.value.stage == "classify"
    assert set(e.value.raw_output["scores"]) == set(REGISTRY)


def test_label_snippets_are_label_like():
    doc = read_document(ROOT / "samples" / "invoice" / "invoice_01.pdf", ocr="never")
    snips = label_snippets(doc)
    assert any("Invoice Number" in s for s in snips)
    assert not any(s.replace(",", "").replace(".", "").replace("$", "").isdigit() for s in snips)


@pytest.mark.skipif(not (SHARED / "zugferd").is_dir(), reason="shared data absent")
def test_real_invoices_come_out_invoice(clf):
    files = sorted(p for d in ("zugferd", "invoice2data") for p in (SHARED / d).rglob("*.pdf")
                   if p.is_file())
    got = {}
    for f in files:
        try:
            got[f.name] = clf.classify(read_document(f, ocr="never")).schema
        except DocumentError as e:
            got[f.name] = e.reason
    share = sum(v == "invoice" for v in got.values()) / len(got)
    print(f"real invoices classified as invoice: {share:.3f} of {len(got)}")
    assert share >= 0.95, {k: v for k, v in got.items() if v != "invoice"}


def test_run_auto_routes_documents_to_their_schema_folders(tmp_path, fake_backend):
    import json
    import shutil

    import polars as pl

    from extractors.run import run_batch
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for schema in REGISTRY:
        for pdf in sorted((ROOT / "samples" / schema).glob("*.pdf"))[:2]:
            shutil.copy(pdf, inbox / pdf.name)
    (inbox / "letter.txt").write_text("Dear Sam,\nthe garden party is on Sunday. Bring a cake "
                                      "and your good mood.\nLove, Alex\n")
    out = tmp_path / "out"
    s = run_batch(sorted(inbox.iterdir()), load_candidates("auto"), fake_backend, out,
                  progress=False)
    assert s.documents == 2 * len(REGISTRY) + 1 and s.reasons.get("unclassified") == 1
    assert s.by_schema == {name: 2 for name in REGISTRY}
    for name in REGISTRY:
        got = []
        if (out / name / "records.parquet").exists():
            df = pl.read_parquet(out / name / "records.parquet")
            assert set(df["schema"]) == {name}
            assert all(0.5 < float(c) <= 1 for c in df["schema_confidence"])
            assert all(set(json.loads(x)) == set(REGISTRY) for x in df["schema_scores"])
            got += df["source_file"].to_list()
        got += [json.loads(f.read_text())["source_file"]
                for f in (out / name / "rejected").glob("*.json")]
        assert sorted(p.split("/")[-1] for p in got) == \
            sorted(p.name for p in inbox.glob(f"{name}_*.pdf"))
    rej = [json.loads(f.read_text()) for f in (out / "rejected").glob("*.json")]
    assert [(r["reason"], r["schema"], r["source_file"].split("/")[-1]) for r in rej] == \
        [("unclassified", "auto", "letter.txt")]
    again = run_batch(sorted(inbox.iterdir()), load_candidates("auto"), fake_backend, out,
                  progress=False)
    assert again.skipped == 2 * len(REGISTRY) + 1


def test_multi_account_statements_are_long_consistent_and_utility_bills(clf, tmp_path):
    import json
    pdf = generate.generate_statements(tmp_path, 1, seed=5, accounts=40)[0]
    truth = json.loads(pdf.with_suffix(".json").read_text())
    doc = read_document(pdf, ocr="never")
    assert len(doc.pages) >= 1 + 40 // 3          # cover + index, then 3 accounts a page
    assert len(truth["accounts"]) == 40
    assert len({a["account_number"] for a in truth["accounts"]}) == 40
    for a in truth["accounts"]:
        assert doc.text.count(a["account_number"]) >= 2   # in the index and in its detail
    from decimal import Decimal
    assert sum(Decimal(a["current_charges"]) for a in truth["accounts"]) == \
        Decimal(truth["total_amount_due"])
    # a summary bill is its own document type now (schemas/utility_statement.py)
    assert clf.classify(doc).schema == "utility_statement"
    again = generate.generate_statements(tmp_path / "again", 1, seed=5, accounts=40)[0]
    assert again.read_bytes() == pdf.read_bytes()          # deterministic for a seed
