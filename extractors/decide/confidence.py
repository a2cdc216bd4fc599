"""Confidence: what is known about one field's choice -> the probability that the value is right.

Signals, each in [0, 1] or a flag: the chosen option's label score and its margin over the
runner-up, the model's probability for it, whether the model was asked at all and agreed with
the labels' favourite, how many times the value is printed, whether its page was OCR'd, whether
nothing was chosen, the field's kind, and two signs of a value cut short: the document prints
it elsewhere with more attached ("950658" and "950658-1"), or it ends on a word that needs
more ("Beth Parlato for"). A logistic model over them was fitted on the labelled
dev sets (plain and hand-labelled schemas, with the embedded model) by bench/calibrate.py, which
writes extractors/decide/calibration.json; a record's confidence is the product of its fields'
(the probability that all are right). Without a calibration file the choose stage's own
confidence is used.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from extractors.decide import settings
from extractors.types import Candidate, Choice, FieldSpec

CALIBRATION = Path(__file__).with_name("calibration.json")
KINDS = ("date", "money", "id", "text", "currency", "number")


# a name that ends on one of these is cut short (English, German, French, Spanish, Portuguese,
# Italian, Dutch connectors and articles)
CONNECTORS = frozenset("for of and the to at by & + - / , ( für und der die das von zu "
                       "de du des la le les et pour y del el los para e do da dos di per "
                       "van voor en het".split())


def extended(text: str, doc_text: str) -> bool:
    """Is the value printed elsewhere in the document with more attached to it: as the start
    or end of a longer word, or followed by a revision ("950658" and "950658-1")?"""
    t = text.strip()
    if len(t) < 3 or not doc_text:
        return False
    pat = re.compile(r"(?<![\w])" + re.escape(t) + r"(?=\s?[-/]\s?\w|\w)|(?<=\w)" + re.escape(t)
                     + r"(?!\w)")
    return pat.search(doc_text) is not None


def cut_short(text: str) -> bool:
    """Does a name end on a word or sign that needs more after it ("Beth Parlato for")?"""
    words = text.strip().rstrip(".:").split()
    return bool(words) and (words[-1].casefold() in CONNECTORS or words[-1][-1] in "-,&/(")


def features(spec: FieldSpec, options: list[Candidate], choice: Choice, pool: list,
             doc_text: str = "") -> dict:
    """The signals about one field's choice, by name (stored with the raw output); `doc_text`
    is the document's text (for values printed elsewhere with more attached)."""
    chosen = choice.candidate
    scores = [o.score for o in options]
    top = scores[0] if scores else 0.0
    if chosen is None:
        own, rest = 0.0, top
    else:
        i = next((k for k, o in enumerate(options) if o is chosen), 0)
        own = scores[i]
        rest = max([s for k, s in enumerate(scores) if k != i], default=-1.0)
    probs = choice.probs or [1.0]
    n = len(probs)
    p_model = probs[options.index(chosen) + 1] if chosen is not None and chosen in options \
        and n > 1 else probs[0]
    asked = choice.prompt_tokens > 0
    value = str(chosen.value).casefold() if chosen is not None else None
    repeat = sum(1 for c in pool if str(c.value).casefold() == value) if value else 0
    f = {
        "label": max(min(own, 1.5), -1.0),
        "margin": max(min(own - rest, 1.5), -1.5),
        "model": p_model if asked else 0.0,
        "asked": 1.0 if asked else 0.0,
        "agree": 1.0 if chosen is not None and options and chosen is options[0] else 0.0,
        "repeat": min(repeat, 5) / 5.0,
        "ocr": 1.0 if chosen is not None and "ocr" in chosen.flags else 0.0,
        "none": 1.0 if chosen is None else 0.0,
        "required": 1.0 if spec.required else 0.0,
        "choose_conf": choice.confidence,
        # its own printed label, against another field's of the same kind (0 for none chosen)
        "label_own": chosen.label_score if chosen is not None else 0.0,
        "label_rival": chosen.rival_label if chosen is not None else 0.0,
        "unlabelled": 1.0 if chosen is not None and not (chosen.label_left or chosen.label_above
                                                         or chosen.row_label) else 0.0,
        # how many other options score within settings.CLOSE_SCORE of the chosen one
        "close": min(sum(1 for s in scores if s != own and abs(s - own) <= settings.CLOSE_SCORE),
                     4) / 4.0 if chosen is not None else 0.0,
        "lower_page": 1.0 if chosen is not None and chosen.page > 1 else 0.0,
        "extended": 1.0 if chosen is not None and spec.kind in ("id", "text")
        and extended(chosen.text, doc_text) else 0.0,
        "cut": 1.0 if chosen is not None and spec.kind == "text" and cut_short(chosen.text)
        else 0.0,
    }
    for k in KINDS:
        f[f"kind_{k}"] = 1.0 if spec.kind == k else 0.0
    return {k: round(float(v), 4) for k, v in f.items()}


@lru_cache(maxsize=1)
def _model() -> dict | None:
    try:
        return json.loads(CALIBRATION.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def probability(feats: dict, fallback: float) -> float:
    """P(value right | signals) from the fitted logistic model; `fallback` without one."""
    model = _model()
    if not model:
        return fallback
    z = model["bias"] + sum(w * feats.get(k, 0.0) for k, w in model["weights"].items())
    return round(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))), 4)


def repaired_probability(signals: dict | None, score: float, top: float) -> float:
    """A value business rules chose instead of the labels' favourite (rule_repair.py): the
    probability from the field's signals with the option's own label score and its margin to
    the favourite; not known to be printed elsewhere with more attached. Without a calibration,
    the option's rank score."""
    feats = dict(signals or {})
    feats.update({"label": max(min(score, 1.5), -1.0), "margin": max(min(score - top, 1.5), -1.5),
                  "extended": 0.0, "agree": 0.0})
    return probability(feats, round(max(min(score, 1.0), 0.0), 4))


def record_confidence(field_confidences: dict) -> float:
    """The probability that every field is right (fields taken as independent)."""
    p = 1.0
    for v in field_confidences.values():
        p *= max(min(float(v), 1.0), 0.0)
    return round(p, 4)


def default_review_below() -> float | None:
    """The record confidence under which a valid record goes to review when --review-below is
    not given: the calibration's threshold (chosen on the dev sets for >= 0.95 precision of
    what is accepted), or none without a calibration."""
    model = _model()
    return model.get("review_below") if model else None
