"""Values stated in sentences (issue 18): made-up contract texts -> parties, effective date,
governing law and term, found from a plain schema's words, with list fields of names kept
whole and scored as sets."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field

from extractors.eval.score import field_credit, set_f1
from extractors.fieldspecs import field_specs
from extractors.locate.durations import find_durations
from extractors.locate.parties import defined_parties, opening_parties, signature_parties
from extractors.locate.sentences import find_places, loose_dates, sentence_at
from extractors.prose_cues import concept_of, cue_score, list_kind
from extractors.read.document import read_document
from extractors.run import Extractor

CONTRACT = """MUTUAL NON-DISCLOSURE AGREEMENT
This Mutual Non-Disclosure Agreement (the "Agreement") is entered into as of May 20, 2014 by and
between Acme Widgets, Inc., a Delaware corporation (the "Company"), and Jane Q. Public, an
individual residing in Ohio ("Recipient").
1. Confidential Information. Recipient shall hold in confidence all information that the
Company discloses, as set out in the Supply Agreement dated January 5, 2010 between the Company
and its suppliers.
2. Term. This Agreement shall expire two (2) years after the date first written above. Either
party may end discussions upon thirty (30) days written notice.
3. Non-solicitation. For a period of eighteen (18) months after the termination of Recipient's
employment, Recipient will not solicit employees of the Company.
4. Governing Law. This Agreement shall be governed by and construed in accordance with the laws
of the State of New York, without regard to its conflict of laws principles.
IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.
ACME WIDGETS, INC.   RECIPIENT
By: /s/ John Smith   /s/ Jane Q. Public
Name: John Smith
Title: President
"""


class NDA(BaseModel):
    """A non-disclosure agreement."""
    effective_date: Optional[dt.date] = Field(None, description="Date the agreement takes effect.")
    jurisdiction: Optional[str] = Field(None, description="The US state whose law governs the agreement.")
    party: list[str] = Field(default_factory=list, description="The companies or persons who sign the agreement.")
    term: Optional[str] = Field(None, description="How long the agreement lasts, e.g. 2 years.")


class OtherWords(BaseModel):
    """The same asked in other words."""
    start_date: Optional[dt.date] = Field(None, description="When the contract starts.")
    governing_law: Optional[str] = Field(None, description="State law that applies.")
    parties: list[str] = Field(default_factory=list, description="Who signed it.")
    duration: Optional[str] = Field(None, description="How long it runs.")


def _doc(tmp_path, text=CONTRACT):
    p = tmp_path / "contract.txt"
    p.write_text(text, encoding="utf-8")
    return read_document(p, isolate=False)


def test_concepts_come_from_many_wordings_of_a_field():
    assert concept_of("jurisdiction", "text", "The US state whose law governs the agreement.") == "law"
    assert concept_of("governing_law", "text", "State law that applies.") == "law"
    assert concept_of("venue", "text", "") == "law"
    assert concept_of("effective_date", "date", "Date the agreement takes effect.") == "effective"
    assert concept_of("start_date", "date", "When the contract starts.") == "effective"
    assert concept_of("term", "text", "How long the agreement lasts") == "term"
    assert concept_of("duration", "text", "How long it runs.") == "term"
    assert concept_of("parties", "text_list", "Who signed it.") == "party"
    # form fields ask for none of them
    assert concept_of("issue_date", "date", "Date the invoice was issued.") is None
    assert concept_of("billing_period_start", "date", "First day of the billing period.") is None
    assert concept_of("seller_name", "text", "Name of the company that sent the invoice.") is None


def test_a_list_of_names_is_not_a_list_of_codes():
    assert list_kind("party", "The companies or persons who sign the agreement.") == "text_list"
    assert list_kind("signatories", "") == "text_list"
    assert list_kind("diagnosis_codes", "ICD codes") == "pattern_list"
    kinds = {s.name: s.kind for s in field_specs(NDA)}
    assert kinds == {"effective_date": "date", "jurisdiction": "text", "party": "text_list",
                     "term": "text"}


def test_durations_are_normalized_as_meant():
    got = [d.value for d in find_durations("two (2) years, eighteen months, a period of 24 "
                                           "months, a one-year term, 30 days, 5.5 months")]
    assert got == ["2 years", "18 months", "24 months", "1 year", "30 days", "5.5 months"]
    assert find_durations("a person at least 18 years old") == []


def test_contract_dates_and_places():
    text = "made as of the 1stday of September, 2008 and on January30, 2006 or 10th October, 2011"
    assert [d for _, _, d in loose_dates(text)] == [dt.date(2008, 9, 1), dt.date(2011, 10, 10),
                                                      dt.date(2006, 1, 30)]
    places = find_places("the laws of the State of New York and of England", 0, 60)
    assert [(n, k) for _, _, n, k in places] == [("New York", "state"), ("England", "country")]


def test_sentences_do_not_end_at_abbreviations():
    text = "Acme Widgets, Inc. and J. Smith agree. The Company shall pay."
    lo, hi = sentence_at(text, 5)
    assert text[lo:hi].strip() == "Acme Widgets, Inc. and J. Smith agree."


def test_cues_tell_governing_law_from_incorporation():
    law, _ = cue_score("law", "This Agreement shall be governed by the laws of the State of ")
    inc, _ = cue_score("law", "Acme, a corporation organized under the laws of the State of ")
    adj, _ = cue_score("law", "Acme Widgets, Inc., a ", " corporation (the \"Company\")")
    assert law >= 0.9 and inc < 0.2 and adj < 0.2


def test_opening_sentence_defined_terms_and_signatures_name_the_parties():
    text = CONTRACT.replace("\n", " ")
    names = [p.name for p in opening_parties(text, 0, 400)]
    assert names == ["Acme Widgets, Inc.", "Jane Q. Public"]
    assert "Acme Widgets, Inc." in [p.name for p in defined_parties(text, 0, 400, 0.65)]
    # "Board of Directors (the "Board")" is a defined thing, not a party
    assert defined_parties('the Board of Directors (the "Board") of Acme', 0, 60, 0.65) == []
    signed = [p.name for p in signature_parties(CONTRACT, 0.5, 0.5)]
    assert "ACME WIDGETS, INC." in signed and "Jane Q. Public" in signed
    assert "John Smith" not in signed     # signs "By:" for the company: not a party


def test_the_record_from_a_contract(tmp_path, fake_backend):
    for model, names in ((NDA, ("effective_date", "jurisdiction", "party", "term")),
                         (OtherWords, ("start_date", "governing_law", "parties", "duration"))):
        got = Extractor(model, fake_backend).extract(_doc(tmp_path)).values
        date, law, party, term = (got[n] for n in names)
        assert date == dt.date(2014, 5, 20)          # not the Supply Agreement's date
        assert law == "New York"                     # not Delaware (incorporation), not Ohio
        assert party == ["Acme Widgets, Inc.", "Jane Q. Public"]
        assert term == "2 years"                     # not the notice, not the non-solicitation


def test_each_party_has_its_own_evidence(tmp_path, fake_backend):
    ex = Extractor(NDA, fake_backend).extract(_doc(tmp_path))
    ev = ex.evidence["party"]
    assert [e["text"] for e in ev] == ["Acme Widgets, Inc.", "Jane Q. Public"]
    assert all(e["page"] == 1 and e["end"] > e["start"] for e in ev)


def test_no_term_when_none_is_stated(tmp_path, fake_backend):
    text = CONTRACT.replace("This Agreement shall expire two (2) years after the date first "
                            "written above.", "")
    assert Extractor(NDA, fake_backend).extract(_doc(tmp_path, text)).values["term"] is None


def test_list_fields_score_as_sets_of_names():
    assert set_f1(["Acme Widgets Inc.", "Jane Q. Public"], ["ACME WIDGETS, INC.", "jane q public"]) == 1.0
    assert set_f1(["Heidrick and Struggles Inc."], ["Heidrick & Struggles, Incorporated"]) == 1.0
    assert abs(set_f1(["A Corp", "B LLC"], ["A Corp", "C Ltd"]) - 0.5) < 1e-9
    assert set_f1([], []) == 1.0 and set_f1(["A"], []) == 0.0
    spec = next(s for s in field_specs(NDA) if s.name == "party")
    assert field_credit(spec, "A Corp; B LLC", '["A Corp"]') == 2 / 3


def test_letters_and_first_person_agreements_name_their_parties():
    from extractors.locate.parties import addressee
    letter = ("Acme Widgets, Inc.\nMarch 3, 2015\nCraig W. Ashmore\n12 Main Road\n"
              "Springfield, MO 63141\nDear Mr. Ashmore:\nThis letter agreement ...")
    assert [p.name for p in addressee(letter, 0.5)] == ["Craig W. Ashmore"]
    assert addressee("Dear Sirs:\nWe write ...", 0.5) == []
    text = "I, Andrew Prozes, have executed this Agreement as of the date below."
    assert [p.name for p in opening_parties(text, 0, len(text))] == ["Andrew Prozes"]
    text = "PARTIES: Mark G. Parker (EMPLOYEE) NIKE, Inc., an Oregon corporation (NIKE)."
    assert [p.name for p in opening_parties(text, 0, len(text))] == ["Mark G. Parker", "NIKE, Inc."]
