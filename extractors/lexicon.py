"""Label knowledge: a field's name, kind and description -> the labels a document prints next to
its value, for schemas that list none (`extract schemas --explain` shows them).

A user writes `due_date: date = Field(description="Payment due date")`; documents print "Due
Date", "Pay by", "Fällig am", "Date d'échéance", "Vencimiento". From the field's name and its
description we take core phrases in English ("due date", "payment due date"; "Bill or statement
date" gives "bill date" and "statement date"), then say each as business documents print it:
each word in English, German, French, Spanish, Portuguese, Italian and Dutch (TERMS, with the
usual abbreviations), German and Dutch as compounds ("Rechnungsnummer", "factuurdatum"), the
Romance languages head first ("numéro de facture", "fecha de vencimiento"), plus the idioms
documents use for the most common business fields (IDIOMS: "amount due" is also "balance due",
"zu zahlen", "net à payer"). Labels a schema lists win: they are used as they are, and nothing
is inferred for that field.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.label_vocabulary import IDIOMS, LANGS, RANGE_END, RANGE_START, TERMS

# words a description uses that are not printed in labels
FILLER = frozenset(
    "the a an of for to by in on at with which who that this these its his her their our your "
    "customer's company's is are was be been being as e g eg i e ie like such how when where "
    "what must has have had it one its including incl my me we us".split())
# words that end a description's noun phrase ("Date the invoice was issued" -> "date")
BREAK = frozenset("the a an which who that when where whose was were is are will has have "
                  "must should can may if as be being been this these those".split())
GENERIC = frozenset("number date amount name total num no nr # id day first last start end from to "
                    "begin through thru until".split())
BARE = frozenset("number date amount name total num no nr # id day first last".split())  # say
# nothing alone
# nouns that say what kind of thing a party is, not which: "Energy or water company" is no
# "energy" alone
AUX = frozenset("is are was were will must should can may has have".split())   # a clause's verb
KIND_NOUNS = frozenset("company companies firm business organization organisation entity party "
                       "person individual".split())
ROLE = frozenset(RANGE_START + RANGE_END)
NAME_ONLY = frozenset({"seller", "buyer", "customer", "provider", "currency"})   # idioms keyed
# on one of these words apply when the field's name says it, not only its description
DOCUMENT_DATE = frozenset({"issue", "issued", "invoice", "bill", "statement", "document"})
# words that name the same party or concept as an idiom's trigger word ("vendor" is the seller,
# "client" the customer, an amount "payable" is due): a field named so gets that word's labels too
SAME_AS = {"vendor": ("seller",), "supplier": ("seller",), "merchant": ("seller",),
           "biller": ("seller",), "issuer": ("seller",), "utility": ("provider",),
           "client": ("customer", "buyer"), "customer": ("buyer",), "buyer": ("customer",),
           "purchaser": ("buyer", "customer"), "payer": ("customer", "buyer"),
           "recipient": ("buyer", "customer"), "addressee": ("buyer", "customer"),
           "sender": ("seller",), "payee": ("seller",),
           "payable": ("due",), "pay": ("due",), "vat": ("tax",), "gst": ("tax",),
           "billed": ("billing",), "balance": ("due",), "owed": ("due",),
           "outstanding": ("due",), "gross": ("total",), "deadline": ("due",),
           "selling": ("seller",), "purchasing": ("buyer", "customer")}
# abbreviations field names use ("acct_no", "inv_dt", "ccy"): the word each stands for
ABBREVIATIONS = {"acct": "account", "acc": "account", "amt": "amount", "bal": "balance",
                 "ccy": "currency", "curr": "currency", "cust": "customer", "dt": "date",
                 "inv": "invoice", "num": "number", "no": "number", "nr": "number",
                 "pmt": "payment", "pymt": "payment", "stmt": "statement", "tot": "total",
                 "svc": "service", "incl": "including", "ref": "reference"}
# the word a value's kind implies, whether or not the schema says it ("due: Last day to pay"
# is a due date; "Amount to pay" and "total_due" are an amount due)
KIND_WORD = {"date": "date", "money": "amount"}
# what a name field's description says its party does with the document, in its first clause:
# "Company issuing the invoice" is the seller, "Company or person receiving the invoice" the
# buyer (paying or buying is not enough: an ad agency pays for its client's order). Said in the
# passive ("Who is being billed"), the seller's acts name the buyer, unless "by" follows
# ("Company the invoice is issued by")
ACTS = {"seller": frozenset(
            "issuing issued sending sends sent selling sells sold supplying supplied providing "
            "provides provided billing billed invoicing invoiced charging charged".split()),
        "buyer": frozenset("receiving receives received addressed".split())}
PARTIES = frozenset({"seller", "buyer", "customer", "provider"})
# advertising bought (airtime, spots, ads): the party who buys it, or for whom it runs, is what
# ad orders and station invoices print as the "Advertiser", whatever the schema calls it
ADVERTISING = frozenset("ad ads advert adverts advertising advertisement advertisements airtime "
                        "spot spots commercial commercials".split())
IDIOM_LABELS = frozenset(lab for _, labels in IDIOMS for lab in labels)
# a range's subject a description names by what it does ("Date the schedule begins.")
RANGE_VERB = re.compile(r"\b(?:the|a|an|its|their)\s+(\w+)\s+"
                        r"(?:begins?|starts?|ends?|stops?|runs?)\b")
ID_WORDS = ("identifier", "id", "reference", "ref")   # "X identifier": the X number
# what is aired is scheduled in flights: a range of airing is printed as "Flight Dates"
BROADCAST = frozenset("air airs aired airing broadcast broadcasts broadcasting".split())
AD_BUYERS = frozenset("client clients buyer buyers customer purchaser committee candidate "
                      "campaign bought buying buys buy".split())
# words that start a verb's object: "billing the customer" is a verb, "billing period" a noun
OBJECT_START = frozenset("the a an this that its their our your us them his her".split())
PREPOSITIONS = frozenset("before after into per without with including excluding excl incl "
                         "under over within until".split())
QUESTION = frozenset("who whom whose when what which where how".split())
ARTICLES = frozenset("the a an".split())
PASSIVE = frozenset("is are was were be being been gets get got".split())
TITLES = ("invoice", "bill", "statement", "credit note", "rechnung", "gutschrift", "facture",
          "avoir", "factura", "fatura", "fattura", "factuur")
COMPOUND = ("de", "nl")                 # languages that write compounds
HEAD_FIRST = ("fr", "es", "pt", "it")   # "numéro de facture"
MAX_LABELS = 100


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ0-9#°º/]+", text.lower().replace("'s", ""))


def _phrases_of(description: str) -> list[str]:
    """The description's core noun phrases: its first clause up to a verb or relative word;
    "A or B C" gives "A C" and "B C"; "C of the D" gives "D C" too."""
    clause = re.split(r"[.;:(\[,]", description or "", maxsplit=1)[0]
    words = _words(clause)
    if words[:1] and words[0] in QUESTION:    # "Who bought the airtime": a clause, no noun
        words = []
    head: list[str] = []
    for i, w in enumerate(words):
        verb = w.endswith(("ing", "ed")) and (w not in TERMS or words[i + 1:i + 2] and
                                              words[i + 1] in OBJECT_START)
        if head and (w in BREAK or w in PREPOSITIONS or verb):
            if w in AUX and len(head) >= 2 and head[0] in BARE:
                head = head[:1]   # "Date payment is due": the date (that) payment is due
            break     # "... committee paying for", "... company billing the customer": it ended
        if w not in FILLER:
            head.append(w)
    out: list[str] = []
    if head:
        text = " ".join(head)
        if " or " in f" {text} ":
            left, _, right = text.partition(" or ")
            tail = right.split()[1:]
            out += [" ".join([left] + tail), right] + \
                ([left] if tail and not set(tail) <= BARE | KIND_NOUNS else [])
        elif " and " not in f" {text} ":
            out.append(text)
    m = re.match(r"^(.*?)\s+of\s+(.*)$", " ".join(words))
    if m:
        a = [w for w in m.group(1).split() if w not in FILLER]
        b = []
        for w in m.group(2).split():
            if w in BREAK and b:
                break
            if w not in FILLER:
                b.append(w)
        if a and b and a[-1] not in GENERIC | ROLE:
            out.append(" ".join(b[-1:] + a[-1:]))     # "total amount of the order": "order amount"
        elif a and b and len(b) <= 2 and a[-1] in ROLE | {"day"}:
            out.append(" ".join(b))                   # "first day of the billing period"
        elif a and b and a[-1] == "name" and b[-1] not in GENERIC:
            out.append(f"{b[-1]} name")               # "legal name of the customer": its name
    return [p for p in out if p and len(p.split()) <= 4 and not set(p.split()) <= BARE]


def _say(mod: str, head: str) -> list[str]:
    """An English modifier + head noun ("invoice" + "number") as each language prints it."""
    out = []
    for lang in LANGS:
        mods = TERMS.get(mod, {}).get(lang, (mod,) if lang == "en" else ())
        heads = TERMS.get(head, {}).get(lang, (head,) if lang == "en" else ())
        if not mods or not heads:
            continue
        for m in [x for x in mods[:2] if " " not in x]:
            for h in [x for x in heads[:3] if " " not in x]:
                if m == h or m.startswith(h) or h.startswith(m):
                    continue     # "customer account" in French is not "client client"
                if lang in COMPOUND and m.isalpha() and h.isalpha():
                    out += [m + h, f"{m}-{h}"]
                elif lang in HEAD_FIRST:
                    out += [f"{h} de {m}", f"{m} {h}" if not h.isalpha() else f"{h} {m}"]
                else:
                    out.append(f"{m} {h}")
    return out


def _acting_party(description: str) -> str | None:
    """The party a name field's description says it is by what it does ("seller", "buyer")."""
    words = _words(re.split(r"[.;:(\[]", description or "", maxsplit=1)[0])
    for i, w in enumerate(words):
        for party, acts in ACTS.items():
            if w in acts:
                passive = i > 0 and not w.endswith("ing") and (
                    words[i - 1] in PASSIVE or words[i - 1] in ARTICLES)   # "the invoiced customer"
                by = i + 1 < len(words) and words[i + 1] == "by"
                if passive and not by and party == "seller":
                    return "buyer"
                return party
    return None


