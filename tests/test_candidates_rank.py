import datetime as dt
from decimal import Decimal

from extractors.locate.candidates import find_candidates
from extractors.fieldspecs import field_specs
from extractors.locate.rank import rank
from extractors.read.document import read_document
from schemas import REGISTRY


def _top(doc, model):
    specs = field_specs(model)
    cands = find_candidates(doc, specs)
    labels = tuple(lab for s in specs for lab in s.labels)
    out = {}
    for s in specs:
        sib = [x for x in specs if x is not s]
        r = rank(s, cands[s.name], sib, 5, labels)
        out[s.name] = r[0] if r else None
    return out


def test_labels_pick_the_right_values(invoice_txt):
    top = _top(read_document(invoice_txt), REGISTRY["invoice"])
    assert top["invoice_number"].value == "INV-2024-0042"
    assert top["issue_date"].value == dt.date(2024, 3, 14)
    assert top["due_date"].value == dt.date(2024, 4, 13)
    assert top["grand_total"].value == Decimal("357.00")
    assert top["net_total"].value == Decimal("300.00")
    assert top["tax_total"].value == Decimal("57.00")
    assert top["currency"].value == "EUR"
    assert top["seller_name"].value == "ACME Widgets GmbH"


def test_candidate_evidence_points_at_printed_text(invoice_txt):
    doc = read_document(invoice_txt)
    specs = field_specs(REGISTRY["invoice"])
    for name, cands in find_candidates(doc, specs).items():
        for c in cands:
            page = doc.pages[c.page - 1]
            assert page.text[c.start:c.end] == c.text, name


def test_date_range_goes_to_start_and_end(tmp_path):
    p = tmp_path / "bill.txt"
    p.write_text("City Power Utilities\nService period: 02/01/2025 - 02/28/2025\n")
    top = _top(read_document(p), REGISTRY["utility_bill"])
    assert top["period_start"].value == dt.date(2025, 2, 1)
    assert top["period_end"].value == dt.date(2025, 2, 28)


def test_words_between_a_label_and_its_value_that_qualify_it_weaken_the_match():
    """"Rechnung gemäß Bestellung vom" dates the order; "Handelsrechnung Nr. 471102 vom" the
    invoice: a number and its "Nr." between label and value do not qualify the label."""
    from extractors.locate.rank import label_match
    labels = ("invoice date", "rechnungsdatum", "rechnung vom")
    order = label_match("Rechnung gemäß Bestellung vom", labels)
    invoice = label_match("Handelsrechnung Nr. 471102 vom", labels)
    assert invoice > order
    assert label_match("Invoice No. 4711 dated", ("invoice",)) > \
        label_match("Invoice discount terms", ("invoice",))


def test_two_dates_printed_as_one_word_are_a_range(tmp_path):
    """"02/11/20-02/17/20" under "Schedule Dates": both dates are candidates, marked as a range."""
    from extractors.locate.candidates import _date_candidates
    from extractors.read.document import read_document
    f = tmp_path / "d.txt"
    f.write_text("Schedule Dates\n02/11/20-02/17/20   Last Modified   01/21/20\nPart 1-2-2020-3\n")
    doc = read_document(f)
    got = {c.text: c.flags for c in _date_candidates(doc, dayfirst=False)}
    assert "range_start" in got["02/11/20"] and "range_end" in got["02/17/20"]
    assert set(got) == {"02/11/20", "02/17/20", "01/21/20"}


def test_the_word_between_two_dates_is_not_the_range_ends_label(tmp_path):
    """Weekly rows "02/17/20 to 02/23/20" in a schedule: "to" joins the two dates, it does not
    label the end as the flight's end; "From 03/01/20 To 03/29/20" keeps its "To"."""
    from extractors.locate.candidates import _date_candidates
    f = tmp_path / "d.txt"
    f.write_text("Order Flight   02/10/20 - 03/29/20\nWeek   02/17/20 to 02/23/20\n"
                 "From 04/01/20 To 04/29/20\n")
    got = {c.text: c for c in _date_candidates(read_document(f), dayfirst=False)}
    assert got["03/29/20"].label_left == "Order Flight"
    assert got["02/23/20"].label_left == "Week"
    assert got["04/29/20"].label_left.split()[-1] == "To"
    top = _top(read_document(f), _flight_model())
    assert top["flight_to"].value == dt.date(2020, 3, 29)


def _flight_model():
    from pydantic import BaseModel, Field

    class Flight(BaseModel):
        flight_to: dt.date = Field(json_schema_extra={"labels": ["order flight", "to"]})
    return Flight


