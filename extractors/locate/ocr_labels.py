"""OCR'd label text -> the same text with misread label words read as the schema's words.

A recognizer misreads a letter or two ("Involce #", "Schiedule Dates", "C0ntract"); label
matching (rank.py) compares words exactly, so on OCR'd pages a printed word of 6+ letters that
is one edit away from a word of the field's own labels counts as that word. Born-digital text
never comes here: candidates from OCR'd pages carry the flag "ocr".
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from extractors.locate import settings

WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=512)
def _label_words(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({w for lab in labels for w in WORD.findall(lab.lower())
                         if len(w) >= settings.OCR_LABEL_MIN_LEN and w.isalpha()}))


@lru_cache(maxsize=100000)
def read_as_labels(text: str, labels: tuple[str, ...]) -> str:
    """`text` with each word of settings.OCR_LABEL_MIN_LEN+ characters that is not a label word but is settings.OCR_LABEL_MAX_EDITS
    edit away from one replaced by that label word."""
    vocab = _label_words(labels)
    if not text or not vocab:
        return text
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extractOne

    def fix(m: re.Match) -> str:
        tok = m.group().lower()
        if len(tok) < settings.OCR_LABEL_MIN_LEN or tok in vocab:
            return m.group()
        hit = extractOne(tok, vocab, scorer=Levenshtein.distance, score_cutoff=settings.OCR_LABEL_MAX_EDITS)
        return hit[0] if hit else m.group()
    return WORD.sub(fix, text)


def ocr_labels(c, labels: tuple[str, ...]):
    """A candidate from an OCR'd page with its label texts read as the field's labels."""
    return replace(c, **{k: read_as_labels(getattr(c, k), labels)
                         for k in ("label_left", "label_above", "row_label", "section")})