def _before_preposition(words: list[str]) -> list[str]:
    """A phrase's words up to its first preposition ("amount before tax" -> "amount")."""
    for i, w in enumerate(words[1:], start=1):
        if w in PREPOSITIONS:
            return words[:i]
    return words


def _expanded(words) -> set[str]:
    words = set(words)
    return words | {ABBREVIATIONS[w] for w in words if w in ABBREVIATIONS}


def expand_name(name: str) -> str:
    """A field name with its abbreviations written out ("acct_no" -> "account_number")."""
    return "_".join(ABBREVIATIONS.get(w, w) for w in name.lower().split("_"))


def currency_named(name: str, description: str = "") -> bool:
    """A text field that holds a currency code: its name says so ("currency", "ccy") or its
    description's first phrase does ("Currency code of the totals.", "ISO 4217 currency.")."""
    if "currency" in name.lower() or "currency" in _expanded(_words(name.replace("_", " "))):
        return True
    clause = re.split(r"[.;:(\[,]", description or "", maxsplit=1)[0]
    return "currency" in _words(clause) and not {"rate", "exchange", "amount"} & set(_words(clause))


def _core_phrases(name_phrase: str, kind: str, description: str) -> tuple[list[str], bool]:
    """The field's name and its description's noun phrases, with their shorter forms; and
    whether the field is one end of a date range."""
    core = [name_phrase] + _phrases_of(description)
    core += [" ".join(p.split()[-2:]) for p in core if len(p.split()) > 2] + \
        [" ".join(p.split()[:2]) for p in core if len(p.split()) > 2 and p.split()[1] not in BARE]
    core += [" ".join(p.split()[:-1]) for p in core     # "billing period start": "billing period"
             if len(p.split()) > 2 and p.split()[-1] in ROLE]
    # no phrase starts or ends with a preposition ("before tax", "amount before", "pay into")
    core = [p for p in core if p == name_phrase or not {p.split()[0], p.split()[-1]} & PREPOSITIONS]
    if kind == "id" and name_phrase.split()[-1] in ("num", "no", "nr", "id"):
        core.append(" ".join(name_phrase.split()[:-1] + ["number"]))
    if kind == "id":   # an "X identifier" or "X reference" is printed as the X number too
        core += [" ".join(p.split()[:-1] + ["number"]) for p in core[1:]
                 if len(p.split()) >= 2 and p.split()[-1] in ID_WORDS]
    nw = name_phrase.split()
    ranged = kind == "date" and len(nw) >= 2 and bool(set(nw) & ROLE)   # "first_air_date" too
    if ranged:   # "Start date of the flight": "start date" would be any range's start
        core = [p for p in core if p == name_phrase or not set(p.split()) <= ROLE | BARE]
    return core, ranged


