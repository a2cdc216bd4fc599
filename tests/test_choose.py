"""Choose stage: ranked options -> one value + confidence, with the fake backend; the
outlines-compiled answer shape (built once per run) with a tiny vocabulary instead of the model."""
import numpy as np
import pytest
from outlines_core import Vocabulary

from extractors.decide import backends as model_mod
from extractors.types import Candidate
from extractors.decide import settings
from extractors.decide.choose import choose_field, combine, field_prompt, printed_context
from extractors.types import FieldSpec
from extractors.fieldspecs import field_specs
from extractors.decide.backends import AnswerGrammars, LlamaBackend, ThreadTuner, answer_regex
from extractors.run import Extractor
from extractors.read.document import read_document
from schemas import REGISTRY


def _opt(text, score, line=None):
    return Candidate(text, text, 1, 0, len(text), (0, 0, 1, 1), line=line or text, score=score)


SPEC = FieldSpec("seller_name", "text", description="Company that issued the invoice")
OPTIONAL = FieldSpec("po_number", "id", required=False)


# ------------------------------------------------------------------- choose_field, fake model

def test_no_options_means_no_value_and_no_model_call(fake_backend):
    ch = choose_field(fake_backend, SPEC, [])
    assert ch.candidate is None and ch.confidence == 0.0
    assert choose_field(fake_backend, OPTIONAL, []).confidence == 1.0
    assert fake_backend.calls == []


def test_clear_label_winner_is_taken_without_asking_the_model(fake_backend):
    opts = [_opt("ACME GmbH", 0.9), _opt("Blue River Ltd", 0.9 - settings.ASK_MARGIN - 0.05)]
    ch = choose_field(fake_backend, SPEC, opts)
    assert ch.candidate.text == "ACME GmbH"
    assert fake_backend.calls == []
    assert 0 < ch.confidence <= 1


def test_close_call_asks_the_model_with_numbered_options(fake_backend):
    opts = [_opt("ACME GmbH", 0.6, "Seller:   ACME GmbH   Hauptstrasse 5"),
            _opt("Blue River Ltd", 0.55, "Bill To:   Blue River Ltd")]
    fake_backend.enqueue([0.02, 0.08, 0.9])
    ch = choose_field(fake_backend, SPEC, opts)
    assert len(fake_backend.calls) == 1
    prompt = fake_backend.calls[0]
    assert "1) ACME GmbH" in prompt and "2) Blue River Ltd" in prompt and "0) none" in prompt
    assert "Bill To:" in prompt          # the option's printed context, label included
    assert ch.candidate.text == "Blue River Ltd"
    assert ch.probs == [0.02, 0.08, 0.9]
    assert 0.5 < ch.confidence <= 1


def test_model_none_answer_leaves_an_optional_field_empty(fake_backend):
    opts = [_opt("PO-1", 0.2), _opt("PO-2", 0.2)]
    fake_backend.enqueue([0.98, 0.01, 0.01])
    ch = choose_field(fake_backend, OPTIONAL, opts)
    assert ch.candidate is None


def test_labels_decide_whether_an_optional_field_is_printed_at_all(fake_backend):
    """Options labelled more weakly than "none": the optional field stays empty and the model
    is not asked (a small model picks one anyway); a required field still asks it."""
    opts = [_opt("Aug 8, 2022", settings.NONE_PRIOR_OPTIONAL - 0.05),
            _opt("Jul 7", settings.NONE_PRIOR_OPTIONAL - 0.1)]
    fake_backend.enqueue([0.01, 0.98, 0.01])
    ch = choose_field(fake_backend, OPTIONAL, opts)
    assert ch.candidate is None and fake_backend.calls == []
    ch = choose_field(fake_backend, FieldSpec("po_number", "id"), opts)
    assert ch.candidate.text == "Aug 8, 2022" and len(fake_backend.calls) == 1
    # an amount is still asked: the schema's rules check it against the other amounts
    fake_backend.enqueue([0.01, 0.98, 0.01])
    ch = choose_field(fake_backend, FieldSpec("net_total", "money", required=False),
                      [_opt("2,000.00", 0.2), _opt("1,000.00", 0.1)])
    assert ch.candidate.text == "2,000.00" and len(fake_backend.calls) == 2


