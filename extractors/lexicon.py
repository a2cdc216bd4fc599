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

LANGS = ("en", "de", "fr", "es", "pt", "it", "nl")
# English word -> how each language prints it in a label. German and Dutch entries are the forms
# that begin compounds ("rechnungs" + "nummer"); the first form of each language is its main one.
TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "number": {"en": ("number", "no", "#", "num", "nr"), "de": ("nummer", "nr"),
               "fr": ("numéro", "n°", "no"), "es": ("número", "nº", "no", "núm"),
               "pt": ("número", "nº", "n°"), "it": ("numero", "n", "nr"), "nl": ("nummer", "nr")},
    "date": {"en": ("date",), "de": ("datum",), "fr": ("date",), "es": ("fecha",),
             "pt": ("data",), "it": ("data",), "nl": ("datum",)},
    "invoice": {"en": ("invoice", "inv", "bill"), "de": ("rechnungs", "rechnung", "beleg"),
                "fr": ("facture",), "es": ("factura",), "pt": ("fatura",), "it": ("fattura",),
                "nl": ("factuur",)},
    "bill": {"en": ("bill", "billing", "invoice", "statement"), "de": ("rechnungs", "rechnung"),
             "fr": ("facture",), "es": ("factura",), "pt": ("fatura", "conta"),
             "it": ("fattura", "bolletta"), "nl": ("factuur", "nota")},
    "statement": {"en": ("statement", "stmt", "bill", "billing"), "de": ("abrechnungs", "rechnungs"),
                  "fr": ("relevé", "facture"), "es": ("extracto", "factura"),
                  "pt": ("extrato", "fatura"), "it": ("estratto", "fattura"),
                  "nl": ("afschrift", "factuur")},
    "account": {"en": ("account", "acct", "acc", "customer"), "de": ("kunden", "konto", "vertrags"),
                "fr": ("compte", "client"), "es": ("cuenta", "cliente"), "pt": ("conta", "cliente"),
                "it": ("conto", "cliente"), "nl": ("klant", "rekening")},
    "customer": {"en": ("customer", "client", "buyer"), "de": ("kunden", "kunde"),
                 "fr": ("client",), "es": ("cliente",), "pt": ("cliente",), "it": ("cliente",),
                 "nl": ("klant",)},
    "buyer": {"en": ("buyer", "customer", "client"), "de": ("käufer", "kunde"),
              "fr": ("acheteur", "client"), "es": ("comprador", "cliente"),
              "pt": ("comprador", "cliente"), "it": ("acquirente", "cliente"),
              "nl": ("koper", "klant")},
    "seller": {"en": ("seller", "supplier", "vendor"), "de": ("verkäufer", "lieferant"),
               "fr": ("vendeur", "fournisseur"), "es": ("vendedor", "proveedor"),
               "pt": ("vendedor", "fornecedor"), "it": ("venditore", "fornitore"),
               "nl": ("verkoper", "leverancier")},
    "supplier": {"en": ("supplier", "vendor", "seller"), "de": ("lieferant",),
                 "fr": ("fournisseur",), "es": ("proveedor",), "pt": ("fornecedor",),
                 "it": ("fornitore",), "nl": ("leverancier",)},
    "provider": {"en": ("provider", "supplier", "utility"), "de": ("versorger", "lieferant"),
                 "fr": ("fournisseur",), "es": ("proveedor",), "pt": ("fornecedor",),
                 "it": ("fornitore",), "nl": ("leverancier",)},
    "total": {"en": ("total",), "de": ("gesamt", "summe"), "fr": ("total", "montant total"),
              "es": ("total", "importe total"), "pt": ("total", "valor total"),
              "it": ("totale", "importo totale"), "nl": ("totaal",)},
    "amount": {"en": ("amount", "amt"), "de": ("betrag",), "fr": ("montant",),
               "es": ("importe",), "pt": ("valor",), "it": ("importo",), "nl": ("bedrag",)},
    "due": {"en": ("due", "payable"), "de": ("fälligkeits", "fällig", "zahlbar"),
            "fr": ("échéance",), "es": ("vencimiento",), "pt": ("vencimento",),
            "it": ("scadenza",), "nl": ("verval",)},
    "payment": {"en": ("payment", "pay"), "de": ("zahlungs", "zahlung"), "fr": ("paiement",),
                "es": ("pago",), "pt": ("pagamento",), "it": ("pagamento",), "nl": ("betaling",)},
    "issue": {"en": ("issue", "invoice", "bill"), "de": ("ausstellungs", "rechnungs"),
              "fr": ("émission", "facture"), "es": ("emisión", "factura"),
              "pt": ("emissão", "fatura"), "it": ("emissione", "fattura"), "nl": ("factuur",)},
    "period": {"en": ("period", "cycle"), "de": ("zeitraum",), "fr": ("période",),
               "es": ("periodo", "período"), "pt": ("período",), "it": ("periodo",),
               "nl": ("periode",)},
    "billing": {"en": ("billing", "service", "bill"), "de": ("abrechnungs", "leistungs"),
                "fr": ("facturation",), "es": ("facturación",), "pt": ("faturamento",),
                "it": ("fatturazione",), "nl": ("facturatie",)},
    "service": {"en": ("service", "billing"), "de": ("leistungs",), "fr": ("service",),
                "es": ("servicio",), "pt": ("serviço",), "it": ("servizio",), "nl": ("dienst",)},
    "contract": {"en": ("contract", "order", "agreement"), "de": ("vertrags", "auftrags"),
                 "fr": ("contrat", "commande"), "es": ("contrato", "pedido"),
                 "pt": ("contrato", "pedido"), "it": ("contratto", "ordine"),
                 "nl": ("contract", "order")},
    "order": {"en": ("order", "po", "contract"), "de": ("bestell", "auftrags"),
              "fr": ("commande",), "es": ("pedido",), "pt": ("pedido",), "it": ("ordine",),
              "nl": ("order", "bestel")},
    "reference": {"en": ("reference", "ref"), "de": ("referenz",), "fr": ("référence",),
                  "es": ("referencia",), "pt": ("referência",), "it": ("riferimento",),
                  "nl": ("referentie",)},
    "gross": {"en": ("gross",), "de": ("brutto",), "fr": ("brut", "ttc"), "es": ("bruto",),
              "pt": ("bruto",), "it": ("lordo",), "nl": ("bruto",)},
    "net": {"en": ("net",), "de": ("netto",), "fr": ("net", "ht"), "es": ("neto",),
            "pt": ("líquido",), "it": ("netto",), "nl": ("netto",)},
    "currency": {"en": ("currency",), "de": ("währung",), "fr": ("devise", "monnaie"),
                 "es": ("moneda", "divisa"), "pt": ("moeda",), "it": ("valuta",),
                 "nl": ("valuta",)},
    "tax": {"en": ("tax", "vat"), "de": ("steuer", "mwst", "ust"), "fr": ("tva", "taxe"),
            "es": ("iva", "impuesto"), "pt": ("imposto", "iva"), "it": ("iva", "imposta"),
            "nl": ("btw",)},
    "start": {"en": ("start", "from", "begin"), "de": ("beginn", "von", "ab"),
              "fr": ("début", "du"), "es": ("inicio", "desde"), "pt": ("início", "de"),
              "it": ("inizio", "dal"), "nl": ("begin", "van")},
    "end": {"en": ("end", "to", "through", "thru"), "de": ("ende", "bis"), "fr": ("fin", "au"),
            "es": ("fin", "hasta"), "pt": ("fim", "até"), "it": ("fine", "al"),
            "nl": ("einde", "tot")},
    "effective": {"en": ("effective", "commencement"), "de": ("inkrafttreten",),
                  "fr": ("entrée en vigueur",), "es": ("vigencia",), "pt": ("vigência",),
                  "it": ("decorrenza",), "nl": ("ingangs",)},
    "term": {"en": ("term", "duration"), "de": ("laufzeit",), "fr": ("durée",),
             "es": ("duración", "plazo"), "pt": ("prazo", "duração"), "it": ("durata",),
             "nl": ("looptijd",)},
}
# whole labels documents print for common business fields, whatever the schema calls them;
# each applies when all of its trigger words are among the field's core words
IDIOMS: list[tuple[frozenset, tuple[str, ...]]] = [
    (frozenset({"due", "date"}), (
        "due date", "payment due date", "pay by", "payment due", "due by", "due on", "payable by", "please pay by", "due",
        "fällig am", "fällig bis", "zahlbar bis", "zahlungsziel", "fälligkeit",
        "date d'échéance", "échéance", "à payer avant le", "payable avant le",
        "fecha de vencimiento", "vencimiento", "pagar antes de", "data de vencimento",
        "vencimento", "pagar até", "data di scadenza", "scadenza", "pagare entro",
        "vervaldatum", "uiterste betaaldatum", "te betalen voor",
        # paid by direct debit: the day the amount is taken is when it is due
        "debited on", "deducted on", "direct debit on", "abbuchung am", "abbuchungsdatum",
        "prélevé le", "prélèvement le", "à partir du", "fecha de cargo", "data de débito",
        "data addebito", "incassodatum")),
    (frozenset({"amount", "due"}), (
        "amount due", "total due", "balance due", "total amount due", "please pay",
        "amount payable", "total to pay", "new balance", "current balance due",
        "zu zahlen", "zahlbetrag", "rechnungsbetrag", "offener betrag", "endbetrag",
        "montant à payer", "net à payer", "total à payer", "montant dû", "importe a pagar",
        "total a pagar", "valor a pagar", "total a pagar", "importo da pagare",
        "totale da pagare", "te betalen", "totaal te betalen", "openstaand bedrag",
        # paid by direct debit: the amount taken is the amount due
        "amount debited", "amount debited from your account", "will be debited", "automatically deducted", "direct debit amount",
        "abbuchungsbetrag", "wird abgebucht", "lastschriftbetrag", "montant prélevé",
        "montant prélevé de votre compte", "sera prélevé", "importe domiciliado", "cargo en cuenta", "valor debitado",
        "importo addebitato", "wordt afgeschreven")),
    (frozenset({"total", "tax"}), (
        "total", "grand total", "invoice total", "total amount", "amount due", "total due",
        "gesamtbetrag", "rechnungsbetrag", "bruttobetrag", "bruttosumme", "brutto",
        "gesamtsumme", "rechnungssumme", "endbetrag", "zahlbetrag", "summe brutto", "total ttc", "montant ttc", "montant total", "net à payer",
        "importe total", "total factura", "valor total", "total da fatura", "totale fattura",
        "importo totale", "totaal", "totaalbedrag", "te betalen")),
    (frozenset({"grand", "total"}), (
        "total", "invoice total", "total amount", "amount due", "gesamtbetrag",
        "rechnungsbetrag", "bruttobetrag", "bruttosumme", "brutto", "gesamtsumme",
        "rechnungssumme", "endbetrag", "zahlbetrag", "total ttc", "montant ttc", "montant total",
        "importe total", "valor total", "totale fattura", "totaalbedrag")),
    (frozenset({"issue", "date"}), (
        "invoice date", "date of issue", "date issued", "issued on", "date", "dated",
        "rechnungsdatum", "belegdatum", "ausstellungsdatum", "datum", "date de facture",
        "date d'émission", "fecha de emisión", "fecha de factura", "fecha", "data de emissão",
        "data da fatura", "data fattura", "data emissione", "factuurdatum", "datum")),
    (frozenset({"statement", "date"}), (
        "statement date", "bill date", "billing date", "date of bill", "as of", "invoice date",
        "date issued", "date", "rechnungsdatum", "datum", "date de facture", "date",
        "fecha de emisión", "fecha de factura", "data de emissão", "data fattura",
        "factuurdatum")),
    (frozenset({"bill", "date"}), (
        "bill date", "billing date", "statement date", "date of bill", "as of", "invoice date",
        "date",
        "rechnungsdatum", "date de facture", "fecha de factura", "data de emissão",
        "data fattura", "factuurdatum")),
    (frozenset({"invoice", "date"}), (
        "invoice date", "date", "dated", "rechnungsdatum", "belegdatum", "datum",
        "date de facture", "fecha de factura", "fecha", "data da fatura", "data fattura",
        "factuurdatum")),
    (frozenset({"invoice", "number"}), (
        "invoice no", "invoice #", "invoice number", "inv no", "inv #", "rechnungsnummer",
        "rechnungs-nr", "rechnung nr", "beleg-nr", "belegnummer", "numéro de facture",
        "facture n°", "n° de facture", "número de factura", "factura nº", "nº factura",
        "número da fatura", "fatura nº", "numero fattura", "fattura n", "factuurnummer",
        "factuur nr")),
    (frozenset({"account", "number"}), (
        "account no", "account #", "account number", "acct no", "acct #", "customer number",
        "customer no", "kundennummer", "kunden-nr", "vertragskonto", "kontonummer",
        "n° client", "numéro de client", "référence client", "número de cliente",
        "nº de cliente", "número de cuenta", "número do cliente", "codice cliente",
        "numero cliente", "klantnummer", "klantnr")),
    (frozenset({"billing", "period"}), (
        "billing period", "service period", "billing cycle", "period", "service from",
        "abrechnungszeitraum", "leistungszeitraum", "zeitraum", "période de facturation",
        "période", "periodo de facturación", "periodo", "período de faturamento",
        "periodo di fatturazione", "factuurperiode", "periode")),
    (frozenset({"currency"}), ("currency", "währung", "devise", "moneda", "moeda", "valuta")),
    (frozenset({"seller"}), ("from", "sold by", "issued by", "bill from", "rechnungsersteller",
                             "absender", "émetteur", "emisor", "emitente", "mittente")),
    (frozenset({"buyer"}), ("bill to", "billed to", "sold to", "invoice to", "recipient",
                            "rechnungsempfänger", "leistungsempfänger", "facturé à",
                            "facturar a", "faturar para", "fatturare a", "herrn", "herr", "frau",
                            "mr", "mrs", "ms", "monsieur", "madame")),
    (frozenset({"customer"}), ("bill to", "billed to", "sold to", "invoice to", "recipient",
                               "rechnungsempfänger", "leistungsempfänger", "facturé à",
                               "facturar a", "fatturare a", "herrn", "herr", "frau", "mr", "mrs",
                               "ms", "monsieur", "madame")),
    (frozenset({"provider"}), ("payable to", "remit to", "make checks payable to")),
]
# words a description uses that are not printed in labels
FILLER = frozenset(
    "the a an of for to by in on at with which who that this these its his her their our your "
    "customer's company's is are was be been being as e g eg i e ie like such how when where "
    "what must has have had it one its including incl".split())
