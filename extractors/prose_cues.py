"""Sentence-cue knowledge: a field's name, kind and description -> the concept it asks for when a
document states its values in sentences (a contract's parties, effective date, governing law,
term), and the phrases printed around such a value, with how much each one vouches for it.

The lexicon (extractors/lexicon.py) knows the labels forms print next to a value; contracts and
letters say the same in a sentence: "This Agreement is entered into as of May 20, 2014 by and
between Acme Corp. ... and ...", "shall be governed by the laws of the State of New York", "shall
expire two (2) years after the Effective Date". A concept is recognised from the words a user's
name and description use for it, in many wordings ("jurisdiction", "governing law", "State law
that applies"; "parties", "who signed it"; "term", "duration", "how long it lasts"), together
with the field's kind; the cue phrases are general legal-document wording, not any schema's.
"""
from __future__ import annotations

import re
from functools import lru_cache

# concept -> (kinds it fills, words of a name or description that ask for it)
CONCEPTS: dict[str, tuple[frozenset, frozenset]] = {
    "law": (frozenset({"text"}), frozenset(
        "law laws governing governed governs jurisdiction jurisdictions venue forum legal "
        "applicable applies choice".split())),
    "effective": (frozenset({"date"}), frozenset(
        "effective effect effectiveness commence commences commencement agreement contract "
        "dated signed signing executed execution entered signature nda".split())),
    "term": (frozenset({"text"}), frozenset(
        "term duration lasts last long length expire expires expiry expiration valid validity "
        "survive survives survival runs".split())),
    "party": (frozenset({"text", "text_list"}), frozenset(
        "party parties sign signs signed signing signatory signatories signer signers "
        "counterparty counterparties contracting contractor between".split())),
}
# what `extract schemas --explain` says a field of each concept is looked for as
SAID = {"law": "the governing law: a US state or country after 'governed by the laws of' ...",
        "effective": "the date after 'effective as of', 'dated as of', 'entered into as of' ..., "
                     "a letter's date, the last signature date",
        "term": "a span of time ('two (2) years') after 'this Agreement shall expire', "
                "'the term of this Agreement is' ...",
        "party": "names after 'by and between', given a defined term ('(the \"Company\")'), "
                 "or in signature blocks"}
# a field asking for one of these words wants a place, a span of time or a name first: they
# decide between concepts whose words a description shares ("who signed it", "how long it lasts")
DECIDING = {"law": frozenset("law laws governing governed governs jurisdiction venue forum state "
                             "country".split()),
            "term": frozenset("term duration lasts long length expire expires expiry expiration "
                              "years months".split()),
            "party": frozenset("party parties who signatory signatories signer signers company "
                               "companies persons person names counterparty".split())}