def test_a_name_field_passes_over_another_fields_label_with_its_value_and_care_of_lines():
    from extractors.types import Candidate
    from extractors.types import FieldSpec
    from extractors.locate.rank import rank
    spec = FieldSpec("advertiser", "text", labels=["advertiser", "client"])
    other = FieldSpec("contract_num", "id", labels=["contract #", "contract"])

    def cand(text, left="", above=""):
        return Candidate(text, text, 1, 0, len(text), (0, 0, 1, 1), line=text,
                         label_left=left, label_above=above)
    cands = [cand("Contract 281067 / Revision 1", left="Advertiser"),
             cand("c/o WMSN", above="Remit to Advertiser"),
             cand("Dan Lipinski for Congress", above="Advertiser")]
    top = rank(spec, cands, [other], 3, tuple(spec.labels + other.labels))
    assert top[0].text == "Dan Lipinski for Congress"


def test_a_bare_number_in_a_row_of_currency_amounts_is_not_the_money():
    from extractors.types import Candidate
    from extractors.types import FieldSpec
    from extractors.locate.rank import rank
    spec = FieldSpec("gross_amount", "money", labels=["gross amount", "total"])
    line = "Totals   17.70   $4,025.00"
    cands = [Candidate(v, t, 1, 0, 1, (0, 0, 1, 1), line=line, label_left=l, label_above=a)
             for v, t, l, a in ((17.70, "17.70", "Totals", ""),
                                (4025.00, "$4,025.00", "", "Gross Amount"))]
    assert rank(spec, cands, [], 2)[0].text == "$4,025.00"


def test_a_name_is_not_the_value_under_a_code_or_number_label():
    from extractors.types import Candidate
    from extractors.types import FieldSpec
    from extractors.locate.rank import rank
    spec = FieldSpec("advertiser", "text", labels=["advertiser"])
    cands = [Candidate(t, t, 1, 0, 1, (0, 0, 1, 1), line=t, label_above=a)
             for t, a in (("Product 1/2", "Advertiser Code"), ("Vote Vets", "Advertiser Name"))]
    assert rank(spec, cands, [], 2)[0].text == "Vote Vets"


def test_amounts_of_a_thousand_or_more_without_separators_are_money(tmp_path):
    """"Bruttosumme   18310,63" and "Total 1256.70" print no thousands separator."""
    f = tmp_path / "inv.txt"
    f.write_text("Rechnung 4711\nNettosumme   15387,08\nBruttosumme   18310,63\nPLZ 40235\n")
    top = _top(read_document(f), REGISTRY["invoice"])
    assert top["grand_total"].value == Decimal("18310.63")
    assert top["net_total"].value == Decimal("15387.08")
    from extractors.locate.candidates import MONEY_RE
    assert [m.group() for m in MONEY_RE.finditer("Total 1256.70 or 1,256.70 / 12.345,67 EUR")] == \
        ["1256.70", "1,256.70", "12.345,67 EUR"]


def test_a_generic_number_label_qualified_by_another_word_is_someone_elses_number():
    """"Kunden-Nr." and "HRB Nr." are the customer's and the register's numbers: they match the
    invoice number's bare "nr" label much less than "Nr." or "Invoice Nr" do."""
    from extractors.fieldspecs import field_specs
    from extractors.locate.rank import label_match
    spec = next(s for s in field_specs(REGISTRY["invoice"]) if s.name == "invoice_number")
    labels = tuple(spec.labels)
    for other in ("Kunden-Nr. :", "HRB Nr.", "GLN Lief-Nr:"):
        assert label_match(other, labels) < 0.6 < label_match("Nr.", labels), other
    assert label_match("Invoice Nr", labels) > 0.8 and label_match("Rechnungs-Nr.", labels) > 0.8


def _seller_buyer(tmp_path, text):
    from extractors.run import Extractor
    p = tmp_path / "inv.txt"
    p.write_text(text)

    class Uniform:   # no model: the label scores choose
        def choose(self, prompt, n):
            return [1.0 / (n + 1)] * (n + 1), 0

    ex = Extractor(REGISTRY["invoice"], Uniform()).extract(read_document(p))
    return ex.values["seller_name"], ex.values["buyer_name"]


BLOCKS = ("Rechnung Nr. 471102 vom 05.03.2018\nVerkäufer:\nNummer   : 549910\n"
          "Globale Nummer: 4000001123452 (GTIN)\nMuster Werkzeug GmbH\nHauptstraße 20\n"
          "DE 80333 München\nKäufer:\nNummer   : GE2020211\nBeispiel Handel AG\n"
          "Kundenstraße 15\nDE 69876 Frankfurt\nGesamtbetrag   238,00 EUR\n")


