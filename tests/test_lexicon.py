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


def test_what_a_party_does_with_the_document_names_it():
    """"Company issuing the invoice" is the seller, "Company or person receiving the invoice"
    the buyer, "Who is being billed" (passive) the buyer, "Who is billing us" the seller; paying
    alone names no party (an agency pays for its client's ad order)."""
    issuer = infer_labels("issuer", "text", "Company issuing the invoice.")
    recipient = infer_labels("recipient", "text", "Company or person receiving the invoice.")
    for printed in ("Verkäufer", "Sold by", "Seller name"):
        assert label_match(printed, issuer) >= 0.7, printed
        assert label_match(printed, recipient) < 0.7, printed
    for printed in ("Bill to", "Rechnungsempfänger", "Buyer name"):
        assert label_match(printed, recipient) >= 0.7, printed
        assert label_match(printed, issuer) < 0.7, printed
    assert "bill to" in infer_labels("party", "text", "Who is being billed.")
    assert "sold by" in infer_labels("party", "text", "Who is billing us.")
    assert "sold by" in infer_labels("party", "text", "Company the invoice is issued by.")
    assert not {"bill to", "sold by"} & set(infer_labels("sponsor", "text", "Who paid for the ads."))


def test_a_values_kind_and_abbreviations_complete_an_idiom():
    """"due: Last day to pay" is a due date, "Amount to pay on this bill" an amount due,
    "total_incl_vat" a total with tax, "acct_no" an account number, "ccy" a currency."""
    due = infer_labels("due", "date", "Last day to pay without penalty.")
    assert label_match("Payment due date", due) >= 0.8 and label_match("Pay by", due) >= 0.8
    amount = infer_labels("amount", "money", "Amount to pay on this bill.")
    assert label_match("Total amount due", amount) >= 0.8
    assert label_match("Bruttobetrag", infer_labels("total_incl_vat", "money", "Gross.")) >= 0.8
    assert label_match("Account number", infer_labels("acct_no", "id", "")) >= 0.8
    assert label_match("Währung", infer_labels("ccy", "text", "")) >= 0.8
    period = infer_labels("from_date", "date", "Beginning of the period billed.")
    assert label_match("Billing period", period) >= 0.8


def test_a_currency_code_field_is_recognised_by_its_name_or_description():
    class Doc(BaseModel):
        ccy: str = Field(description="Code of the totals.")
        money: str = Field(description="Currency code of the totals.")
        iso: str = Field(description="ISO 4217 currency.")
        rate: str = Field(description="Exchange rate to the currency of the order.")
        note: str = Field(description="Remarks printed on the invoice.")
    kinds = {s.name: s.kind for s in field_specs(Doc)}
    assert kinds == {"ccy": "currency", "money": "currency", "iso": "currency", "rate": "text",
                     "note": "text"}


def test_the_fields_own_name_in_another_language_beats_a_synonym():
    """An account number printed as "N° du compte" beside a customer number "N° client": the
    literal translation of the field's name is listed before the synonym and weighs more, also
    for an id named "account_id" or "customer_account"."""
    for name, desc in (("account_number", "The customer's account number with the utility."),
                       ("account_id", "Number identifying the customer's account."),
                       ("customer_account", "Account identifier on the bill.")):
        labels = (name.replace("_", " "),) + infer_labels(name, "id", desc)
        assert label_match("N° du compte", labels) > label_match("N° client", labels), name


def test_a_phrase_after_a_preposition_names_no_label():
    """"Amount before tax" is an amount: no "tax", "MwSt" or "TVA" label for a subtotal, and
    "Bank account to pay into" gives no "into" or "pay into"."""
    subtotal = infer_labels("subtotal", "money", "Amount before tax.")
    assert not {"tax", "mwst", "tva", "before tax"} & set(subtotal)
    assert label_match("MwSt", subtotal) < 0.5
    iban = infer_labels("iban", "id", "Bank account to pay into.")
    assert not {"into", "pay into"} & set(iban) and "bank account" in iban