# list[str] fields whose words say they hold names (of parties, people, companies), not codes
NAME_WORDS = frozenset("name names person persons people individual individuals company "
                       "companies organisation organisations organization organizations firm "
                       "firms entity entities member members author authors owner owners "
                       "who whom".split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", (text or "").lower().replace("_", " ")))


@lru_cache(maxsize=1024)
def concept_of(name: str, kind: str, description: str = "") -> str | None:
    """The prose concept a field asks for ("law", "effective", "term", "party"), or None."""
    words = _words(name) | _words(description)
    if "name" in words or "names" in words:
        words -= {"legal"}     # "Legal name of the business": a name, no governing law
    fits = [c for c, (kinds, trig) in CONCEPTS.items() if kind in kinds and words & trig]
    if len(fits) > 1:
        named = [c for c in fits if _words(name) & CONCEPTS[c][1]]
        decided = [c for c in fits if words & DECIDING.get(c, frozenset())]
        fits = named if len(named) == 1 else decided or fits
    return fits[0] if fits else None


def list_kind(name: str, description: str = "") -> str:
    """A list[str] field's kind: "text_list" (names: every one found in the document, each with
    its evidence) when its words ask for parties, people or companies; else "pattern_list"
    (printed codes)."""
    words = _words(name) | _words(description)
    if words & NAME_WORDS or concept_of(name, "text_list", description) == "party":
        return "text_list"
    return "pattern_list"


# (regex, weight): printed before a value in its sentence (the regex must match the text left of
# the value, and reach its end); weights are how much each vouches that the value is the field's
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
BEFORE: dict[str, list[tuple[re.Pattern, float]]] = {
    "law": [
        (r"\bgovern\w*\b.{0,160}?\blaws?\b.{0,60}$", 1.0),
        (r"\bgovern\w*\s+by\s+(?:the\s+)?$", 0.9),            # "governed by New York law"
        (r"\bgoverning\s+laws?\b.{0,200}$", 0.9),
        (r"\b(?:constru|interpret|enforc|determin|adjudicat)\w*\b.{0,120}?\blaws?\b.{0,60}$", 0.85),
        (r"\b(?:laws?|statutes)\s+of\s+(?:the\s+)?(?:state|commonwealth)\s+of\s+$", 0.6),
        (r"\b(?:courts?|jurisdiction|venue|forum)\b.{0,80}$", 0.45),
    ],
    "effective": [
        (r"\beffective\s+(?:as\s+of|on|from|upon)\s+(?:the\s+)?$", 1.0),
        (r"\beffective\s+date\b.{0,30}$", 0.95),
        (r"\b(?:dated|made|entered\s+into|executed|signed)\b.{0,40}?\bas\s+of\s+(?:the\s+)?$", 0.95),
        (r"\b(?:entered\s+into|made|executed|signed|concluded)\b[^.]{0,80}?\b(?:on|this|dated)\s+"
         r"(?:the\s+)?$", 0.9),
        (r"\bdated\s+(?:as\s+of\s+)?(?:this\s+|the\s+)?$", 0.85),
        (r"\bas\s+of\s+(?:the\s+)?$", 0.45),
        (r"\bcommenc\w*\s+(?:on|as\s+of)\s+(?:the\s+)?$", 0.8),
        (r"\b(?:agreement|nda)\b[^.]{0,30}\bdated\b.{0,10}$", 0.6),
        (r"\bdate(?:d)?\s*:\s*$", 0.45),
    ],
    "term": [
        (r"\bterm\s+of\s+(?:this|the)\s+(?:agreement|nda|contract)\s+(?:shall|will)?\s*(?:be|is|"
         r"continue|last|run|expire|end)\w*\b.{0,60}$", 1.0),
        (r"\b(?:agreement|nda|contract)\b[^.]{0,120}?\b(?:expire|terminate|remain\s+in\s+"
         r"(?:full\s+)?(?:force|effect)|continue|be\s+(?:in\s+)?effect)\w*\b.{0,90}$", 1.0),
        (r"^\W*(?:term|duration|term\s+and\s+termination)\W.{0,120}$", 0.85),
        (r"\bobligations?\b.{0,140}?\b(?:expire|terminate|survive|continue|remain|last)\w*\b.{0,80}$",
         0.75),
        (r"\bconfidential\w*\b.{0,120}?\b(?:for\s+a\s+period\s+of|period\s+of)\s+$", 0.7),
        (r"\b(?:for\s+a\s+(?:period|term)\s+of|period\s+of)\s+$", 0.1),
        (r"\b(?:until|for)\s+$", 0.05),
    ],
}
# printed after the value in its sentence: "May 1, 2014 (the "Effective Date")"
AFTER: dict[str, list[tuple[re.Pattern, float]]] = {
    "effective": [(r"^\W{0,3}\(?\s*(?:the|hereinafter)?\s*[\"“”']*effective\s+date", 1.0),
                  (r"^\W{0,3}\(?\s*(?:the\s+)?[\"“”']*(?:agreement|execution|signing)\s+date", 0.7)],
    "term": [(r"^\W{0,3}\s*(?:from|after|following|of)\s+(?:the\s+)?(?:effective\s+date|date\s+"
              r"(?:of\s+this|hereof|first)|execution|signing)", 0.1),
             (r"^\W{0,3}\(?\s*(?:the\s+)?[\"“”']*(?:term|confidentiality\s+period)[\"“”']", 1.0)],
}
# what says the value is not the field's, wherever it is in the sentence before it
AGAINST: dict[str, list[tuple[re.Pattern, float]]] = {
    "law": [(r"\b(?:organi[sz]ed|incorporated|formed|existing|chartered|registered)\s+(?:and\s+"
             r"existing\s+)?under\s+the\s+laws?\s+of\s+(?:the\s+)?(?:state\s+of\s+)?$", 0.9),
            (r"\b(?:resident|residing|located|offices?|address)\b.{0,40}$", 0.3)],
    "term": [(r"\b(?:prior|notice|ago|within|employ\w*|age|older|aged)\b.{0,30}$", 0.5),
             (r"\b(?:solicit\w*|hire|hiring|standstill|acquire|purchase)\b.{0,160}$", 0.35)],
    "effective": [(r"\b(?:birth|born|expire\w*|terminat\w*)\b.{0,40}$", 0.5),
                  # another agreement's date: "the Offer Letter Agreement dated ...", "that certain
                  # Credit Agreement (the "Credit Agreement"), dated as of ..." (not "this Agreement")
                  (r"\b(?:that\s+certain|the|an?|its|our|your|such|prior|existing|said|any)\s+"
                   r"(?:(?!this\b)[\w’'\-]+\s+){0,6}?(?:agreement|plan|letter|indenture|notes?|"
                   r"contract|amendment|schedule\s+13d)\s*,?\s*(?:\([^)]{0,60}\)\s*,?\s*)?(?:dated|"
                   r"entered\s+into|made|executed|filed)\b[^.]{0,40}$", 0.6)],
}
AFTER_AGAINST: dict[str, list[tuple[re.Pattern, float]]] = {
    "law": [(r"^\s*,?\s*(?:a|an)?\s*(?:corporation|limited|company|partnership|llc|corp|"
             r"banking|national|general|business|statutory)\b", 0.9)],   # "a Delaware corporation"
    "term": [(r"^\W{0,3}\s*(?:prior|before|ago|notice|of\s+age|old)\b", 0.6),
             (r"^\W{0,3}\s*(?:[’']s?\s+)?(?:prior\s+)?(?:written\s+)?notice\b", 0.8),
             (r"^\W{0,3}\s*thereafter\b", 0.6),
             (r"^\W{0,3}\s*(?:after|following|from)\s+(?:the\s+)?(?:date\s+of\s+)?(?:termination|"
              r"cessation|end|separation)\s+(?:of|from)\s+(?:\w+[’']s\s+|his\s+|her\s+|my\s+|"
              r"your\s+|the\s+)?employment", 0.6)],
}


def _compile(table: dict) -> dict:
    return {k: [(re.compile(rx, re.I | re.S), w) for rx, w in v] for k, v in table.items()}


BEFORE, AFTER, AGAINST, AFTER_AGAINST = (_compile(t) for t in (BEFORE, AFTER, AGAINST,
                                                               AFTER_AGAINST))
# a sentence word that tells the concept's cues may be in it (sentences without are skipped)
KEYWORDS: dict[str, re.Pattern] = {
    "law": re.compile(r"\blaws?\b|\bgovern|\bcourts?\b|\bjurisdiction|\bvenue\b", re.I),
    "effective": re.compile(r"\beffective|\bdated\b|\bas of\b|\bentered\b|\bmade\b|\bexecuted|"
                            r"\bsigned|\bcommenc|\bdate\b|\bday of\b", re.I),
    "term": re.compile(r"\byears?\b|\bmonths?\b|\bdays?\b|\bweeks?\b", re.I),
}


def cue_score(concept: str, before: str, after: str = "") -> tuple[float, str]:
    """How strongly the sentence text before (and after) a value says it is the concept's value,
    in [-1, 1], and the cue found (for evidence and the model's prompt)."""
    best, cue = 0.0, ""
    for rx, w in BEFORE.get(concept, ()):
        m = rx.search(before)
        if m and w > best:
            best, cue = w, m.group().strip()
    for rx, w in AFTER.get(concept, ()):
        m = rx.search(after)
        if m and w > best:
            best, cue = w, m.group().strip()
    against = max([w for rx, w in AGAINST.get(concept, ()) if rx.search(before[-200:])] +
                  [w for rx, w in AFTER_AGAINST.get(concept, ()) if rx.search(after)],
                  default=0.0)
    return best - against, cue
