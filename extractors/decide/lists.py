"""List fields of names (kind "text_list", e.g. `parties: list[str]`): ranked candidates -> every
value the document gives, each with its own evidence and confidence.

Code keeps each option whose score says it is one of the field's values (settings.LIST_MIN_SCORE:
named in the opening sentence, given a defined term, found more than one way). Where the scores
leave options in doubt (a name scored under the bar but not far under it, next to ones over it),
the model is asked, one question per doubtful option with the kept values shown, whether that
option is one more of the field's values.
"""
from __future__ import annotations

from extractors.decide import settings
from extractors.types import Candidate, FieldSpec

INSTRUCTION = (
    "You read business documents and find every value of one field. The values found so far "
    "are listed; answer 1 if the candidate is one more value of the field, 0 if it is not.\n\n")


def _ask(backend, spec: FieldSpec, kept: list[Candidate], c: Candidate) -> float:
    """The model's probability that c is one more value of the field."""
    lines = [f"Field: {spec.key.replace('_', ' ')} (a list)"]
    if spec.description:
        lines.append(f"Meaning: {spec.description}")
    lines.append("Values found: " + ("; ".join(k.text for k in kept) or "none"))
    lines.append(f"Candidate: {c.text}    [printed in: {c.line}]")
    lines.append("0) not a value of the field\n1) a value of the field")
    lines.append("Is the candidate one more value of the field? Answer with its number.")
    probs, _ = backend.choose(INSTRUCTION + "\n".join(lines), 1)
    return probs[1] / max(sum(probs), 1e-9)


def choose_list(backend, spec: FieldSpec, options: list[Candidate], ask_model: bool = True
                ) -> tuple[list, list, float, dict]:
    """Options (best first) -> (values, evidence per value, confidence, raw)."""
    bar = settings.LIST_MIN_SCORE
    kept = [c for c in options if c.score >= bar][:settings.LIST_MAX]
    doubtful = [c for c in options if bar - settings.LIST_ASK_BELOW <= c.score < bar]
    asked = {}
    if ask_model and kept and doubtful:
        for c in doubtful[:settings.LIST_MAX - len(kept)]:
            p = _ask(backend, spec, kept, c)
            asked[c.text] = round(p, 4)
            if p > settings.LIST_MODEL_YES:   # a model without an opinion (0.5) adds nothing
                kept.append(c)
    kept.sort(key=lambda c: (c.page, c.start))
    values = [c.value for c in kept]
    conf = min((min(max(c.score, 0.0), 1.0) for c in kept), default=0.0 if spec.required else 0.5)
    raw = {"options": [o.text for o in options], "scores": [o.score for o in options],
           "chosen": [c.text for c in kept], "asked": asked}
    return values, [c.evidence() for c in kept], round(conf, 4), raw