def test_a_name_under_a_party_heading_belongs_to_that_party_and_a_pair_label_is_no_name(tmp_path):
    """"Verkäufer:" heads the seller's block, "Käufer:" the buyer's; "Nummer   : 549910" in the
    block is a label with its value, not the party's name, and lines of numbers may sit between
    the heading and the name."""
    seller, buyer = _seller_buyer(tmp_path, BLOCKS)
    assert seller == "Muster Werkzeug GmbH"
    assert buyer == "Beispiel Handel AG"
    # the headings swapped: the names follow them
    swapped = BLOCKS.replace("Verkäufer:", "@@").replace("Käufer:", "Verkäufer:").replace("@@", "Käufer:")
    seller, buyer = _seller_buyer(tmp_path, swapped)
    assert seller == "Beispiel Handel AG"


def test_a_name_printed_on_two_lines_of_one_block_is_one_candidate(tmp_path):
    p = tmp_path / "inv.txt"
    p.write_text("MVM Musterhafter\nVersicherungsverein Musterstadt a.G.\n\nHerrn\nMax Mustermann\n"
                 "Musterstr. 11\n12346 Bad Musterhausen\nBeitragsrechnung   24.01.2014\n")
    specs = field_specs(REGISTRY["invoice"])
    values = [c.value for c in find_candidates(read_document(p), specs)["seller_name"]]
    assert "MVM Musterhafter\nVersicherungsverein Musterstadt a.G." in values
    assert not any(str(v).startswith("Herrn\n") for v in values)   # a salutation is no name's part
    # a blank line between: two blocks, no join
    p.write_text("MVM Musterhafter\n\nVersicherungsverein Musterstadt a.G.\n")
    values = [c.value for c in find_candidates(read_document(p), specs)["seller_name"]]
    assert not any("\n" in str(v) for v in values)
    seller, buyer = _seller_buyer(tmp_path, "MVM Musterhafter\nVersicherungsverein Musterstadt a.G.\n\n"
                                  "Herrn\nMax Mustermann\nMusterstr. 11\n12346 Bad Musterhausen\n"
                                  "Rechnung   24.01.2014\nGesamtbetrag   59,50 EUR\n")
    assert seller == "MVM Musterhafter\nVersicherungsverein Musterstadt a.G."
    assert buyer == "Max Mustermann"


def test_the_first_segment_of_a_sender_line_is_the_sender(tmp_path):
    """"Acme GmbH | Europa-Allee 1 | 60486 Frankfurt" above the window address: the seller;
    the addressee under it is the buyer."""
    text = ("Acme Tools GmbH | Europa-Allee 1 | 60486 Frankfurt\nKarl Coyote\nUferstraße 113\n"
            "12345 Wüstenstadt\nRechnung   42\nDatum   01.02.2020\nGesamtbetrag   100,00 EUR\n")
    seller, buyer = _seller_buyer(tmp_path, text)
    assert seller == "Acme Tools GmbH"
    # no address in the line: not a sender line
    p = tmp_path / "x.txt"
    p.write_text("Äpfel | Birnen | Pflaumen\n")
    specs = field_specs(REGISTRY["invoice"])
    assert not any("sender_line" in c.flags
                   for c in find_candidates(read_document(p), specs)["seller_name"])


def test_a_column_heading_over_a_line_of_numbers_still_labels_the_name_below(tmp_path):
    """Two party columns: "Lieferant" and "Käufer" head them, a GLN line sits between the
    heading and each name; a page header row ("Lieferant   Käufer   Seite   1") labels no name."""
    text = ("Lieferant             Käufer                Seite   1\n"
            "GLN 4333741000005     GLN 4304171000002\n"
            "NORDWERK GMBH         SUEDHANDEL GMBH\n"
            "BAHNHOFSTRASSE 99     KUNDENWEG 88\n"
            "Beleg-Nr   : R87654321012345\nBeleg-Datum   : 06.08.2013\n"
            "Gesamtbetrag   119,00 EUR\n")
    seller, buyer = _seller_buyer(tmp_path, text)
    assert seller == "NORDWERK GMBH"
    assert buyer == "SUEDHANDEL GMBH"