def test_label_scores_are_the_prior_when_the_model_is_unsure():
    opts = [_opt("A", 0.5), _opt("B", 0.3)]
    i, conf = combine([1 / 3, 1 / 3, 1 / 3], opts, required=True)
    assert i == 1 and 0 < conf < 1
    # a confident model overrides a small label lead
    i, _ = combine([0.01, 0.04, 0.95], opts, required=True)
    assert i == 2


def test_printed_context_is_a_window_around_the_value_cut_at_words():
    line = ("Billing Address:   Sales Region   National   Order Flight   12/30/19 - 03/29/20"
            "   Page 1 of 4   Printed by the traffic system on 02/23/20")
    c = _opt("12/30/19", 0.5, line)
    ctx = printed_context(c)
    assert "Order Flight   12/30/19 - 03/29/20" in ctx
    assert len(ctx) < len(line) and ctx.startswith("…") and ctx.endswith("…")
    assert "Printed by" not in ctx
    assert printed_context(_opt("X1", 0.5, "Invoice # X1")) == "Invoice # X1"


def test_field_prompt_lists_every_option_and_the_meaning():
    p = field_prompt(SPEC, [_opt("A AG", 0.5), _opt("B AG", 0.5)])
    assert p.startswith("Field: seller name\nMeaning: Company that issued the invoice")
    assert "1) A AG" in p and "2) B AG" in p and p.rstrip().endswith("Answer with its number.")


# ------------------------------------------------------- the outlines-compiled answer shape

# token ids: "0".."9" -> 0..9, "12" -> 10, "a" -> 11, eos -> 12
def _vocab():
    toks = {str(d): [d] for d in range(10)}
    toks["12"] = [10]
    toks["a"] = [11]
    return Vocabulary(12, toks)


def test_answer_shape_allows_only_the_option_numbers():
    g = AnswerGrammars(_vocab)
    allowed = g.first_tokens(answer_regex(3), str)
    assert set(allowed) == {0, 1, 2, 3}              # not "4", not "12", not "a"
    assert answer_regex(3) == "0|1|2|3"
    with pytest.raises(ValueError):
        answer_regex(10)


class TinyModelBackend(LlamaBackend):
    """LlamaBackend's choose() over a 13-token vocabulary: logits come from a table, not llama.cpp."""

    def __init__(self, logits: np.ndarray):
        self.grammars = AnswerGrammars(_vocab)
        self._pre, self._post = "", ""
        self.logits = logits
        self.answers = 0
        self.prompts: list[str] = []

    def _eval_prompt(self, text):
        self.prompts.append(text)
        return self.logits, 7

    def _detokenize(self, tok):
        return {10: "12", 11: "a", 12: ""}.get(tok, str(tok))


def test_constrained_choice_renormalises_over_the_allowed_answers():
    logits = np.full(13, -5.0, dtype=np.float32)
    logits[10] = 9.0          # "12": the model's favourite token, not an answer shape allows
    logits[11] = 8.0          # "a"
    logits[2] = 2.0
    logits[1] = 1.0
    b = TinyModelBackend(logits)
    probs, n = b.choose("which?", 2)
    assert n == 7 and len(probs) == 3
    assert abs(sum(probs) - 1) < 1e-9
    assert probs[2] > probs[1] > probs[0]


