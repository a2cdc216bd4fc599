"""Roles: a field's labels and description -> whose value it is (the issuer's, the recipient's,
the document's own date), and a candidate's place -> whether it sits where letters print their
sender (letterhead) or their own date. Used by the rank stage's label-free preferences."""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.lexicon import label_tokens
from extractors.types import Candidate

# label words of the party that issued the document (a field whose labels say so is the issuer's)
ISSUER_WORDS = frozenset(
    "seller supplier vendor lieferant verkäufer rechnungsersteller rechnungssteller absender "
    "fournisseur vendeur émetteur emetteur issuer sender biller".split())
RECIPIENT_WORDS = frozenset(
    "buyer customer recipient kunde käufer rechnungsempfänger leistungsempfänger client "
    "acheteur destinataire addressee".split())


@lru_cache(maxsize=256)
def party(labels: tuple[str, ...], description: str = "") -> str:
    """"issuer", "recipient" or "" for a text field, from its labels and description."""
    words = {t for lab in labels for t in label_tokens(lab)}
    if words & ISSUER_WORDS or re.search(r"\bissu(?:ed|er)\b", description, re.I):
        return "issuer"
    if words & RECIPIENT_WORDS:
        return "recipient"
    return ""



@lru_cache(maxsize=256)
def dates_the_document(labels: tuple[str, ...], description: str = "") -> bool:
    """A date field that is the document's own date ("issue date", "date issued", "dated")."""
    words = {t for lab in labels for t in label_tokens(lab)}
    return bool(words & {"issue", "issued", "dated"}) or \
        bool(re.search(r"\bissu(?:e|ed)\b", description, re.I))


def letter_date(c: Candidate) -> bool:
    """A date without any label printed last on its line, apart from what is left of it (a
    column gap) or alone, in the top part of the first page: where letters and many invoices
    print their own date ("Vertrag Nr: 123   18. April 2014")."""
    if c.page != 1 or c.rel_top > 0.4 or c.label_left or c.label_above or c.row_label:
        return False
    line = c.line.rstrip()
    return line.endswith(c.text) and (line == c.text or line[:-len(c.text)].endswith("   "))


def letterhead(c: Candidate) -> bool:
    """A name alone on its line in the top tenth of page 1, with no label: letterhead text."""
    return c.page == 1 and c.rel_top < 0.1 and not c.label_left and not c.label_above and \
        c.line.strip() == c.text.strip() and 2 <= len(c.text.split()) <= 6