def test_a_whole_two_line_name_takes_its_first_lines_label(tmp_path):
    """Under "Verkäufer" only the first line stands alone (the second follows a "Name:" label);
    the name printed whole on two lines elsewhere is the seller."""
    text = ("Rechnung   4711\nVerkäufer\nMVM Musterhafter\nName:   Versicherungsverein Musterstadt a.G.\n"
            "Käufer\nHerrn\nName:   Max Mustermann\nGesamtbetrag   59,50 EUR\n\n\n\n\n\n\n\n\n\n"
            "MVM Musterhafter\nVersicherungsverein Musterstadt a.G.\nMusterstr. 12\n")
    seller, _ = _seller_buyer(tmp_path, text)
    assert seller == "MVM Musterhafter\nVersicherungsverein Musterstadt a.G."


def test_a_broken_word_and_an_address_beside_it_are_no_name_and_no_label():
    from extractors.types import Candidate
    from extractors.locate.rank import field_label_score, _prior
    specs = {s.name: s for s in field_specs(REGISTRY["invoice"])}
    labels = tuple(lab for s in specs.values() for lab in s.labels)
    broken = Candidate("Positions-", "Positions-", 1, 0, 10, (0, 0, 1, 1), line="Art-Nr-Kunde   Positions-",
                       label_left="Art-Nr-Kunde")
    whole = Candidate("Positionen", "Positionen", 1, 0, 10, (0, 0, 1, 1), line="Positionen")
    assert _prior(specs["buyer_name"], broken, labels) < _prior(specs["buyer_name"], whole, labels)
    beside = Candidate("Rechnung gemäß Bestellung", "Rechnung gemäß Bestellung", 1, 0, 10, (0, 0, 1, 1),
                       line="Kundenstraße 15   Rechnung gemäß Bestellung", label_left="Kundenstraße 15")
    assert field_label_score(beside, specs["buyer_name"]) == 0.0


def test_a_date_beside_the_documents_title_is_its_issue_date(tmp_path):
    """A letter-style invoice prints its date beside its title ("Beitragsrechnung  24. Januar
    2014", "Credit note  March 3, 2024"); other dates sit in running text or under period labels."""
    p = tmp_path / "letter.txt"
    p.write_text("Nordlicht Versicherung a.G.\nHerrn Max Beispiel\n"
                 "Beitragsrechnung   24. Januar 2014\n"
                 "zu Ihrer Versicherung wird der Beitrag für den Zeitraum vom 06.12.2013\n"
                 "bis zum 06.12.2014 fällig.\nGesamtbeitrag   59,50 €\n")
    top = _top(read_document(p), REGISTRY["invoice"])
    assert top["issue_date"].value == dt.date(2014, 1, 24)
    p2 = tmp_path / "credit.txt"
    p2.write_text("Beispiel Trading Ltd\nCredit note   March 3, 2024\n"
                  "For the period 01/02/2024 to 02/28/2024\nTotal   -120.00 USD\n")
    assert _top(read_document(p2), REGISTRY["invoice"])["issue_date"].value == dt.date(2024, 3, 3)


def test_a_title_wrapped_before_its_date_or_longer_than_the_label_window_still_labels_it(tmp_path):
    """"Rechnung des Versicherers Nr. 12.345-1 vom" / "18.04.2018": the label ends one line
    above its value; a title with an aside in parentheses ("Gutschrift (Selbst ausgestellte
    Rechnung) (389) Nr. 4711 vom 31.10.2018") is longer than the label window and must not be
    cut inside a word. Both beat a delivery date labelled on its own."""
    p = tmp_path / "wrapped.txt"
    p.write_text("Rechnung des Versicherers Nr. 12.345.678-2018-1 vom\n18.04.2018\n"
                 "Liefer- und Leistungsdatum   : 21.05.2018\nBeispiel Versicherung a.G.\n"
                 "Gesamtbetrag   119,00 EUR\n")
    assert _top(read_document(p), REGISTRY["invoice"])["issue_date"].value == dt.date(2018, 4, 18)
    p2 = tmp_path / "long.txt"
    p2.write_text("Gutschrift (Selbst ausgestellte Rechnung) (389) Nr. 47110818 vom 31.10.2018\n"
                  "Abrechnungszeitraum:   01.10.2018 bis 31.10.2018\nBeispiel Handel Ltd.\n"
                  "Gesamtbetrag   2.000,00 EUR\n")
    top = _top(read_document(p2), REGISTRY["invoice"])
    assert top["issue_date"].value == dt.date(2018, 10, 31)
    assert top["issue_date"].label_left.startswith("Gutschrift")