# words that end a description's noun phrase ("Date the invoice was issued" -> "date")
BREAK = frozenset("the a an which who that when where whose was were is are will has have "
                  "must should can may if as be being been".split())
GENERIC = frozenset("number date amount name total num no nr # id day first last start end from to "
                    "begin through thru until".split())
BARE = frozenset("number date amount name total num no nr # id day first last".split())  # say
# nothing alone
# nouns that say what kind of thing a party is, not which: "Energy or water company" is no
# "energy" alone
KIND_NOUNS = frozenset("company companies firm business organization organisation entity party "
                       "person individual".split())
ROLE = frozenset("start end from to begin first last through thru until".split())
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
           "outstanding": ("due",), "gross": ("total",)}
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
            "issuing issued sending sends sent selling sells supplying supplied providing "
            "provides provided billing billed invoicing invoiced charging charged".split()),
        "buyer": frozenset("receiving receives received addressed".split())}
PARTIES = frozenset({"seller", "buyer", "customer", "provider"})
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


@lru_cache(maxsize=1024)
def infer_labels(name: str, kind: str, description: str = "") -> tuple[str, ...]:
    """The labels to look for next to a field's value, most specific first."""
    name_phrase = " ".join(w for w in _words(name.replace("_", " ")) if w not in FILLER - ROLE)
    core = [name_phrase] + _phrases_of(description)
    core += [" ".join(p.split()[-2:]) for p in core if len(p.split()) > 2] + \
        [" ".join(p.split()[:2]) for p in core if len(p.split()) > 2 and p.split()[1] not in BARE]
    core += [" ".join(p.split()[:-1]) for p in core     # "billing period start": "billing period"
             if len(p.split()) > 2 and p.split()[-1] in ROLE]
    # no phrase starts or ends with a preposition ("before tax", "amount before", "pay into")
    core = [p for p in core if p == name_phrase or not {p.split()[0], p.split()[-1]} & PREPOSITIONS]
    if kind == "id" and name_phrase.split()[-1] in ("num", "no", "nr", "id"):
        core.append(" ".join(name_phrase.split()[:-1] + ["number"]))
    nw = name_phrase.split()
    ranged = kind == "date" and len(nw) >= 2 and nw[-1] in ROLE
    if ranged:   # "Start date of the flight": "start date" would be any range's start
        core = [p for p in core if p == name_phrase or not set(p.split()) <= ROLE | BARE]
    words = _expanded(w for p in core for w in p.split())
    # an idiom also applies when the description says it outside its first noun phrase
    # ("Date payment is due.") or the field names the same concept otherwise ("vendor")
    words |= _expanded(w for w in _words(description) if w not in FILLER and w not in BREAK)
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
    core += party    # the party the field names otherwise ("vendor": the seller), its labels
    # forms print a party's name as "Name:" under its heading ("Verkäufer" / "Name: ...")
    core += [f"{p} name" for p in sorted(named & PARTIES) if f"{p} name" not in core]
    out: list[str] = []
    seen: set[str] = set()

    def add(label: str):
        label = " ".join(label.split())
        if label and label not in seen:
            seen.add(label)
            out.append(label)
    for p in core:
        add(p)
    if ranged:
        # "flight_from": one end of a range printed as "Flight Dates: 05/27/20 - 06/02/20"; the
        # range the description names counts too ("period_start: Start of the flight")
        subjects = [" ".join(nw[:-1])] + [p for p in core[1:] if len(p.split()) <= 2 and
                                          not set(p.split()) & (ROLE | BARE)]
        for subject in dict.fromkeys(subjects):
            add(subject)
            for end in ("dates", "period", "date"):
                if subject.split()[-1] not in ("dates", "period", "date"):
                    add(f"{subject} {end}")
    # the field's own name as each language prints it, before any synonym ("N° du compte" is the
    # account number, "N° client" the customer number that idioms take it for); an id's name is
    # the number of its last word ("account_id", "customer_account": the account number)
    full = [ABBREVIATIONS.get(w, w) for w in nw]     # "acct": the account
    own = full[-2:] if len(full) >= 2 else []
    if kind == "id" and full and full[-1] not in GENERIC | {"id"}:
        own = [full[-1], "number"]
    elif kind == "id" and len(full) >= 2 and full[-1] in GENERIC | {"id"}:
        own = [full[-2], "number"]
    if own and own[0] not in GENERIC:
        for lab in _say(*own):
            add(lab)
    for trigger, labels in IDIOMS:
        if trigger <= words and (len(trigger) > 1 or trigger <= name_words or
                                 not trigger & NAME_ONLY):
            for lab in labels:
                add(lab)
    if kind == "id" and len(nw) >= 2 and nw[-1] in GENERIC:   # "Account: 123", "Compte : 123"
        for lang in LANGS:
            for v in TERMS.get(nw[-2], {}).get(lang, (nw[-2],) if lang == "en" else ())[:2]:
                add(v)
    for p in core:
        w = _before_preposition(p.split())
        if len(w) >= 2:
            for lab in _say(w[-2], w[-1]):
                add(lab)
    for p in core:      # the head noun alone ("advertiser", "provider"): weakest
        w = _before_preposition(p.split())     # "amount before tax": the amount, not the tax
        h = w[-2] if len(w) >= 2 and w[-1] == "name" else w[-1]   # "seller name": the seller
        if h not in GENERIC and (len(w) > 1 or p == name_phrase or p in party):
            add(h)
            for lang in LANGS[1:]:
                for v in TERMS.get(h, {}).get(lang, ()):
                    add(v)
    if kind in ("money", "number"):     # "Total", "Gross": an amount's label is often one word
        for w in ("total", "gross", "net", "balance"):
            if w in words:
                add(w)
                for lang in LANGS[1:]:
                    for v in TERMS.get(w, {}).get(lang, ())[:1]:
                        add(v)
    if kind in ("date", "id") and words & DOCUMENT_DATE:   # printed beside the document's title
        for lab in TITLES:                                # ("Invoice 4711", "Rechnung vom ...")
            add(lab)
    return tuple(out[:MAX_LABELS])


@lru_cache(maxsize=20000)
def label_tokens(text: str) -> tuple[str, ...]:
    """A printed label's words, lower-case, without dots and parenthesised hints."""
    text = text.lower().replace("'s", "").replace(".", "")   # "I.D." -> "id", "No." -> "no"
    bare = re.sub(r"\([^)]*\)?", " ", text)   # "(incl. VAT)", "(Last Name, First)" only explain
    return tuple(re.findall(r"[^\W_]+", bare if re.search(r"[^\W_]", bare) else text))
