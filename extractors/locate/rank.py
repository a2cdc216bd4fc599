"""Rank stage: candidates per field -> the few most plausible, scored by the printed labels.

A candidate's score is how well the label printed left of it (or above it, in a column) matches
the field's labels, minus how much better that label matches a sibling field of the same kind
("Total net" is net_total's, not grand_total's). Start/end fields take the first/second date of
a printed range ("12/30/19 - 03/29/20"). Scores are in [-1, 1.5]; the model then chooses among
the top few with these scores as its prior.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.lexicon import label_tokens
from extractors.locate import settings
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
START_NAME = re.compile(r"(^|_)(from|start|begin|first)($|_)")
END_NAME = re.compile(r"(^|_)(to|end|through|thru|last|until)($|_)")


# articles and the prepositions fused with them: a label reads the same with or without them
# ("N° du compte" ~ "n° de compte", "Date d'échéance" ~ "date échéance", "Date of the bill")
ARTICLES = frozenset("the de du des d l la le les del della delle dei degli di do da dos das "
                     "der die den dem het van".split())


def content_tokens(toks: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a label without its articles (all of them if it is nothing else)."""
    kept = tuple(t for t in toks if t not in ARTICLES)
    return kept or toks


@lru_cache(maxsize=500000)
def _tok_eq(printed: str, label: str) -> float:
    """1 for the same word; 0.9 when the printed word is a compound made with the label word
    ("Rechnungsdatum" ~ "datum", "Bruttosumme" ~ "brutto"; not "Verkäufer" ~ "Käufer"); else 0."""
    if printed == label:
        return 1.0
    if printed == label + "s" or printed + "s" == label:   # "Totals" ~ "total"
        return 0.95
    if len(label) >= 5 and len(printed) >= len(label) + (3 if len(label) >= 8 else 4) and \
            (printed.startswith(label) or printed.endswith(label)):
        return 0.9
    return 0.0


# words after a label that do not qualify it: numbers and ids printed between the label and the
# value ("Invoice No. 4711 dated", "Rechnung Nr. 471102 vom"), and the words that introduce a value
NOT_QUALIFIERS = frozenset(
    "no nr nro num number n° numero nummer of from dated vom von am on at du le del de dd "
    "the des der die das la les "
    "your votre vos ihr ihre ihrem ihres su sus seu sua vostro vostra uw "   # possessives
    "à a to en in zu auf per".split())   # prepositions


def _qualifiers(trailing: tuple[str, ...]) -> int:
    """How many of the words printed between a matched label and its value qualify the label
    ("Rechnung gemäß Bestellung vom": 2; "Rechnung Nr. 471102 vom": 0)."""
    return sum(1 for t in trailing if t not in NOT_QUALIFIERS and not any(ch.isdigit() for ch in t))


@lru_cache(maxsize=200000)
def label_match(label_text: str, labels: tuple[str, ...], one_field: bool = True) -> float:
    """How well printed label text matches a field's labels, in [0, 1]: a full match counts
    more for longer labels, for labels that explain more of the printed text, and for labels
    printed right before the value; labels listed first by the schema weigh slightly more
    (`one_field` False: labels of many fields, where only the first ten places count).
    Words match exactly or as parts of compounds (German "Rechnungsdatum" ~ "datum")."""
    if "-" in label_text:   # "Beleg-Datum" is also the compound "Belegdatum"
        s = max(_label_match(label_text, labels, one_field),
                _label_match(re.sub(r"(?<=\w)-(?=\w)", "", label_text), labels, one_field))
        return s * _modifier_only(label_text, labels) if s else s
    return _label_match(label_text, labels, one_field)


def _modifier_only(label_text: str, labels: tuple[str, ...]) -> float:
    """0.6 when the label's last hyphenated compound matches the field's labels only in a
    part before its last ("Verkäufer-Kontoname": the seller's account name, not the seller;
    the last part names the thing), else 1."""
    compounds = re.findall(r"\w+(?:-\w+)+", label_text)
    if not compounds or label_tokens(label_text)[-1:] != label_tokens(compounds[-1].split("-")[-1]):
        return 1.0
    words = _label_words(labels)[1]
    parts = [p.lower() for p in compounds[-1].split("-")]
    if any(_tok_eq(parts[-1], w) for w in words) or \
            not any(_tok_eq(p, w) for p in parts[:-1] for w in words):
        return 1.0
    return 0.6


# words before a label that make it another one of its kind ("Alt Order #", "Previous Invoice")
OTHER_ONE = frozenset("alt alternate alternative other previous prior former old parent related "
                      "vorherige frühere alte ancien précédent anterior anteriore vorige "
    "next upcoming following nächste nächster nächsten prochaine prochain próxima próximo "
    "prossima prossimo volgende".split())
# ... and right before it: "Last billing period", "Letzte Rechnung", "Dernière facture" are the
# previous one ("Last day of the billing period" is not: "day" stands between)
LAST_ONE = frozenset("last letzte letzter letzten dernière dernier derniere última último "
                     "ultima ultimo laatste".split())
# a label word that says the opposite of a field's ("Net Total" is not the gross total)
CONTRARY = {"gross": ("net", "netto", "nett"), "brutto": ("net", "netto"),
            "net": ("gross", "brutto"), "netto": ("gross", "brutto")}