def test_an_unlabelled_date_set_apart_at_the_top_is_the_documents_own_date(tmp_path):
    """A letter prints its date last on a line near the top, apart from the reference beside
    it ("Vertrag Nr: 00.123.456.7   18. April 2014"); the period's dates in running text are
    not the letter's date. Only a field that dates the document ("issue date") takes it."""
    p = tmp_path / "letter.txt"
    p.write_text("Beispiel Versicherungsverein a.G.\nHerrn\nMax Beispiel\nMusterweg 11\n"
                 "12346 Beispielstadt\n"
                 "Sachversicherungsvertrag Nr: 00.123.456.7   18. April 2014\n"
                 "Sehr geehrter Herr Beispiel,\nwir berechnen Ihnen für den Zeitraum\n"
                 "21.05.2014 bis\n21.05.2015 nachstehenden Beitrag:\n" + "Text.\n" * 20 +
                 "Rechnungsbetrag   1.163,40 €\n")
    from extractors.decide.choose import combine
    specs = field_specs(REGISTRY["invoice"])
    cands = find_candidates(read_document(p), specs)
    labels = tuple(lab for s in specs for lab in s.labels)
    for name, wanted in (("issue_date", True), ("due_date", False)):
        spec = next(s for s in specs if s.name == name)
        opts = rank(spec, cands[name], [s for s in specs if s is not spec], 5, labels)
        # a model with no preference: the label-free prior alone decides against "none"
        chosen, _ = combine([1.0 / (len(opts) + 1)] * (len(opts) + 1), opts, spec.required)
        assert (chosen > 0 and opts[chosen - 1].value == dt.date(2014, 4, 18)) == wanted, name


def test_a_wide_table_header_row_is_headers_even_when_its_first_header_is_long(tmp_path):
    """"*Line Ch Start Date End Date Description   Time   Days   Rate   Type Spots   Amount": the
    cells are column headers ("Type Spots" is no advertiser), though the first is 7 words long."""
    from extractors.locate.rank import _header_row
    wide = ("*Line Ch Start Date End Date Description   Time   Days   Length Week   Rate   "
            "Type Spots   Amount")
    assert _header_row(wide)
    assert _header_row("Art-Nr   Menge   Einheit   Preis")
    assert not _header_row("1   Spot   02/13/20   Rate   Type   Amount")        # values
    from pathlib import Path
    from schemas import load_schema
    adbuy = load_schema(str(Path(__file__).parent.parent / "examples" / "adbuy.py")).model
    p = tmp_path / "order.txt"
    ref = " " * wide.index("Type Spots") + "Advertiser Ref"   # a header cell right over it
    p.write_text("Order 4711\nAdvertiser   Beispiel for Congress\n" + ref + "\n" + wide + "\n"
                 "1   NEWS   02/13/20   02/19/20   M-F   30   $100.00   2   $200.00\n")
    specs = field_specs(adbuy)
    spec = next(s for s in specs if s.name == "advertiser")
    opts = rank(spec, find_candidates(read_document(p), specs)["advertiser"],
                [s for s in specs if s is not spec], 5, tuple(lab for s in specs for lab in s.labels))
    assert opts[0].value == "Beispiel for Congress"
    # far enough behind that the model is not even asked to choose between them
    assert all(o.score < opts[0].score - 0.5 for o in opts[1:])


def test_a_colon_printed_in_its_own_column_still_ends_the_label(tmp_path):
    """"Beleg-Nr   : R876" / "Auftrag-Nr-Lief   : A456": forms that align their colons in a
    column print the label, a gap, then ": value"; the label is the cell before the colon."""
    from extractors.locate.page_index import PageIndex
    p = tmp_path / "form.txt"
    p.write_text("Beleg-Nr   : R87654321012345\nRechnungsempfänger   Auftrag-Nr-Lief   : A456123\n")
    page = read_document(p).pages[0]
    idx = PageIndex(page)
    assert idx.left_label(page.text.index("R876")) == "Beleg-Nr:"
    assert idx.left_label(page.text.index("A456")) == "Auftrag-Nr-Lief:"


def test_a_generic_label_word_as_the_end_of_another_things_compound_is_weaker():
    """"Bestelldatum" / "Bestell-Datum" (the order's date) match issue_date's generic "datum"
    less than the invoice's own "Rechnungsdatum" or a bare "Datum"."""
    from extractors.locate.rank import label_match
    labels = ("invoice date", "date", "rechnungsdatum", "datum", "rechnung")
    order = label_match("Bestell-Datum:", labels)
    assert order < 0.6 < label_match("Datum:", labels)
    assert label_match("Bestelldatum", labels) == order
    assert label_match("Rechnungsdatum", labels) > 0.9