def _idiom_words(name_phrase: str, kind: str, description: str, core: list[str]
                 ) -> tuple[set, set, list[str], set]:
    """The words idioms are triggered by, the name's words (parties' idioms need them), the
    parties the field names otherwise ("vendor": the seller) and every party it names."""
    words = _expanded(w for p in core for w in p.split())
    # an idiom also applies when the description says it outside its first noun phrase
    # ("Date payment is due.") or the field names the same concept otherwise ("vendor")
    words |= {w for w in _words(description) if w not in FILLER and w not in BREAK}
    if kind in KIND_WORD:
        words.add(KIND_WORD[kind])
    name_words = _expanded(name_phrase.split())
    # the party the field names: its name's words and the head noun of each core phrase
    # ("company: Utility that sent the statement."), not a modifier ("customer account number")
    heads = name_words | {(w[-2] if len(w) > 1 and w[-1] == "name" else w[-1])
                          for w in (p.split() for p in core) if w}
    named = {x for w in heads for x in SAME_AS.get(w, ())} | (heads & NAME_ONLY)
    # a field that names no party but says what it does: that party's labels, after its own
    acting = _acting_party(description) if kind == "text" and not named & PARTIES else None
    words |= named | {x for w in words for x in SAME_AS.get(w, ())}
    name_words |= named
    party = sorted((named & NAME_ONLY) - {w for p in core for w in p.split()})
    if acting:
        name_words |= {acting, *SAME_AS.get(acting, ())}
        words |= name_words
        named |= {acting}
        party += [acting] if acting not in party else []
    if kind == "text" and words & ADVERTISING and (heads | words) & AD_BUYERS:
        party = ["advertiser"] + [p for p in party if p != "advertiser"]
    return words, name_words, party, named


