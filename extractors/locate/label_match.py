"""Label matching: printed label text + a field's labels -> how well they match, in [0, 1].

Words match exactly, as plurals or as parts of compounds (German "Rechnungsdatum" ~ "datum");
articles are ignored ("N° du compte" ~ "n° de compte"); a match is weaker when words qualify the
label ("Gesamtbetrag der Zuschläge"), when the label says another one of its kind ("Previous
balance", "Alt Order #"), or the opposite ("Net Total" for a gross amount); labels listed first
weigh more. Used by the rank stage and by every stage that asks whether text is a label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.lexicon import label_tokens
from extractors.locate import settings

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
