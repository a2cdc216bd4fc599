"""Choose stage: ranked candidates per field -> one chosen candidate (or none) + confidence.

For each field the model sees the field's description and the top candidates (each with the line
it was printed on) as numbered options, and answers with one option number under a constrained
decode (only the option tokens are allowed). Its probabilities over the options are combined with
the label scores from the rank stage; the confidence stored is the model's own probability for
the chosen option.

The model is asked only when the label scores leave the top options close (margin below
settings.ASK_MARGIN): measured on real ad orders, gemma-3-270m agrees with a clear label winner and asking it
costs ~0.6 s per field.
"""
from __future__ import annotations

import math

from extractors.decide.backends import MAX_OPTIONS
from extractors.types import Candidate, Choice, FieldSpec
from extractors.decide import settings

INSTRUCTION = (
    "You read business documents and pick the value of one field. Each option is a value "
    "printed in the document, shown with the line it was printed on. Answer with the number of "
    "the option that is the field's value, or 0 if none is.\n\n"
)


def printed_context(c: Candidate) -> str:
    """The part of the value's printed line around it, cut at word boundaries: the label to its
    left and a little of what follows (whole lines cost the model tokens and add nothing)."""
    line = c.line or ""
    at = line.find(c.text) if c.text else -1
    if at < 0:
        return line[:settings.LEFT_CONTEXT + settings.RIGHT_CONTEXT]
    lo, hi = max(0, at - settings.LEFT_CONTEXT), min(len(line), at + len(c.text) + settings.RIGHT_CONTEXT)
    if lo > 0:
        cut = line.find(" ", lo, at)
        lo = cut + 1 if cut >= 0 else lo
    if hi < len(line):
        cut = line.rfind(" ", at + len(c.text), hi)
        hi = cut if cut >= 0 else hi
    return ("…" if lo > 0 else "") + line[lo:hi].strip() + ("…" if hi < len(line) else "")


def field_prompt(spec: FieldSpec, options: list[Candidate], excerpt: str = "") -> str:
    lines = [f"Field: {spec.key.replace('_', ' ')}"]
    if spec.description:
        lines.append(f"Meaning: {spec.description}")
    if excerpt:
        lines.append("Document (start):\n" + excerpt)
    lines.append("Options:")
    for i, c in enumerate(options, start=1):
        ctx = printed_context(c)
        lines.append(f"{i}) {c.text}    [printed in: {ctx}]" if ctx else f"{i}) {c.text}")
    lines.append("0) none of these")
    lines.append("Which option is the field's value? Answer with its number.")
    return "\n".join(lines)


def combine(probs: list[float], options: list[Candidate], required: bool) -> tuple[int, float]:
    """Pick an option index (0 = none) from model probabilities and label scores; the
    confidence is the chosen option's share of the combined (softmax) distribution."""
    scores = []
    for i, p in enumerate(probs):
        prior = none_prior(required) if i == 0 else options[i - 1].score
        scores.append(math.log(max(p, 1e-9)) + settings.PRIOR_WEIGHT * prior)
    best_i = max(range(len(scores)), key=lambda i: scores[i])
    m = scores[best_i]
    z = sum(math.exp(s - m) for s in scores)
    return best_i, 1.0 / z


def none_prior(required: bool) -> float:
    """The label score that "none of these" is given among the options."""
    return settings.NONE_PRIOR_REQUIRED if required else settings.NONE_PRIOR_OPTIONAL


def _labels_say_none(spec: FieldSpec, options: list[Candidate]) -> bool:
    """An optional field whose best option is labelled more weakly than "none": whether it is
    printed at all, the labels decide; asked, a small model picks a value where the document
    prints none (bills printing only a "Next billing date", or last period's dates, got them
    as this bill's due date and period), as it does for values in sentences. Amounts are
    still asked: the schema's rules check the model's pick against the other amounts (an
    invoice's weakly labelled net total is what repairs its grand total, rule_repair.py)."""
    return not spec.required and spec.kind != "money" and options[0].score < none_prior(False)


def _sentences_settle(options: list[Candidate]) -> bool:
    """Values found in sentences: the model decides between two that their sentences both make
    plausible; whether there is one at all, the sentences' cues decide (asked that, a small
    model picks a value where the document states none: real NDAs' term 0.77 -> 0.43,
    docs/contracts.md)."""
    if "sentence" not in options[0].flags:
        return False
    return len(options) < 2 or options[1].score < settings.SENTENCE_ASK_MIN or \
        options[0].score - options[1].score >= settings.ASK_MARGIN


def choose_field(backend, spec: FieldSpec, options: list[Candidate], excerpt: str = "") -> Choice:
    if not options:
        return Choice(None, 1.0 if not spec.required else 0.0, [1.0])
    clear = len(options) == 1 or options[0].score - options[1].score >= settings.ASK_MARGIN
    if (clear and options[0].score > 0.3) or _sentences_settle(options) or \
            _labels_say_none(spec, options):
        probs, n_tokens = [1.0 / (len(options) + 1)] * (len(options) + 1), 0
    else:
        prompt = INSTRUCTION + field_prompt(spec, options, excerpt)
        probs, n_tokens = backend.choose(prompt, len(options))
    i, conf = combine(probs, options, spec.required)
    return Choice(options[i - 1] if i else None, round(float(conf), 4), probs, n_tokens)


def choose_fixed(backend, spec: FieldSpec, excerpt: str) -> tuple[str, float]:
    """A fixed-choice field (bool / Literal / Enum): the model picks among the schema's values,
    shown as numbered options with the document's first lines as context."""
    choices = spec.choices[:MAX_OPTIONS]
    opts = [Candidate(v, v, 0, 0, 0, (0, 0, 0, 0), line="") for v in choices]
    probs, _ = backend.choose(INSTRUCTION + field_prompt(spec, opts, excerpt), len(opts))
    i = max(range(1, len(probs)), key=lambda k: probs[k])
    return choices[i - 1], round(probs[i], 4)