def test_a_span_whose_first_word_is_not_leftmost_still_gets_a_valid_box():
    """A value over two lines, or on a page OCR read upside down (its first word printed right
    of its last): the evidence box spans all its words and never has x0 > x1."""
    from extractors.locate.page_index import _bbox
    from extractors.types import Word
    first, last = Word("Friends", 1000, 10, 1060, 20), Word("Yang", 900, 10, 950, 20)
    first.start, first.end, last.start, last.end = 0, 7, 8, 12
    assert _bbox([first, last], 0, 12) == (900, 10, 1060, 20)
    a, b = Word("Nordlicht", 100, 10, 160, 20), Word("a.G.", 50, 22, 80, 32)
    a.start, a.end, b.start, b.end = 0, 9, 10, 14
    x0, top, x1, bottom = _bbox([a, b], 2, 14)   # from inside the first word
    assert x0 == 50 and x1 == 160 and (top, bottom) == (10, 32)


def test_an_amount_printed_large_under_its_label_is_a_candidate(tmp_path):
    """A bill's headline amount ("Current balance due" over a big "$0.00") is wider than tall:
    it is not the rotated or stacked text whose box cannot be trusted."""
    from fpdf import FPDF
    from pydantic import BaseModel, Field
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.text(20, 20, "Current balance due")
    pdf.set_font("Helvetica", size=36)
    pdf.text(20, 36, "$0.00")
    pdf.set_font("Helvetica", size=10)
    for i, line in enumerate(["Charges from your last bill   $36.79", "Payments   $12.00",
                              "Thank you for your payment.", "Customer service 1-800-555-0100"]):
        pdf.text(20, 60 + 6 * i, line)
    path = tmp_path / "bill.pdf"
    pdf.output(str(path))

    class Bill(BaseModel):
        total_amount_due: Decimal = Field(description="Total amount the customer has to pay.")
    top = _top(read_document(path), Bill)
    assert top["total_amount_due"].value == Decimal("0.00")


def test_articles_in_a_printed_label_do_not_break_the_match():
    from extractors.lexicon import infer_labels
    from extractors.locate.rank import label_match
    labels = infer_labels("account_number", "id", "The account number.")
    assert label_match("N° du compte", labels) >= 0.8
    assert label_match("Número de la cuenta", labels) >= 0.8


class _Parties(__import__("pydantic").BaseModel):
    seller_name: str = __import__("pydantic").Field(description="Name of the company that sent the invoice.")
    buyer_name: str = __import__("pydantic").Field(description="Name of the customer the invoice is addressed to.")


def test_the_name_heading_a_postal_address_block_is_the_recipient(tmp_path):
    """No label says who the customer is: the name over a street and a postcode-and-town line
    (lines of the letterhead's column printed between them) is; the sender line's name, printed
    again in the letterhead, is the issuer's."""
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    rows = [(450, 90, "Nordwind Handel GmbH"), (450, 104, "Lindenweg 7"),
            (450, 118, "54321 Feldberg"),
            (100, 120, "Nordwind Handel GmbH - Lindenweg 7 - 54321 Feldberg"),
            (70, 140, "Marta Kowalski"), (450, 146, "fon 0555 2378"), (450, 160, "fax 0555 2379"),
            (70, 168, "Am Teich 3"), (450, 182, "info@example.org"), (70, 200, "99887 Seedorf"),
            (56, 260, "Rechnung 2024-118 vom 03.04.2024"), (56, 290, "Gesamtbetrag: 571,04 EUR")]
    for x, y, text in rows:
        pdf.text(x, y, text)
    path = tmp_path / "invoice.pdf"
    pdf.output(str(path))
    top = _top(read_document(path), _Parties)
    assert top["seller_name"].value == "Nordwind Handel GmbH"
    assert top["buyer_name"].value == "Marta Kowalski"


def test_a_number_printed_after_suite_or_po_box_is_part_of_an_address(tmp_path):
    from pydantic import BaseModel, Field

    class Order(BaseModel):
        order_number: str = Field(description="The order number.")
    p = tmp_path / "order.txt"
    p.write_text("ORDER\n"
                 "Harbour Media                 PO Box 367\n"
                 "12 Long Street, Suite 250     Order / Rev\n"
                 "Springfield                   4410931\n")
    top = _top(read_document(p), Order)
    assert top["order_number"].value == "4410931"


