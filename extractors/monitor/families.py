"""Documents -> layout families: a family is the documents whose first pages print nearly the
same words, by the fingerprint and similarity the review queue already uses to carry
reviewers' hints to documents like the one they corrected (extractors/review/learn.py:
first-page word sets, Jaccard >= review.min_similarity).

A family is represented by the fingerprint of its first document; a document joins the most
similar family of its schema at or above that similarity, or starts a new family. Known
families come from the history: a run line stores the fingerprint of each family it saw first,
so the ids stay the same across runs without a file of their own."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from extractors.review import settings as review_settings
from extractors.review.learn import similarity


@dataclass
class Family:
    id: str
    schema: str | None
    words: frozenset
    label: str             # the file name of its first document (what an operator recognises)
    new: bool = False      # first seen in this run


def family_id(schema: str | None, words) -> str:
    blob = ((schema or "") + "\n" + " ".join(sorted(words))).encode("utf-8", "replace")
    return "L" + hashlib.sha256(blob).hexdigest()[:6]


class Families:
    """The known layout families, and those a run adds."""

    def __init__(self, known: list[Family] | None = None):
        self.by_id: dict[str, Family] = {}
        for fam in known or ():
            self.by_id.setdefault(fam.id, fam)

    def assign(self, schema: str | None, fingerprint_words, source: str) -> Family | None:
        """The family of a read document from its first-page words (learn.fingerprint, taken
        where the document was read: a model worker's process or the driver); None for a
        document without a first page."""
        words = frozenset(fingerprint_words or ())
        if not words:
            return None
        best, best_sim = None, review_settings.MIN_SIMILARITY
        for fam in self.by_id.values():
            if fam.schema != schema:
                continue
            sim = similarity(words, fam.words)
            if sim >= best_sim and (best is None or sim > best_sim):
                best, best_sim = fam, sim
        if best is not None:
            return best
        fid = family_id(schema, words)
        while fid in self.by_id:            # the same words under another schema: a new id
            fid = family_id(schema, words | {fid})
        fam = Family(fid, schema, words, os.path.basename(source) or source, new=True)
        self.by_id[fid] = fam
        return fam


def known_families(lines: list[dict]) -> list[Family]:
    """The families recorded in the history's run lines (each with its first fingerprint)."""
    out = []
    for line in lines:
        if line.get("kind") != "run":
            continue
        fams = line.get("families")
        for fid, fam in (fams.items() if isinstance(fams, dict) else ()):
            words = fam.get("fingerprint") if isinstance(fam, dict) else None
            if isinstance(words, list) and words:
                out.append(Family(fid, fam.get("schema"), frozenset(map(str, words)),
                                  str(fam.get("label", ""))))
    return out
