"""Values stated in sentences: Document + FieldSpecs -> per field that asks for a prose concept
(governing law, effective date, term, parties; extractors/prose_cues.py), Candidates found in
the sentences that can hold it, each scored by what its sentence says about it and carrying that
sentence as its printed context.

Only the sentences that can hold a field are read: a concept's key words select them first
("law", "govern" for governing law; "years", "months" for a term; the opening sentences of the
first pages for the parties), so a 40-page agreement costs about what a 4-page one does.
"""
from __future__ import annotations

import re

from extractors.locate import settings
from extractors.locate.durations import find_durations
from extractors.locate.page_index import index_for, make_candidate
from extractors.locate.parties import (addressee, defined_parties, legal_names,
                                       opening_parties, signature_parties)
from extractors.locate.sentences import (excerpt, find_places, is_place, loose_dates,
                                         sentence_at, sentences_with)
from extractors.normalize import name_key
from extractors.prose_cues import KEYWORDS, concept_of, cue_score
from extractors.types import Candidate, Document, FieldSpec, Page


def field_concept(spec: FieldSpec) -> str | None:
    return concept_of(spec.key, spec.kind, spec.description)


def sentences_only(spec: FieldSpec) -> bool:
    """A field whose values are found in sentences only: a governing law, a term (a place or a
    span of time, found with the words around it, "Governing law: New York" included) and a
    list of names; no form cell is a candidate for it."""
    return spec.kind == "text_list" or field_concept(spec) in ("law", "term")


def _candidate(page: Page, idxs: dict, start: int, end: int, value, lo: int, hi: int,
               score: float, cue: str) -> Candidate | None:
    c = make_candidate(page, index_for(page, idxs), start, end, value, page.text[start:end])
    if c is None:
        return None
    c.line = excerpt(page.text, start, end, lo, hi)
    c.label_left, c.label_above, c.row_label, c.heading = cue[-60:], "", "", ""
    c.flags.add("sentence")
    c.score = round(score, 4)
    return c


def _scored(concept: str, text: str, start: int, end: int, lo: int, hi: int) -> tuple[float, str]:
    cue, found = cue_score(concept, text[lo:start], text[end:hi])
    return settings.PROSE_BASE + settings.PROSE_CUE_WEIGHT * cue, found


def _law(doc: Document, spec: FieldSpec, idxs: dict) -> list[Candidate]:
    want = set(re.findall(r"\b(state|country|nation)\b", f"{spec.name} {spec.description}".lower()))
    out = []
    for page in doc.pages:
        for lo, hi in sentences_with(page.text, KEYWORDS["law"]):
            for s, e, name, kind in find_places(page.text, lo, hi):
                score, cue = _scored("law", page.text, s, e, lo, hi)
                if kind in want or (kind == "country" and "nation" in want):
                    score += settings.PROSE_PLACE_KIND
                c = _candidate(page, idxs, s, e, name, lo, hi, score, cue)
                if c:
                    out.append(c)
    return out


def _term(doc: Document, spec: FieldSpec, idxs: dict) -> list[Candidate]:
    out = []
    for page in doc.pages:
        for lo, hi in sentences_with(page.text, KEYWORDS["term"]):
            for d in find_durations(page.text, lo, hi):
                score, cue = _scored("term", page.text, d.start, d.end, lo, hi)
                if d.unit in ("day", "week"):
                    score -= settings.PROSE_SHORT_UNIT
                c = _candidate(page, idxs, d.start, d.end, d.value, lo, hi, score, cue)
                if c:
                    out.append(c)
    return out