def test_fifth_wording_rules_names_balances_flights_and_short_names():
    """A "Legal name of ..." field is a party's name, not a governing law; "the invoiced
    customer" is the buyer; a balance to be paid is an amount due; an amount "with tax" is the
    gross total; "Start of the flight" looks for the flight's dates; "acct" is an account id."""
    from extractors.prose_cues import concept_of
    seller = infer_labels("from_company", "text", "Legal name of the business that sent us the bill.")
    buyer = infer_labels("to_company", "text", "Legal name of the invoiced customer.")
    assert concept_of("from_company", "text", "Legal name of the business that sent us the bill.") is None
    assert label_match("Sold by", seller) >= 0.7 and label_match("Bill to", seller) < 0.7
    assert label_match("Bill to", buyer) >= 0.7 and label_match("Sold by", buyer) < 0.7
    balance = infer_labels("balance", "money", "Balance to be paid.")
    assert label_match("Amount due", balance) >= 0.8 and "paid" not in balance
    gross = infer_labels("gross", "money", "Invoice amount with tax.")
    assert label_match("Bruttobetrag", gross) >= 0.8 and "amount tax" not in gross
    assert label_match("Flight Dates", infer_labels("period_start", "date", "Start of the flight.")) >= 0.8

    class Bill(BaseModel):
        acct: str = Field(description="Customer account.")
    spec = field_specs(Bill)[0]
    assert spec.kind == "id" and label_match("N° du compte", tuple(spec.labels)) >= 0.8


def test_camel_case_names_and_titles_are_read_as_words():
    """"invoiceNumber" is an invoice number (an id) and "sellerName" the seller's name, as if
    written in snake case; the column keeps the name as written; a Field title is a label."""
    class Doc(BaseModel):
        invoiceNumber: str = Field(description="Invoice number, e.g. INV-2023-001")
        sellerName: str = Field(description="Seller company name")
        periodEnd: dt.date = Field(description="Last day of the billing period")
        buyer: str = Field(title="Bill To", description="Customer")
    specs = {s.name: s for s in field_specs(Doc)}
    assert specs["invoiceNumber"].kind == "id" and specs["invoiceNumber"].key == "invoice_number"
    assert label_match("Rechnungsnummer", tuple(specs["invoiceNumber"].labels)) >= 0.8
    assert label_match("Verkäufer", tuple(specs["sellerName"].labels)) >= 0.7
    assert specs["periodEnd"].key == "period_end"
    assert "bill to" in specs["buyer"].labels


def test_the_buyer_of_advertising_is_the_advertiser():
    """Ad orders print "Advertiser" for the party a schema may call client, buyer or committee,
    when its description is about airtime, spots or ads; a party of no advertising stays the
    invoice's buyer, and an ad agency is no advertiser."""
    ad = infer_labels("client", "text", "Who bought the airtime.")
    assert "advertiser" in ad[:3] and "annonceur" in ad
    assert "advertiser" in infer_labels("political_client", "text",
                                        "Committee or candidate the ads are for.")[:5]
    assert "advertiser" not in infer_labels("client", "text", "Customer the invoice is for.")
    assert "advertiser" not in infer_labels("agency", "text", "Ad agency that placed the order.")


def test_a_range_end_named_first_or_by_what_begins_finds_the_ranges_labels():
    """"first_air_date: Date the schedule begins." is one end of a range: the range's subject
    from the name ("air") and from the description's verb ("the schedule begins"), and aired
    ranges are printed as flights ("Flight Dates")."""
    labels = infer_labels("first_air_date", "date", "Date the schedule begins.")
    for lab in ("air dates", "schedule dates", "flight dates"):
        assert lab in labels
    assert "spots dates" in infer_labels("spots_end", "date", "When the spots stop running.")
    assert "flight dates" not in infer_labels("period_start", "date", "Start of the billing period.")


def test_an_identifier_or_reference_is_printed_as_a_number_too():
    """"Identifier of the order or contract" is the contract number; "Contract reference" too."""
    assert "contract number" in infer_labels("order_id", "id", "Identifier of the order or contract.")
    assert "contract number" in infer_labels("reference", "id", "Contract reference of the buy.")
    assert "contract number" not in infer_labels("reference", "text", "Contract reference of the buy.")


def test_a_deadline_for_paying_the_bill_is_a_due_date_not_the_bills_date():
    labels = infer_labels("date_payment_must_be_made_by", "date", "The deadline for paying this bill.")
    assert "due date" in labels and "échéance" in labels
    assert "bill date" not in labels and "as of" not in labels