CONTRARY_WORDS = frozenset(w for ws in CONTRARY.values() for w in ws)
# labels that say "a number" without saying whose
GENERIC_NUMBER = frozenset("nr no number nummer num numéro numero n°".split())
# and "a date" without saying of what ("Bestell-Datum", "Order Date": the order's)
GENERIC_WORDS = GENERIC_NUMBER | frozenset("date datum".split())


def _last_one(toks, at: int, words: frozenset) -> bool:
    """ "Last" right before the matched label, or before label words leading to it ("Last
    billing period" matched as "period")."""
    i = at - 1
    while i >= 0 and toks[i] in words:
        i -= 1
    return i >= 0 and toks[i] in LAST_ONE


@lru_cache(maxsize=20000)
def _foreign_modifier(printed: str, label: str, words: frozenset) -> bool:
    """A compound ending in a generic label word whose first part is none of the field's label
    words ("bestelldatum" for "datum"; not "rechnungsdatum" when "rechnung" is a label word)."""
    if not printed.endswith(label):
        return False
    head = printed[:-len(label)]
    return bool(head) and not any(_tok_eq(h, w) for h in {head, head.rstrip("s")} if h
                                  for w in words)


@lru_cache(maxsize=256)
def _label_words(labels: tuple[str, ...]) -> tuple[tuple, frozenset]:
    """Each label's rank, text, words and word set; and all their words."""
    rows = tuple((i, lab, content_tokens(label_tokens(lab)), frozenset(content_tokens(label_tokens(lab))))
                 for i, lab in enumerate(labels))
    return rows, frozenset(w for _, _, lt, _ in rows for w in lt)


@lru_cache(maxsize=200000)
def _matched_words(printed: str, words: frozenset) -> frozenset:
    """The label words this printed word matches (_tok_eq > 0)."""
    return frozenset(w for w in words if _tok_eq(printed, w))


def _label_match(label_text: str, labels: tuple[str, ...], one_field: bool = True) -> float:
    toks = content_tokens(label_tokens(label_text))[-8:]
    if not toks:
        return 0.0
    rows, words = _label_words(labels)
    matched = frozenset().union(*(_matched_words(t, words) for t in set(toks)))
    if not matched:     # no printed word matches any label word: every label scores 0
        return 0.0
    best = 0.0
    n = len(toks)
    for rank_i, lab, lt, lset in rows:
        if not lt or lset.isdisjoint(matched):   # no word of this label printed: it scores 0
            continue
        coverage = min(len(lt) / n, 1.0)
        # contiguous phrase: best alignment ending as late as possible
        phrase, trail = 0.0, 0
        for i in range(n - len(lt) + 1):
            q = min(_tok_eq(toks[i + j], lt[j]) for j in range(len(lt)))
            if q and q >= phrase:
                phrase, trail, at = q, _qualifiers(toks[i + len(lt):]), i
        if phrase:
            s = (0.5 + 0.1 * min(len(lt), 3) + 0.25 * coverage + (0.1 if not trail else 0.0)) * phrase
            if trail >= 2:   # "Gesamtbetrag der Zuschläge", "Total of discounts": qualified
                s *= 0.75
            if any(t in CONTRARY.get(w, ()) for t in toks for w in words) and \
                    not any(t in words for t in toks if t in CONTRARY_WORDS):
                s *= 0.6     # "Net Total" for a gross amount: the label says the other one
            if any(t in OTHER_ONE for t in toks[:at]) or _last_one(toks, at, words):
                s *= 0.7     # "Alt Order #", "Previous Balance": another one of its kind
            elif len(lt) == 1 and lt[0] in GENERIC_WORDS and at > 0 and \
                    toks[at - 1] not in words and not any(ch.isdigit() for ch in toks[at - 1]):
                s *= 0.7     # "Kunden-Nr", "HRB Nr.": another thing's number, not this one's
            elif len(lt) == 1 and lt[0] in GENERIC_WORDS and toks[at] != lt[0] and \
                    _foreign_modifier(toks[at], lt[0], words):
                s *= 0.7     # "Bestelldatum", "Kundennummer": the same, written as one word
        else:
            hits = [max(_tok_eq(t, w) for t in toks) for w in lt]
            if all(hits):
                s = (0.45 + 0.1 * min(len(lt), 3) + 0.25 * coverage) * min(hits)
                s += 0.1 if max(_tok_eq(toks[-1], w) for w in lt) else 0.0
                at = [i for i, t in enumerate(toks) if any(_tok_eq(t, w) for w in lt)]
                if _qualifiers(tuple(t for t in toks[at[0]:at[-1] + 1]
                                     if not any(_tok_eq(t, w) for w in lt))) >= 2:
                    s *= 0.75   # "Rechnung gemäß Bestellung vom": the order's date, not the invoice's
                if any(t in OTHER_ONE for t in toks if t not in lt) or _last_one(toks, at[0], words):
                    s *= 0.7    # "Balance due ... Next billing date": another one of its kind
            else:
                s = 0.3 * sum(1 for h in hits if h) / len(lt) if len(lt) > 1 else 0.0
        best = max(best, s * (1.0 - settings.LABEL_RANK_STEP * min(rank_i, 10)
                              - (settings.LABEL_RANK_TAIL if one_field else 0.0) *
                              min(max(0, rank_i - 10), 90)))
    return min(best, 1.0)


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
        # names are short, capitalised and not sentences, addresses or contact lines
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