def _effective(doc: Document, spec: FieldSpec, dates: list[Candidate], idxs: dict
               ) -> list[Candidate]:
    pages = {p.number: p for p in doc.pages}
    spans = [(c.page, c.start, c.end, c.value) for c in dates]
    for page in doc.pages:
        for s, e, d in loose_dates(page.text):
            if not any(p == page.number and s < b and a < e for p, a, b, _ in spans):
                spans.append((page.number, s, e, d))
    out = []
    for num, s, e, value in spans:
        page = pages.get(num)
        if page is None:
            continue
        lo, hi = sentence_at(page.text, s)
        score, cue = _scored("effective", page.text, s, e, lo, hi)
        score -= settings.PROSE_PAGE_DECAY * min(num - 1, 5)
        c = _candidate(page, idxs, s, e, value, lo, hi, score, cue)
        if c is None:
            continue
        if num == 1 and c.rel_top < settings.LETTER_DATE_TOP and _alone_on_line(page.text, s, e):
            c.score = max(c.score, round(settings.PROSE_BASE + settings.PROSE_CUE_WEIGHT *
                                         settings.LETTER_DATE, 4))   # a letter's own date
            c.label_left = c.label_left or "letter date"
        out.append(c)
    signed = [c for c in out if c.label_left.lower().startswith("date")]
    if len(signed) > 1:   # signature dates: the agreement holds once the last party signed
        last = max(c.value for c in signed)
        for c in signed:
            if c.value == last:
                c.score = round(c.score + settings.LAST_SIGNATURE, 4)
    return out


def _alone_on_line(text: str, s: int, e: int) -> bool:
    a = text.rfind("\n", 0, s) + 1
    b = text.find("\n", e)
    return not re.sub(r"[\s,.:]|dated?", "", text[a:s] + text[e:len(text) if b < 0 else b], flags=re.I)


def _parties(doc: Document, spec: FieldSpec, idxs: dict) -> list[Candidate]:
    found = []
    opening: list = []
    for page in doc.pages[:settings.PARTY_PAGES]:
        text = page.text
        for lo, hi in sentences_with(text, re.compile(r"\b(?:between|among|by|with)\b", re.I)):
            if opening:
                break
            opening = opening_parties(text, lo, hi)
            found += [(page, p) for p in opening]
        found += [(page, p) for p in defined_parties(text, 0, len(text), settings.PARTY_DEFINED)]
        if page.number == 1:
            found += [(page, p) for p in legal_names(text, 0, len(text), settings.PARTY_LEGAL)]
            found += [(page, p) for p in addressee(text, settings.PARTY_ADDRESSEE)]
    for page in doc.pages:
        found += [(page, p) for p in signature_parties(page.text, settings.PARTY_SIGNS,
                                                       settings.PARTY_SIGNS_SELF)]
    found = [(page, p) for page, p in found if not is_place(p.name)]
    best: dict[str, tuple] = {}
    ways: dict[str, set] = {}
    for page, p in found:
        k = name_key(p.name)
        ways.setdefault(k, set()).add(p.cue)
        if k not in best or p.score > best[k][1].score:
            best[k] = (page, p)
    out = []
    for k, (page, p) in best.items():
        lo, hi = sentence_at(page.text, p.start)
        score = p.score + settings.PARTY_AGREE * (len(ways[k]) - 1)
        c = _candidate(page, idxs, p.start, p.end, re.sub(r"\s+", " ", p.name), lo, hi, score,
                       p.cue)
        if c:
            out.append(c)
    return out


def prose_candidates(doc: Document, specs: list[FieldSpec], cands: dict,
                     idxs: dict | None = None) -> dict[str, list[Candidate]]:
    """Sentence candidates, scored, for every field that asks for a prose concept ({} if none)."""
    idxs = {} if idxs is None else idxs
    out: dict[str, list[Candidate]] = {}
    for spec in specs:
        concept = field_concept(spec)
        if concept == "law":
            out[spec.name] = _law(doc, spec, idxs)
        elif concept == "term":
            out[spec.name] = _term(doc, spec, idxs)
        elif concept == "effective":
            out[spec.name] = _effective(doc, spec, cands.get(spec.name, []), idxs)
        elif concept == "party":
            out[spec.name] = _parties(doc, spec, idxs)
    return out


def merge_ranked(ranked: list[Candidate], prose: list[Candidate], k: int) -> list[Candidate]:
    """A field's label-ranked candidates and its sentence candidates -> the best k distinct
    values: a value found both ways keeps its better score."""
    best: dict[str, Candidate] = {}
    for c in list(prose) + list(ranked):
        key = str(c.value).casefold()
        if key not in best or c.score > best[key].score:
            best[key] = c
    return sorted(best.values(), key=lambda c: (-c.score, c.page, c.start))[:k]
