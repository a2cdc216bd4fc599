"""Label knowledge for plain schemas: what a field's name and description make the tool look
for (extractors/lexicon.py), and that labels a schema lists are used as they are."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

from pydantic import BaseModel, Field

from conftest import ROOT
from extractors.fieldspecs import field_specs
from extractors.lexicon import infer_labels
from extractors.locate.rank import label_match


def test_description_phrases_and_other_languages():
    labels = infer_labels("statement_date", "date", "Bill or statement date.")
    assert {"statement date", "bill date"} <= set(labels)
    due = infer_labels("due_date", "date", "Payment due date.")
    for printed in ("Pay by", "Fällig am", "Date d'échéance", "Fecha de vencimiento",
                    "Data di scadenza", "Vervaldatum"):
        assert label_match(printed, due) >= 0.8, printed


def test_compounds_and_romance_order_for_an_invoice_number():
    labels = infer_labels("invoice_number", "id", "The invoice number.")
    for printed in ("Rechnungsnummer", "Rechnungs-Nr.", "N° de facture", "Número de factura",
                    "Factuurnummer", "Invoice #"):
        assert label_match(printed, labels) >= 0.8, printed


def test_a_range_end_looks_for_the_subject_of_the_range():
    labels = infer_labels("flight_to", "date", "End date of the flight.")
    assert label_match("Flight Dates", labels) >= 0.8


def test_a_party_named_otherwise_gets_that_partys_labels():
    """"vendor" is the seller, "client" the customer and buyer, "utility" the provider: each
    gets the labels documents print for that party, in every language."""
    vendor = infer_labels("vendor", "text", "Who is billing us.")
    for printed in ("Verkäufer", "Lieferant", "Fournisseur", "Sold by"):
        assert label_match(printed, vendor) >= 0.7, printed
    client = infer_labels("client", "text", "Who is being billed.")
    for printed in ("Käufer", "Bill to", "Rechnungsempfänger", "Kunde"):
        assert label_match(printed, client) >= 0.7, printed
    assert label_match("Remit to", infer_labels("utility", "text", "Company supplying the service.")) >= 0.7
    # the head of the description's phrase names the party; a modifier does not
    assert "remit to" in infer_labels("company", "text", "Utility that sent the statement.")
    account = infer_labels("account_number", "id", "The customer's account number with the utility.")
    assert not {"buyer", "provider", "remit to", "bill to"} & set(account)


def test_an_idiom_said_outside_the_descriptions_first_phrase():
    """"Date payment is due." is a due date, "Total to pay" an amount payable is an amount due."""
    due = infer_labels("pay_by", "date", "Date payment is due.")
    for printed in ("Due date", "Fällig am", "Échéance"):
        assert label_match(printed, due) >= 0.8, printed
    payable = infer_labels("amount_payable", "money", "Total to pay, taxes included.")
    for printed in ("Zahlbetrag", "Amount due", "Montant à payer"):
        assert label_match(printed, payable) >= 0.8, printed


def test_listed_labels_win_and_nothing_is_inferred_for_them():
    class Listed(BaseModel):
        due: dt.date = Field(description="Payment due date", json_schema_extra={"labels": ["xyz"]})
        total: Decimal = Field(description="Total amount to pay")
    specs = {s.name: s for s in field_specs(Listed)}
    assert specs["due"].labels == ["xyz", "due"]
    assert "amount due" in specs["total"].labels or "total" in specs["total"].labels


def test_explain_prints_each_fields_kind_and_labels():
    out = subprocess.run([sys.executable, "cli.py", "schemas", "--explain",
                          "bench/schemas/utility_bill.py"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "due_date (date, optional)" in out.stdout and "Pay by".lower() in out.stdout.lower()
    assert "inferred" in out.stdout