def _range_subjects(nw: list[str], core: list[str], description: str, words: set) -> list[str]:
    """"flight_from": one end of a range printed as "Flight Dates: 05/27/20 - 06/02/20"; the
    range the description names counts too ("period_start: Start of the flight", "Date the
    schedule begins"), and airing is scheduled in flights ("first_air_date")."""
    out = []
    own = " ".join(w for w in nw if w not in ROLE | BARE)      # "first_air_date": "air"
    subjects = ([own] if own else []) + \
        [p for p in core[1:] if len(p.split()) <= 2 and not set(p.split()) & (ROLE | BARE)] + \
        [m for m in RANGE_VERB.findall((description or "").lower()) if m not in FILLER | BARE]
    if words & (BROADCAST | ADVERTISING):
        subjects.append("flight")
    for subject in dict.fromkeys(subjects):
        out.append(subject)
        if subject.split()[-1] not in ("dates", "period", "date"):
            out += [f"{subject} {end}" for end in ("dates", "period", "date")]
    return out


def _own_name(nw: list[str], kind: str) -> list[str]:
    """The field's own name as each language prints it, before any synonym ("N° du compte" is
    the account number, "N° client" the customer number that idioms take it for); an id's name
    is the number of its last word ("account_id", "customer_account": the account number)."""
    full = [ABBREVIATIONS.get(w, w) for w in _before_preposition(nw)]   # "acct": the account
    own = full[-2:] if len(full) >= 2 else []
    if kind == "id" and full and full[-1] not in GENERIC | set(ID_WORDS):
        own = [full[-1], "number"]
    elif kind == "id" and len(full) >= 2 and full[-1] in GENERIC | set(ID_WORDS):
        own = [full[-2], "number"]
    return _say(*own) if own and own[0] not in GENERIC else []