def test_an_account_identifier_is_the_account_number_and_no_party_name():
    """"customer_account_identifier" is printed "Account Number", "N° de compte"; naming the
    customer does not make it the customer's name."""
    labels = infer_labels("customer_account_identifier", "id", "The customer's account number.")
    assert "account number" in labels and "n° de compte" in labels
    assert "identifier number" not in labels
    assert "buyer name" not in labels and "customer name" not in labels


def test_a_name_that_is_an_idiom_and_a_date_that_a_clause_follows():
    """"pay_by" is printed "Pay by" (not "pay"); "Date payment is due." is the date (that)
    payment is due: no "date payment" label to catch "Payments through"."""
    labels = infer_labels("pay_by", "date", "Date payment is due.")
    assert labels[0] == "pay by" and "due date" in labels
    assert "pay" not in labels and "date payment" not in labels and "by" not in labels


def test_a_party_named_by_what_it_does_gets_that_partys_own_labels():
    """"Legal name of the business that sent us the bill" is the seller: "Verkäufer",
    "Lieferant", "Seller name", not only the sender idioms."""
    labels = infer_labels("from_company", "text", "Legal name of the business that sent us the bill.")
    assert "seller name" in labels and "verkäufer" in labels and "lieferant" in labels


def test_a_range_end_named_finish_or_stop_is_the_ranges_end():
    """"schedule_finish" is the end of a range as "schedule_end" is: range labels, and the rank
    stage takes the range's right-hand date for it."""
    from extractors.locate.rank import END_NAME, START_NAME
    labels = infer_labels("schedule_finish", "date", "Day when the ads stop to go on air.")
    assert "schedule dates" in labels and "flight dates" in labels
    assert END_NAME.search("schedule_finish") and not START_NAME.search("schedule_finish")
    assert START_NAME.search("service_commencing") and END_NAME.search("closing_date")


def test_eighth_wording_rules_selling_parties_account_refs_and_usage_ranges():
    """A "selling party" (or the company that sold) is the seller; a "customer_acct_ref" is the
    account number, not a "reference number"; "The first day of usage this bill is charging me
    for" is the usage range's start, no bill date; "airing_opens"/"airing_closes" are a
    range's ends."""
    from extractors.locate.rank import END_NAME, START_NAME
    assert "verkäufer" in infer_labels("selling_party", "text", "Company that sold the goods.")
    acct = infer_labels("customer_acct_ref", "id", "My account number with them.")
    assert "account number" in acct[:3] and "reference number" not in acct
    assert "my account number" not in acct
    start = infer_labels("covers_from", "date", "The first day of usage this bill is charging me for.")
    assert "usage dates" in start and "bill date" not in start and "as of" not in start
    assert START_NAME.search("airing_opens") and END_NAME.search("airing_closes")


def test_a_range_of_any_subject_is_also_a_period_in_other_languages():
    labels = infer_labels("covers_through", "date", "The last day of usage this bill charges for.")
    assert "période" in labels and "zeitraum" in labels and "period" not in labels


def test_a_deal_number_is_the_contract_number():
    labels = infer_labels("deal_number", "id", "Identifier of this deal.")
    assert "contract number" in labels and "contract #" in labels and "vertragsnummer" in labels


def test_range_words_are_read_in_any_form():
    """"flight_begins" / "flight_ends" are a range's ends as "flight_begin" / "flight_end" are."""
    from extractors.locate.rank import END_NAME, START_NAME
    assert START_NAME.search("flight_begins") and END_NAME.search("flight_ends")
    assert START_NAME.search("service_started") and END_NAME.search("service_finished")
    assert "flight dates" in infer_labels("flight_begins", "date", "First day the ads run.")


def test_a_name_keeps_its_preposition():
    """"total_including_vat" is printed "Total including VAT": no "total vat" label, which is
    the VAT total's, and no "including vat" from its last two words."""
    labels = infer_labels("total_including_vat", "money", "Final invoice total after taxes.")
    assert labels[0] == "total including vat"
    assert "total vat" not in labels and "including vat" not in labels
    assert "gesamtbetrag" in labels


def test_a_contract_identifier_is_an_id_and_commencement_starts_a_range():
    from extractors.locate.rank import END_NAME, START_NAME

    class Agreement(BaseModel):
        contract_identifier: str = Field(description="The identifier assigned to this agreement.")
    spec = field_specs(Agreement)[0]
    assert spec.kind == "id" and "contract number" in spec.labels
    assert START_NAME.search("broadcast_period_commencement")
    assert END_NAME.search("broadcast_period_conclusion")
