"""Name candidates: a page's lines -> the names printed across two lines of one block and the
sender's name at the head of a sender line, for text fields (the candidates stage's cells give
the rest); and which names head a postal address block (`mark_address_heads`)."""
from __future__ import annotations

import re

from extractors.locate import settings
from extractors.locate.page_index import LEGAL_FORM, PageIndex, make_candidate
from extractors.locate.roles import party
from extractors.types import COLUMN_GAP, Candidate, FieldSpec, Page


def name_candidates(page: Page, idx: PageIndex, spec: FieldSpec) -> list[Candidate]:
    out = _joined_lines(page, idx, spec) + _sender_segments(page, idx, spec)
    if party(tuple(spec.labels), spec.description) == "issuer":
        out += _payee_names(page, idx, spec)
    return out


# a sentence naming who is paid ("make checks payable to Con Edison", "à l'ordre de X"): the
# issuer of a bill, printed without a label
PAYEE = re.compile(r"(?:payable to|remit(?:tance)? to|pay to the order of|made out to|"
                   r"zahlbar an|zugunsten|à l'ordre de|a favor de|a favore di|ten gunste van)"
                   r"\s*:?\s+((?:[A-Z][\w&'.-]*\s?){1,6})", re.I)


def _payee_names(page: Page, idx: PageIndex, spec: FieldSpec) -> list[Candidate]:
    out = []
    for m in PAYEE.finditer(page.text):
        name = re.split(r"\.\s|\n", m.group(1))[0].strip(" .,")
        words = name.split()
        while words and words[-1].lower() in ("and", "at", "or", "by", "in", "on", "for"):
            words.pop()
        name = " ".join(words)
        if len(name) < 3 or len(name) > spec.max_length:
            continue
        start = m.start(1)
        c = make_candidate(page, idx, start, start + len(name), name, name)
        if c:
            c.flags.add("payee")
            out.append(c)
    return out


# words printed before a recipient's name ("Herrn", "Mrs.", "Attn:")
SALUTATION = re.compile(r"^(herrn?|frau|firma|an|mr|mrs|ms|miss|dr|monsieur|madame|mme|m|attn|"
                        r"attention|z\.?\s?hd|to)\b\.?:?(\s|$)", re.I)
NAME_LINE = re.compile(r"^[^\W\d_][^\d:@/]{1,60}$")


def _joined_lines(page: Page, idx: PageIndex, spec: FieldSpec) -> list[Candidate]:
    """A name printed on two lines of one block ("Nordlicht Gegenseitige" / "Versicherungsverein
    Beispielstadt a.G."): a short first line joined with the next line when both are whole lines
    of letters (no digits, no label colon), start at the same left edge and sit one line apart."""
    out = []
    for li in range(len(idx.lines) - 1):
        a, b = idx.lines[li].strip(), idx.lines[li + 1].strip()
        if not (NAME_LINE.match(a) and NAME_LINE.match(b)) or COLUMN_GAP in a + b:
            continue
        if len(a.split()) > 3 or LEGAL_FORM.search(a) or SALUTATION.match(a) or len(a) + len(b) + 1 > spec.max_length:
            continue
        wa, wb = idx.by_line.get(li), idx.by_line.get(li + 1)
        if not wa or not wb or \
                abs(min(w.x0 for w in wa) - min(w.x0 for w in wb)) > 0.5 * idx.line_height:
            continue
        if min(w.top for w in wb) - max(w.bottom for w in wa) > 0.6 * idx.line_height:
            continue   # a gap: two blocks
        start = idx.line_starts[li] + idx.lines[li].index(a)
        end = idx.line_starts[li + 1] + idx.lines[li + 1].index(b) + len(b)
        text = page.text[start:end]
        c = make_candidate(page, idx, start, end, f"{a}\n{b}", text)
        if c:
            c.label_left = ""
            c.flags.add("joined")
            out.append(c)
    return out


SENDER_SEP = re.compile(r"\s+(?:[|·•●▪◆∙–]|-)\s+|\s*[|·•●▪◆∙]\s*")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[- ]?)?\d{4,5}\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")


def _sender_segments(page: Page, idx: PageIndex, spec: FieldSpec) -> list[Candidate]:
    """The sender line printed above a window envelope's address, or a letterhead/footer line
    ("Beispiel GmbH | Hauptstraße 1 | 10115 Berlin", "Le Petit Atelier SARL - 12 rue des
    Lilas - 69001 Lyon"): its first segment is the sender's name."""
    out = []
    for li, line in enumerate(idx.lines):
        for cell in re.finditer(r"\S(?:.*?\S)?(?=" + COLUMN_GAP + "|$)", line):
            c = _sender_segment(page, idx, spec, idx.line_starts[li] + cell.start(), cell.group())
            if c:
                out.append(c)
    return out


def _sender_segment(page: Page, idx: PageIndex, spec: FieldSpec, at: int, cell: str):
    parts = SENDER_SEP.split(cell)
    if len(parts) < 3 or not POSTCODE.search(cell):
        return None
    name = parts[0].strip(" ,")
    if not NAME_LINE.match(name) or len(name) > spec.max_length or len(name.split()) > 6:
        return None
    start = at + cell.index(name)
    c = make_candidate(page, idx, start, start + len(name), name, name)
    if c:
        c.flags.add("sender_line")
    return c


IN_CARE_OF = re.compile(r"(?:c/o|c\.o\.|care of|z\.\s?hd\.?|à l'attention|attn\.?)\s", re.I)
# the line of a postal address with its postcode and town: "12345 Stadthausen", "CH-1226 THONEX",
# "F-75000 Paris", "New York, NY 10116-1702", "London SW1A 1AA", "Toronto ON M5V 2T6"
POSTAL_LINE = re.compile(
    r"^(?:[A-Z]{1,2}-)?\d{4,5}\s+[^\W\d_]|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|"
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")


def mark_address_heads(page: Page, idx: PageIndex, cands: list[Candidate]) -> None:
    """Flag `address_head` on a page's name candidates printed first in a postal address block:
    the cells below them in the same column (up to settings.ADDRESS_BLOCK_LINES lines) reach a
    postcode-and-town line ("Theodor Est / Bahnstr. 42 / 88802 Spielkreis"). A document
    addresses its recipient that way, without a label."""
    starts: dict[int, list] = {}
    for w in page.words:
        starts.setdefault(w.line, []).append(w)
    for c in cands:
        if c.page != page.number or any(ch.isdigit() for ch in c.text) or POSTAL_LINE.search(c.text) \
                or IN_CARE_OF.match(c.text) or PAYEE.search(c.line):
            continue   # "c/o Station": an address line; "Remit to X": the payee's block
        li, below = idx.line_of(c.start), 0
        for j in range(li + 1, min(li + 1 + settings.ADDRESS_SCAN_LINES, len(idx.lines))):
            head = [w for w in starts.get(j, ()) if abs(w.x0 - c.bbox[0]) <= settings.ADDRESS_COLUMN_TOL]
            if not head:
                continue   # a line of another column, printed between the block's lines
            below += 1
            if below > settings.ADDRESS_BLOCK_LINES:
                break
            cell = page.text[head[0].start:].split("\n", 1)[0].split(COLUMN_GAP, 1)[0]
            if POSTAL_LINE.search(cell):
                c.flags.add("address_head")
                break
    senders = {str(c.value).casefold() for c in cands if "sender_line" in c.flags}
    for c in cands:
        if "sender_line" not in c.flags and str(c.value).casefold() in senders:
            c.flags.add("issuer_echo")   # the sender line's name printed again: the issuer's
