"""Rank stage: candidates per field -> the few most plausible, scored by the printed labels.

A candidate's score is how well the label printed left of it (or above it, in a column) matches
the field's labels, minus how much better that label matches a sibling field of the same kind
("Total net" is net_total's, not grand_total's). Start/end fields take the first/second date of
a printed range ("12/30/19 - 03/29/20"). Scores are in [-1, 1.5]; the model then chooses among
the top few with these scores as its prior. How printed text matches a field's labels is
extractors/locate/label_match.py.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.label_vocabulary import RANGE_END, RANGE_START
from extractors.lexicon import label_tokens
from extractors.locate import settings
from extractors.locate.label_match import label_match
from extractors.locate.roles import dates_the_document, letter_date, letterhead, party
from extractors.locate.ocr_labels import read_as_labels
from extractors.locate.page_index import looks_like_label
from extractors.types import Candidate, FieldSpec

ORG_SUFFIX = re.compile(
    r"\b(inc|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|kg|ug|se|sa|sas|sarl|srl|spa|bv|nv|"
    r"a\.g|e\.k|s\.a|s\.a\.s|"
    r"plc|lp|llp|pac|pc|pllc|gbr|ohg|e\.?v|group|committee|association|foundation|hospital|"
    r"clinic|insurance|utilities|energy|power|water|gas|electric|bank)\b\.?", re.I)
# printed text ending in a key and its colon, a weekday may follow ("Read on: Tuesday,")
OWN_KEY = re.compile(r"\w[\w .#°-]*:\s*(?:[A-Za-zÀ-ÿ]{3,12}\.?,?)?\s*$")
ADDRESS_LIKE = re.compile(
    r"^\d+\s+\w+|(?<!\()\b\d{5}(-\d{4})?\b(?!\))|\b(street|st\.|road|rd\.|avenue|ave\.?|drive|dr\.|blvd|lane|"
    r"suite|floor|straße|strasse|str\.|weg|platz|rue|allee|p\.?o\.? box)\b|@|www\.|https?:|\bc/o\b|"
    r"\(\d{3}\)|\+\d|\w(straße|strasse|gasse)\b|\w(str\.|weg|allee|platz|ring|damm)\s*\d", re.I)
FORM_WORDS = re.compile(
    r"(\b(name|date|no\.?|number|id|code|address|phone|tel|fax|e-?mail|total|amount|charges?|"
    r"balance|npi|signature|information|info|plan|account|sex|relationship|description|qty|"
    r"quantity|price|rate|units|ref|period|from|to)\b|#|:$)", re.I)
CURRENCY_MARK = re.compile(r"[$€£¥]|\b(?:USD|EUR|GBP|CHF)\b")
CURRENCY_AMOUNT = re.compile(r"[$€£¥]\s?-?\(?\d|\d\s?[€$£¥]|\b(?:USD|EUR|GBP|CHF)\s?-?\d|\d\s?(?:USD|EUR|GBP|CHF)\b")
# the words of an address printed right before a number that belongs to it
ADDRESS_TAIL = re.compile(r"\b(?:suite|ste\.?|p\.?\s?o\.?\s?box|box|apt\.?|unit|floor|fl\.?|room|"
                          r"postfach|case postale|boîte postale|bp|apartado|caixa postal)\s*#?:?\s*$",
                          re.I)
STRONG_LABEL = 0.8   # a label match this good says what the value is by itself
START_NAME = re.compile(r"(^|_)(" + "|".join(RANGE_START) + r")($|_)")
END_NAME = re.compile(r"(^|_)(" + "|".join(RANGE_END) + r")($|_)")




@lru_cache(maxsize=50000)
def _is_label_cell(text: str, label: str) -> bool:
    """The cell is mostly this label ("Patient Name:"), not a value that contains one of its
    words ("Meridian Mutual Health Insurance" for the label "insurance")."""
    toks, lt = label_tokens(text), label_tokens(label)
    return bool(lt) and set(lt) <= set(toks) and len(lt) > len(toks) / 2


@lru_cache(maxsize=50000)
def looks_like_header(text: str) -> bool:
    """A short digit-free cell with form words ("Billing Period", "Subscriber ID", "2. PATIENT'S
    NAME"); a leading form box number does not count as a digit."""
    text = re.sub(r"^\d{1,2}[a-z]?\.\s+", "", text.strip())
    return len(text.split()) <= 8 and bool(FORM_WORDS.search(text)) and \
        not any(ch.isdigit() for ch in text)


@lru_cache(maxsize=50000)
def _header_row(line: str) -> bool:
    """A row of three or more short cells with no digits is a table's column headers
    ("Art-Nr   Menge   Einheit   Preis"), not values."""
    cells = [x.strip() for x in line.split("   ") if x.strip()]
    if len(cells) < 3 or any(re.search(r"\d", x) or x.endswith(":") for x in cells):
        return False
    short = sum(1 for x in cells if len(x.split()) <= 3)
    # a wide table's headers may begin with a long one ("*Line Ch Start Date End Date
    # Description   Time   Days   Rate   Spots   Amount")
    return short == len(cells) or (len(cells) >= 5 and short >= 0.8 * len(cells))


def field_label_score(c: Candidate, spec: FieldSpec) -> float:
    # a label beside a header is a row of headers: only a label above can vouch for it
    return _label_score(looks_like_header(c.text) or _header_row(c.line), c.label_left,
                        c.label_above, c.row_label, c.section, "ocr" in c.flags,
                        tuple(spec.labels), spec.kind == "text", c.heading)


@lru_cache(maxsize=100000)
def _label_score(beside_header: bool, label_left: str, label_above: str, row_label: str,
                 section: str, ocr: bool, labels: tuple[str, ...], text: bool = False,
                 heading: str = "") -> float:
    """field_label_score from the candidate's label texts: many candidates share them."""
    if ocr:   # an OCR'd page: a misread label word ("Involce") reads as the label's
        label_left, label_above, row_label, section = (
            read_as_labels(t, labels) for t in (label_left, label_above, row_label, section))
    if text and ADDRESS_LIKE.search(label_left):
        label_left = ""   # "Gartenstraße 15   Rechnung gemäß ...": an address column, no label
    left = 0.0 if beside_header else label_match(label_left, labels)
    # a value right after another field's "Key:" ("Next meter reading date: Tuesday, Aug 2")
    # is that key's: a label above it vouches for it only weakly
    above = settings.ABOVE_AFTER_KEY if left < 0.3 and OWN_KEY.search(label_left) else \
        settings.ABOVE_WEIGHT
    best = max(left, above * label_match(label_above, labels))
    if row_label and not label_left and not text:   # a table cell: its row's label, with its column's
        # "Grand Total:   9   $1,505.00": a row label with its colon labels the row's amount
        best = max(best, (0.9 if row_label.rstrip().endswith(":") else 0.7) * label_match(row_label, labels),
                   0.85 * label_match(f"{row_label} {label_above}", labels))
    if section and label_left and left > 0:
        # "Verkäufer" ... "Name: X": a generic label ("Name") under a heading saying whose
        best = max(best, 0.85 * label_match(f"{section} {label_left}", labels))
    if text and heading:
        # a party's block: "Verkäufer:" / "Nummer: 123456" / "Beispiel GmbH" (the heading
        # over the name's column says whose block it is; lines of numbers may sit between)
        best = max(best, 0.7 * label_match(heading, labels))
    return best


FAMILY = {"money": "amount", "number": "amount"}


def _same_family(a: FieldSpec, b: FieldSpec) -> bool:
    """Fields whose values can be the same printed text: a date's label cannot be an id's."""
    return FAMILY.get(a.kind, a.kind) == FAMILY.get(b.kind, b.kind)


def rank(spec: FieldSpec, cands: list[Candidate], siblings: list[FieldSpec],
         top_k: int = 5, all_labels: tuple[str, ...] = ()) -> list[Candidate]:
    """Score each candidate for this field; return the top_k distinct values, best first."""
    scored = []
    freq: dict[str, int] = {}
    for c in cands:
        freq[str(c.value)] = freq.get(str(c.value), 0) + 1
    for c in cands:
        own = field_label_score(c, spec)
        rival = max((field_label_score(c, s) for s in siblings if _same_family(s, spec)),
                    default=0.0)
        weak = spec.kind == "currency" and rival < 0.5   # codes are found by shape, not labels
        score = own - (rival - own if rival > own and not weak else 0.0)
        if START_NAME.search(spec.key) and "range_start" in c.flags:
            score += 0.35
        if END_NAME.search(spec.key) and "range_end" in c.flags:
            score += 0.35
        if START_NAME.search(spec.key) and "range_end" in c.flags:
            score -= 0.35
        if END_NAME.search(spec.key) and "range_start" in c.flags:
            score -= 0.35
        if spec.kind == "date" and (START_NAME.search(spec.key) or END_NAME.search(spec.key)) \
                and not c.flags & {"range_start", "range_end"} and own < STRONG_LABEL:
            score -= 0.2   # one end of a period, but a date printed alone and not labelled so
        score -= 0.03 * min(c.page - 1, 3) + 0.08 * c.rel_top   # header values preferred
        score += _prior(spec, c, all_labels)
        if spec.kind == "currency":   # the currency printed most often is the document's
            score += 0.3 * freq[str(c.value)] / len(cands)
        scored.append((score, c, own, rival))
    labels = {id(c): (own, rival) for _, c, own, rival in scored}
    scored = [(score, c) for score, c, _, _ in scored]
    if spec.kind == "text":
        scored = _whole_names(scored)
    scored.sort(key=lambda t: (-t[0], t[1].page, t[1].start))
    best: list[Candidate] = []
    seen = set()
    for score, c in scored:
        key = str(c.value).casefold()
        if key in seen:
            continue
        seen.add(key)
        own, rival = labels[id(c)]
        c = Candidate(**{**c.__dict__, "score": round(score, 4), "flags": set(c.flags),
                         "label_score": round(own, 4), "rival_label": round(rival, 4)})
        best.append(c)
        if len(best) >= top_k:
            break
    return best


LABEL_PAIR = re.compile(r"\s*:\s*\S")
# a date written in a line of text: "Mar 14", "14 March", "03/14/2022", "14.03.22"
TEXT_DATE = re.compile(r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                       r"\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
                       r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b", re.I)


def _whole_names(scored: list) -> list:
    """A name printed on two lines ("Nordlicht Gegenseitige" / "Versicherungsverein Beispielstadt
    a.G.") is also printed as its first line alone (under a heading, the second line after a
    "Name:" label): the whole name, ending in a legal form, takes its first line's score."""
    whole = {str(c.value).split("\n")[0].casefold() for _, c in scored
             if "joined" in c.flags and ORG_SUFFIX.search(str(c.value).split("\n")[-1])}
    if not whole:
        return scored
    best: dict = {}
    for score, c in scored:
        key = str(c.value).casefold()
        if "joined" not in c.flags and key in whole:
            best[key] = max(best.get(key, -9.0), score)
    out = []
    for score, c in scored:
        first = str(c.value).split("\n")[0].casefold()
        if "joined" in c.flags and first in best:
            score = max(score, best[first] + 0.05)
        out.append((score, c))
    return out


def _prior(spec: FieldSpec, c: Candidate, all_labels: tuple[str, ...] = ()) -> float:
    """Weak, label-free preferences by kind."""
    if spec.kind == "date":
        return 0.2 if letter_date(c) and dates_the_document(tuple(spec.labels), spec.description) \
            else 0.0
    if spec.kind == "text":
        return _text_prior(spec, c, all_labels)
    if spec.kind in ("money", "number"):
        p = 0.05 if c.label_left else 0.0
        # "Totals   17.70   $4,025.00": in a row that prints amounts with a currency sign, a
        # bare number is a count or a rating, not the money
        if spec.kind == "money" and not CURRENCY_MARK.search(c.text) and \
                CURRENCY_AMOUNT.search(c.line):
            p -= 0.15
        return p
    if spec.kind == "id":
        p = 0.03 if re.search(r"[A-Za-z]", c.text) is None else 0.0
        if ADDRESS_TAIL.search(c.label_left):
            p -= 0.5    # "Suite 250", "PO Box 367", "Postfach 12 34": part of an address
        if "grouped" in c.flags:
            p += 0.02   # "123 456 7890" over its first group "123" (same label, same place)
        return p
    return 0.0


def _text_prior(spec: FieldSpec, c: Candidate, all_labels: tuple[str, ...]) -> float:
    """Names are short, capitalised and not sentences, addresses or contact lines; the
    issuer sits in the letterhead, the sender line or the payee line."""
    words = c.text.split()
    p = 0.0
    role = party(tuple(spec.labels), spec.description)
    # a field that holds a name: named so, or a party ("vendor", "issuer", "bill_to")
    org = ("name" in spec.key or role) and ORG_SUFFIX.search(c.text)
    if role == "issuer" and "sender_line" in c.flags:
        p += 0.3    # "Beispiel GmbH | Hauptstraße 1 | 10115 Berlin": the sender
    elif role == "issuer" and "payee" in c.flags:
        p += 0.45   # "make checks payable to X": who issued the bill
    elif role == "issuer" and letterhead(c):
        p += 0.2    # the first lines of page 1, alone on their line: the letterhead
    if role == "issuer" and "domain" in c.flags:
        p += 0.25   # its initials or a word are the web/e-mail domain the document prints
    elif role == "recipient" and "sender_line" in c.flags:
        p -= 0.3
    elif role == "recipient" and "issuer_echo" in c.flags:
        p -= 0.3
    elif role == "recipient" and "address_head" in c.flags and not letterhead(c):
        p += 0.3    # "Theodor Est / Bahnstr. 42 / 88802 Spielkreis": whom it is addressed to
    at = c.line.find(c.text)
    if at >= 0 and LABEL_PAIR.match(c.line, at + len(c.text)) and not org:
        p -= 0.3    # "Nummer   : 123456": the label of a pair, not a value
    if ADDRESS_LIKE.search(c.text):
        p -= 0.3
    if sum(ch.isdigit() for ch in c.text) > sum(ch.isalpha() for ch in c.text) / 2:
        p -= 0.3
        if re.fullmatch(r"[A-Za-z]{0,4}[\d .\-/]{6,}", c.text):
            p -= 0.3    # "FR19787878784", "DE 136 695 976": an identifier, not a name
    if org:
        p += 0.25
    if (all_labels and not org and label_match(c.text, all_labels, False) >= 0.55 and len(words) <= 3) or \
            looks_like_header(c.text) or _header_row(c.line):
        p -= 0.35   # a form's own label or column header, not a value
        if all_labels and label_match(c.text, all_labels, False) >= 0.8 and c.label_left and \
                looks_like_label(c.label_left):
            p -= 0.3    # "Lieferant   Käufer": a row of headings, each the next one's "label"
    if 1 <= len(words) <= 6:
        p += 0.05
    if re.fullmatch(r"[A-ZÀ-Þ][a-zà-ÿ]+", c.text) and re.search(
            re.escape(c.text) + r"   \S", c.line):
        p -= 0.25   # "Agency   FlexPoint Media": one title-case word before a value is a label
    if len(words) > 10 or c.text.endswith("."):
        p -= 0.1
    if "name" in spec.key or role:
        # a name holds no date or amount ("Payments through Mar 14") and is no sentence
        # ("Charge for maintaining the system through which ...": mostly lower-case words)
        if TEXT_DATE.search(c.text) or CURRENCY_AMOUNT.search(c.text):
            p -= settings.NAME_NOT_DATED
        lower = sum(1 for w in words if w[:1].islower())
        if lower >= 4 and lower > len(words) / 2:
            p -= settings.NAME_NOT_SENTENCE
    # under "Advertiser Code" or after "Customer No.": the code, not the name
    lab = c.label_left or c.label_above
    if lab and re.search(r"(\b(code|no\.?|nr\.?|number|id|ref)|#)\s*:?\s*$", lab, re.I):
        p -= 0.3
    # "Contract 281067 / Revision 1": another field's label with its value, not a name
    head = re.match(r"([^\W\d_]+)\s+#?\d", c.text)
    if head and all_labels and label_match(head.group(1), all_labels, False) >= 0.9:
        p -= 0.4
    # a cell that itself reads like a field label is a header, not a value
    if any(_is_label_cell(c.text, lab) for lab in spec.labels) or \
            re.search(r"(#|:|\bdate\b|\bno\.?$|\bnr\.?$|\bcode\b|\bnumber\b)", c.text, re.I):
        p -= 0.4
    if re.search(r"\w-$", c.text):
        p -= 0.4    # "Positions-": a word broken at the line's end, not a value
    return p