def test_a_due_date_printed_without_a_year_takes_the_year_nearest_the_documents_dates(tmp_path):
    import datetime as dt
    from pydantic import BaseModel, Field

    class Bill(BaseModel):
        statement_date: dt.date = Field(description="Bill or statement date.")
        due_date: dt.date = Field(description="Payment due date.")
    p = tmp_path / "bill.txt"
    p.write_text("Riverside Water\nStatement date: Dec 20, 2023\nAmount due by Jan 10   $41.20\n")
    top = _top(read_document(p), Bill)
    assert top["statement_date"].value == dt.date(2023, 12, 20)
    assert top["due_date"].value == dt.date(2024, 1, 10)
    p.write_text("Riverside Water\nStatement date: 20.02.2023\nZahlbar bis 16. März   41,20 EUR\n")
    assert _top(read_document(p), Bill)["due_date"].value == dt.date(2023, 3, 16)


def test_a_label_saying_the_opposite_qualifier_is_a_weak_match():
    from extractors.lexicon import infer_labels
    from extractors.locate.rank import label_match
    gross = infer_labels("gross_amount", "money", "Gross total amount of the order.")
    assert label_match("Net Total", gross) < 0.6 * label_match("Order Total", gross) + 0.01
    net = infer_labels("net_amount", "money", "Net amount before tax.")
    assert label_match("Gross Amount", net) < label_match("Net Amount", net) * 0.7


def test_a_row_label_with_its_colon_labels_the_rows_amount_past_a_count(tmp_path):
    """"Grand Total:   9   $1,505.00" in a summary over a table whose "Total" column holds the
    line amounts."""
    from fpdf import FPDF
    from pydantic import BaseModel, Field
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    rows = [(50, 60, "Contract 4711"), (300, 60, "Spots"), (400, 60, "Rate"),
            (300, 76, "9"), (400, 76, "$1,505.00"),
            (50, 92, "Grand Total:"), (300, 92, "9"), (400, 92, "$1,505.00"),
            (50, 300, "Line"), (200, 300, "Spots"), (300, 300, "Rate"), (400, 300, "Total"),
            (50, 316, "1"), (200, 316, "4"), (300, 316, "$115.00"), (400, 316, "$460.00"),
            (50, 332, "2"), (200, 332, "5"), (300, 332, "$209.00"), (400, 332, "$1,045.00")]
    for x, y, text in rows:
        pdf.text(x, y, text)
    path = tmp_path / "order.pdf"
    pdf.output(str(path))

    class Order(BaseModel):
        gross_amount: Decimal = Field(description="Gross total amount of the order.")
    assert _top(read_document(path), Order)["gross_amount"].value == Decimal("1505.00")


def test_a_bill_paid_by_direct_debit_states_the_amount_and_day_taken(tmp_path):
    import datetime as dt
    from pydantic import BaseModel, Field

    class Bill(BaseModel):
        due_date: dt.date = Field(description="Payment due date.")
        total_amount_due: Decimal = Field(description="Total amount the customer has to pay.")
    p = tmp_path / "bill.txt"
    p.write_text("Lakeside Power\nPrix moyen total   21.40\n"
                 "Montant prélevé de votre compte arrondi à   1'204.35\n"
                 "Votre facture du 03.02.2024\nLe montant sera prélevé le 28.02.2024\n")
    top = _top(read_document(p), Bill)
    assert top["total_amount_due"].value == Decimal("1204.35")
    assert top["due_date"].value == dt.date(2024, 2, 28)
    p.write_text("Lakeside Power   Statement date: Mar 28, 2023\nAverage daily use   11.25\n"
                 "The amount of $52.10 will be automatically\n"
                 "deducted from your bank on Apr 7, 2023.\n")
    assert _top(read_document(p), Bill)["due_date"].value == dt.date(2023, 4, 7)


def test_the_next_one_of_a_kind_is_not_this_one(tmp_path):
    """"Next billing date": the date of another bill, not this one's."""
    import datetime as dt
    from pydantic import BaseModel, Field

    class Bill(BaseModel):
        statement_date: dt.date = Field(description="Bill or statement date.")
    p = tmp_path / "bill.txt"
    p.write_text("Lakeside Power\nNext billing date: Aug 8, 2022\n"
                 "Your summary as of Jul 11, 2022\n")
    assert _top(read_document(p), Bill)["statement_date"].value == dt.date(2022, 7, 11)


def test_the_last_one_of_a_kind_is_the_previous_one():
    """"Last billing period" / "Letzte Rechnung" / "Dernière facture": the previous one, also
    when the field's labels match only part of it; "Last day of the billing period" is this
    one's."""
    from extractors.locate.rank import label_match
    period = ("billing period", "billing period period", "period")
    assert label_match("Last billing period", period) < 0.8 * label_match("Billing period", period)
    assert label_match("Last day of the billing period", period) >= 0.85
    assert label_match("Letzte Rechnung", ("rechnung",)) < 0.75 * label_match("Rechnung", ("rechnung",))
    assert label_match("Dernière facture", ("facture",)) < 0.75 * label_match("Facture", ("facture",))