def test_answer_shape_is_compiled_once_per_run_not_per_document(monkeypatch, invoice_txt):
    import outlines_core
    built = []
    real_index = outlines_core.Index

    def counting_index(regex, vocab):
        built.append(regex)
        return real_index(regex, vocab)
    monkeypatch.setattr(outlines_core, "Index", counting_index)
    logits = np.zeros(13, dtype=np.float32)
    b = TinyModelBackend(logits)
    spec = next(s for s in field_specs(REGISTRY["invoice"]) if s.name == "seller_name")
    for doc in range(6):       # six documents, two answer shapes (2 and 3 options)
        n = 2 + doc % 2
        choose_field(b, spec, [_opt(f"Firm {doc}-{k} AG", 0.5) for k in range(n)])
    assert sorted(built) == ["0|1|2", "0|1|2|3"]
    assert b.grammars.builds == 2 and b.grammars.vocabulary_builds == 1
    # whole documents through the extractor (one Extractor per run) add no compilation
    ex = Extractor(REGISTRY["invoice"], b)
    for _ in range(3):
        ex.extract(read_document(invoice_txt))
    assert len(built) == b.grammars.builds <= 2 + 5
    before = len(built)
    for _ in range(3):
        ex.extract(read_document(invoice_txt))
    assert len(built) == before
    assert b.answers >= 6


def test_kv_snapshot_with_the_longest_shared_prefix_is_picked():
    from extractors.decide.backends import KVSnapshots, _common_prefix
    a = np.array([1, 2, 3, 4, 5], dtype=np.intc)
    assert _common_prefix(a, np.array([1, 2, 9], dtype=np.intc)) == 2
    assert _common_prefix(a, a[:3]) == 3 and _common_prefix(a, a[:0]) == 0
    snaps = KVSnapshots()
    field_a = np.arange(40, dtype=np.intc)                      # instruction + field A + options
    field_b = np.concatenate([field_a[:10], np.arange(100, 130)]).astype(np.intc)
    snaps._snaps[field_a.tobytes()] = (field_a, b"")
    snaps._snaps[field_b.tobytes()] = (field_b, b"")
    next_a = np.concatenate([field_a[:30], np.arange(200, 220)]).astype(np.intc)
    assert snaps.best(next_a, at_least=10 + KVSnapshots.MIN_GAIN) == field_a.tobytes()
    assert snaps.best(next_a, at_least=31) is None              # nothing better than the context


# ------------------------------------------------------------------------- thread tuning

class Clock:
    def __init__(self):
        self.t, self.busy, self.own = 0.0, 0.0, 0.0


def test_thread_tuner_leaves_the_core_that_other_processes_use():
    c = Clock()
    tuner = ThreadTuner(2, busy=lambda: c.busy, own=lambda: c.own, clock=lambda: c.t)
    c.t, c.busy, c.own = 1.0, 1.0, 1.0          # only this process was busy
    assert tuner.pick() == 2
    c.t, c.busy, c.own = 2.0, 2.9, 1.9          # others kept a core busy for the last second
    assert tuner.pick() == 1
    c.t, c.busy, c.own = 3.0, 3.1, 2.8          # quiet again
    assert tuner.pick() == 2
    fixed = ThreadTuner(3, adaptive=False, busy=lambda: c.busy, own=lambda: c.own,
                        clock=lambda: c.t)
    c.t, c.busy = 4.0, 10.0
    assert fixed.pick() == 3


def test_thread_tuner_without_proc_stat_keeps_all_threads():
    tuner = ThreadTuner(2, busy=lambda: None)
    assert tuner.pick() == 2


def test_backend_module_keeps_heavy_imports_inside_the_backend():
    src = open(model_mod.__file__).read().split("class AnswerGrammars")[0]
    assert "import outlines" not in src and "import llama_cpp" not in src


@pytest.mark.e2e
def test_real_backend_compiles_answer_shapes_once_across_documents(real_backend):
    from tests.conftest import ROOT
    ex = Extractor(REGISTRY["utility_bill"], real_backend)
    docs = [read_document(p) for p in sorted((ROOT / "samples" / "utility_bill").glob("*.pdf"))]
    for d in docs:
        ex.extract(d)
    builds, calls = real_backend.grammars.builds, real_backend.calls
    for d in docs:                          # the same run goes on: nothing is compiled again
        ex.extract(d)
    assert real_backend.grammars.builds == builds <= 5
    assert real_backend.grammars.vocabulary_builds == 1
    assert real_backend.calls > calls or calls == 0