def _translated(word: str, first_only: bool = False) -> list[str]:
    return [v for lang in LANGS[1:] for v in TERMS.get(word, {}).get(lang, ())[:1 if first_only
                                                                                else None]]


@lru_cache(maxsize=1024)
def infer_labels(name: str, kind: str, description: str = "") -> tuple[str, ...]:
    """The labels to look for next to a field's value, most specific first."""
    # a preposition stays in the name ("total_including_vat" is printed "Total including VAT";
    # without it, "total vat" would be the VAT total's label)
    name_phrase = " ".join(w for w in _words(name.replace("_", " "))
                           if w not in FILLER - ROLE - PREPOSITIONS)
    whole = " ".join(_words(name.replace("_", " ")))
    if whole != name_phrase and whole in IDIOM_LABELS:    # "pay_by" is "Pay by", not "pay"
        name_phrase = whole
    nw = name_phrase.split()
    core, ranged = _core_phrases(name_phrase, kind, description)
    words, name_words, party, named = _idiom_words(name_phrase, kind, description, core)
    if kind == "text":   # a party's labels name the party, not its account number
        core += party    # the party the field names otherwise ("vendor": the seller), its labels
        # forms print a party's name as "Name:" under its heading ("Verkäufer" / "Name: ...")
        core += [f"{p} name" for p in sorted(named & PARTIES) if f"{p} name" not in core]
    out: list[str] = list(core) + (_range_subjects(nw, core, description, words) if ranged
                                   else []) + _own_name(nw, kind)
    # a date that is due is no document's date, though the bill is named ("Deadline for paying
    # this bill"): the document-date idioms and titles do not apply to it
    due = kind == "date" and ({"due", "date"} <= words or ranged)   # a range end: no doc date
    for trigger, labels in IDIOMS:
        if due and "date" in trigger and trigger & DOCUMENT_DATE:
            continue
        if trigger <= words and (len(trigger) > 1 or trigger <= name_words or
                                 not trigger & NAME_ONLY):
            out += labels
    if kind == "id" and len(nw) >= 2 and nw[-1] in GENERIC:   # "Account: 123", "Compte : 123"
        out += [v for lang in LANGS
                for v in TERMS.get(nw[-2], {}).get(lang, (nw[-2],) if lang == "en" else ())[:2]]
    for p in core:
        w = _before_preposition(p.split())
        if len(w) >= 2:
            out += _say(w[-2], w[-1])
    for p in core:      # the head noun alone ("advertiser", "provider"): weakest
        w = _before_preposition(p.split())     # "amount before tax": the amount, not the tax
        h = w[-2] if len(w) >= 2 and w[-1] == "name" else w[-1]   # "seller name": the seller
        if h not in GENERIC | FILLER and (len(w) > 1 or p == name_phrase or p in party):
            out += [h] + _translated(h)
    if kind in ("money", "number"):     # "Total", "Gross": an amount's label is often one word
        for w in ("total", "gross", "net", "balance"):
            if w in words:
                out += [w] + _translated(w, first_only=True)
    if kind in ("date", "id") and words & DOCUMENT_DATE and not due:   # beside the document's title
        out += list(TITLES)                                # ("Invoice 4711", "Rechnung vom ...")
    # whatever its subject, a range is printed as a period, at the last ("Période du ... au"); not
    # the English "Period" alone: ad orders print it for other things (adbuy 0.858 -> 0.853)
    if ranged:
        out += _translated("period")
    return tuple(dict.fromkeys(lab for lab in (" ".join(x.split()) for x in out) if lab)
                 )[:MAX_LABELS]


@lru_cache(maxsize=20000)
def label_tokens(text: str) -> tuple[str, ...]:
    """A printed label's words, lower-case, without dots and parenthesised hints."""
    text = text.lower().replace("'s", "").replace(".", "")   # "I.D." -> "id", "No." -> "no"
    bare = re.sub(r"\([^)]*\)?", " ", text)   # "(incl. VAT)", "(Last Name, First)" only explain
    return tuple(re.findall(r"[^\W_]+", bare if re.search(r"[^\W_]", bare) else text))