def test_a_value_after_another_key_is_that_keys(tmp_path):
    """ "Next meter reading date: Tuesday, Aug 2, 2022" under a "Current balance due" heading:
    the date is the meter reading's; the heading above vouches for it only weakly."""
    import datetime as dt
    from typing import Optional
    from pydantic import BaseModel, Field

    class Bill(BaseModel):
        due_date: Optional[dt.date] = Field(None, description="Payment due date.")
    p = tmp_path / "bill.txt"
    head = "Lakeside Power\nAccount Number: 00-0000\n" + " " * 34 + "Current balance due\n"
    tail = "Your bill will be delayed temporarily.\nGive us access to your meter.\n"
    p.write_text(head + " " * 34 + "Aug 2, 2022\n" + tail)
    alone = _top(read_document(p), Bill)["due_date"]
    p.write_text(head + "Next meter reading date: Tuesday, Aug 2, 2022\n" + tail)
    keyed = _top(read_document(p), Bill)["due_date"]
    assert alone.value == keyed.value == dt.date(2022, 8, 2)
    assert keyed.score < 0.7 * alone.score


def test_a_lone_date_is_no_end_of_a_period_unless_labelled_so(tmp_path):
    import datetime as dt
    from typing import Optional
    from pydantic import BaseModel, Field
    from extractors.run import Extractor
    from tests.conftest import FakeBackend

    class Bill(BaseModel):
        statement_date: Optional[dt.date] = Field(None, description="Bill or statement date.")
        billing_period_start: Optional[dt.date] = Field(None, description="First day of the billing period.")
        billing_period_end: Optional[dt.date] = Field(None, description="Last day of the billing period.")
    p = tmp_path / "bill.txt"
    p.write_text("Lakeside Power\nAccount Number: 00-0000   Next meter reading: Aug 2, 2022\n"
                 "Last billing period\nAvoid estimated bills: give us access to your meter.\n"
                 "Your billing summary as of Jul 5, 2022\nRemaining balance   None\n")
    got = Extractor(Bill, FakeBackend()).extract(read_document(p)).values
    assert got == {"statement_date": dt.date(2022, 7, 5), "billing_period_start": None,
                   "billing_period_end": None}
    p.write_text("Lakeside Power\nBilling period: Jun 3, 2022 to Jul 2, 2022\n")
    got = Extractor(Bill, FakeBackend()).extract(read_document(p)).values
    assert (got["billing_period_start"], got["billing_period_end"]) == \
        (dt.date(2022, 6, 3), dt.date(2022, 7, 2))


def test_a_party_field_not_called_a_name_still_prefers_a_company_name(tmp_path):
    """A field named for its party ("vendor", "issuer") holds a name as "seller_name" does: a
    company's legal form counts for it over an unlabelled heading at the top of the page."""
    from pydantic import BaseModel, Field
    p = tmp_path / "inv.txt"
    p.write_text("Stylesheet zur Lesbarmachung der Rechnungsdaten\n\n"
                 "Rechnung Nr. 471102 vom 05.03.2018\n\nMuster Werkzeug GmbH\nHauptstraße 20\n"
                 "DE 80333 München\n\nGesamtbetrag   238,00 EUR\n")

    class Named(BaseModel):
        seller_name: str = Field(description="Company issuing the invoice.")

    class Party(BaseModel):
        issuer: str = Field(description="Company issuing the invoice.")
    doc = read_document(p)
    assert _top(doc, Named)["seller_name"].value == "Muster Werkzeug GmbH"
    assert _top(doc, Party)["issuer"].value == "Muster Werkzeug GmbH"


def test_a_name_field_passes_over_a_dated_line_and_a_sentence(tmp_path):
    """The company billing the customer is a name: not "Payments through Mar 14" under a line
    that reads like its label, nor a sentence of mostly lower-case words."""
    from pydantic import BaseModel, Field
    p = tmp_path / "bill.txt"
    p.write_text("Northwind Power Company\n\nTotal charges from your last bill\n"
                 "Payments through Mar 14\n\n"
                 "Billing charge from the company that delivers electricity to you\n"
                 "Amount due   $120.00\n")

    class Bill(BaseModel):
        supplier: str = Field(description="Energy or water company billing the customer.")
    assert _top(read_document(p), Bill)["supplier"].value == "Northwind Power Company"
