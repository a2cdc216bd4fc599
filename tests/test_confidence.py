"""Decide stage, confidence: the signals about a field's choice (decide/confidence.py)."""
from extractors.decide.confidence import cut_short, extended, features
from extractors.types import Candidate, Choice, FieldSpec


def _opt(text, score):
    return Candidate(text, text, 1, 0, len(text), (0, 0, 1, 1), line=text, score=score,
                     label_left="Order #")


def test_a_value_printed_elsewhere_with_more_attached_is_extended():
    text = "Order # 950658   Invoice # 950658-1\nTotal 1,200.00"
    assert extended("950658", text)
    assert extended("950658", "Contract / Revision 950658 / 2")
    assert extended("Rohstoff", "RohstoffAG Salzgitter")     # the start of a longer word
    assert not extended("950658", "Order # 950658\nInvoice 950658")
    assert not extended("Acme", "Acme GmbH, Acme street")     # a separate word is no extension
    assert not extended("12", "12-3")                          # too short to tell


def test_a_name_ending_on_a_connector_is_cut_short():
    assert cut_short("Beth Parlato for")
    assert cut_short("Müller und")
    assert cut_short("Smith &")
    assert not cut_short("Tom Steyer for President-D")
    assert not cut_short("Acme GmbH")


def test_features_report_both_signals_for_the_chosen_value():
    spec = FieldSpec("contract_num", "id", "The contract or order number")
    chosen = _opt("950658", 0.9)
    f = features(spec, [chosen], Choice(chosen, 0.8, [0.0, 1.0]), [chosen],
                 "Order # 950658 Invoice # 950658-1")
    assert f["extended"] == 1.0 and f["cut"] == 0.0
    f = features(spec, [chosen], Choice(chosen, 0.8, [0.0, 1.0]), [chosen], "Order # 950658")
    assert f["extended"] == 0.0
    name = FieldSpec("advertiser", "text", "The advertiser")
    cut = _opt("Beth Parlato for", 0.9)
    f = features(name, [cut], Choice(cut, 0.8, [0.0, 1.0]), [cut], "Beth Parlato for\nCongress")
    assert f["cut"] == 1.0


def test_a_repaired_value_is_as_sure_as_its_own_signals_say():
    """Business-rule repair takes a weaker option: its confidence is the calibrated probability
    of that option's label score and (negative) margin, below the favourite's, in [0, 1]."""
    from extractors.decide.confidence import probability, repaired_probability
    signals = {"label": 0.9, "margin": 0.3, "extended": 1.0}
    favourite = probability(dict(signals, extended=0.0), 0.9)
    repaired = repaired_probability(signals, 0.6, 0.9)
    assert 0.0 <= repaired < favourite <= 1.0
    assert repaired_probability(None, 0.6, 0.9) == repaired   # no signals stored: same inputs
