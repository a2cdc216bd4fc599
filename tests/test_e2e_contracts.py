"""End to end with the real embedded model on a contract PDF made here (fpdf2): values stated in
sentences come out typed, the parties as a list column (one value per party, each with its own
evidence), in Parquet and CSV."""
import csv
import json

import polars as pl
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from cli import main
from tests.conftest import ROOT
from tests.evidence_check import mismatches
from tests.test_sentences import CONTRACT

pytestmark = pytest.mark.e2e


def _contract_pdf(path):
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for para in CONTRACT.split("\n"):
        pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_contract_pdf_end_to_end(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _contract_pdf(src / "nda.pdf")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(src), "--schema", str(ROOT / "bench/schemas/nda.py"),
                                  "--out", str(out), "--quiet", "--review-below", "0"])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out / "records.parquet")
    row = df.row(0, named=True)
    assert str(row["effective_date"]) == "2014-05-20"
    assert row["jurisdiction"] == "New York"
    assert row["term"] == "2 years"
    assert df.schema["party"] == pl.List(pl.String)
    assert row["party"] == ["Acme Widgets, Inc.", "Jane Q. Public"]
    with open(out / "records.csv", newline="", encoding="utf-8") as f:
        assert next(csv.DictReader(f))["party"] == "Acme Widgets, Inc.; Jane Q. Public"
    evidence = json.loads(row["evidence"])
    assert [e["text"] for e in evidence["party"]] == row["party"]
    assert mismatches(row["source_file"], evidence) == []
