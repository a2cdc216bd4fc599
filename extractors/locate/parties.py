"""Party names in sentences: a page's text -> the names of the companies and persons a contract
is made between, each with its span and how strongly its sentence says it is a party.

Contracts name their parties in the opening sentence ("... by and between Acme Corp., a Delaware
corporation (the "Company"), and John Smith ("Executive")", "among A, B and C") and give each a
defined term in parentheses; company names end in a legal form (Inc., LLC, GmbH ...). Names keep
their printed form (legal form included); a defined role alone ("the Company") is no name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_FORMS = ("Inc Incorporated Corp Corporation Co Company LLC L.L.C Ltd Limited LP L.P LLP L.L.P PLC "
          "plc N.A S.A AG GmbH N.V B.V S.p.A SE Pte Pty PC P.C Trust Bancorp Bank Group Holdings "
          "Partners Fund Association AS ASA AB Oy SpA SARL SAS KG").split()
# printed as listed or in capitals ("INC."), never in lower case ("a Florida corporation")
LEGAL_FORM = "(?:" + "|".join(sorted({re.escape(f) for f in _FORMS} | {re.escape(f.upper()) for f in _FORMS},
                                     key=len, reverse=True)) + r")\.?"
_TOKEN = r"(?:[A-Z0-9][\w’'&.\-]*[\w.&]|[A-Z0-9]\.?|&)"
_S = r"(?:[ \t]{1,2}|\n)"     # a space inside a name (three or more: a gap between columns)
_JOIN = rf"(?:{_S}(?:(?:and|of|for|de|du|la|the|&|von|van|der){_S})?|{_S}?&{_S}?|-)"
NAME = re.compile(rf"(?:The{_S}|THE{_S})?{_TOKEN}(?:{_JOIN}{_TOKEN}){{0,7}}"
                  rf"(?:,{_S}{_TOKEN}{_S}(?:and|AND|&){_S}(?:Co|CO)\.?|(?:,{_S}?|{_S}){LEGAL_FORM})?(?![\w])")
LEGAL_END = re.compile(rf"(?:^|[\s,]){LEGAL_FORM}$")
# words that are no name on their own, or that no name begins with
ROLES = frozenset(
    "company corporation employee executive employer consultant recipient discloser disclosing "
    "receiving party parties buyer seller purchaser investor contractor vendor supplier customer "
    "client bank lender borrower licensor licensee holder member director officer agent parent "
    "you we us our undersigned individual partnership affiliate affiliates representatives "
    "subsidiary subsidiaries each either both other all such any said".split())
NOT_NAMES = frozenset(
    "this that these the agreement confidential information whereas now therefore section "
    "exhibit article schedule witnesseth recitals background date dated effective between by and "
    "among in of for to with as if it on at from or state commonwealth laws law united states "
    "mutual non-disclosure nondisclosure confidentiality employment transaction evaluation "
    "material name title signature address notices attention attn email telephone fax board chief "
    "either neither "
    "delaware new york california nevada texas county city district court courts".split())
# last words of defined things that are no party ("the Merger Agreement", "Board of Directors")
THINGS = frozenset(
    "agreement agreements plan plans act acts date period information transaction transactions "
    "policy program programme committee board directors code rules notes stock shares securities "
    "material materials services products business restructuring amendment exhibit schedule "
    "section article letter order law laws officer officers personnel employees hospitals "
    "defendant plaintiff".split())
# words that only say what kind of company ("a Limited Partnership", "Delaware corporation")
FORM_WORDS = frozenset({f.lower().rstrip(".") for f in _FORMS} | {
    "partnership", "liability", "general", "public", "private", "joint", "stock", "open",
    "closed", "limited", "company", "corporation", "the"})
# the opening sentence's words that introduce the parties, and how much each says
PARTY_CUES = [
    (re.compile(r"\bparties\s*:\s*", re.I), 1.0),
    (re.compile(r"\bby\s+and\s+(?:between|among)\s+", re.I), 1.0),
    (re.compile(r"\b(?:between|among)\s+(?:and\s+(?:among|between)\s+)?", re.I), 0.9),
    (re.compile(r"\b(?:entered\s+into|made|executed)\s+by\s+", re.I), 0.8),
    (re.compile(r"\b(?:agreement|nda)\b[^.]{0,60}?\bwith\s+", re.I), 0.45),
    (re.compile(r"(?<![\w.])I,\s+"), 0.8),     # "I, Andrew Prozes, have executed this Agreement"
]
# an opening sentence speaks of the agreement being made (not "as between Company and myself")
OPENING = re.compile(r"\b(?:agreement|nda|contract|memorandum|letter)\b.{0,200}?\b(?:is|are|was|"
                     r"shall\s+be|made|entered|dated|executed|effective)\b|\b(?:made|entered\s+into|"
                     r"dated|executed)\b|\bparties\s*:|(?<![\w.])I,\s", re.I | re.S)
# defined terms that name a party's role in a contract ("the Company", "Recipient", "you")
PARTY_ROLES = frozenset(
    "company employee executive employer consultant contractor recipient discloser disclosing "
    "receiving party counterparty buyer seller purchaser investor acquirer bidder you undersigned "
    "director licensor licensee supplier vendor customer client partner member officer "
    "individual parent bank lender borrower holder shareholder stockholder advisor adviser "
    "agent provider owner landlord tenant sponsor obligor guarantor".split())
DEFINED = re.compile(r"\(\s*(?:(?:each|collectively|together)\s*,?\s+)?(?:herein(?:after)?\s+|"
                     r"referred\s+to\s+|called\s+|individually\s+|hereinafter\s+)*(?:referred\s+"
                     r"to\s+)?(?:as\s+)?(?:the\s+|a\s+)?[“\"'‘”]{1,2}\s*[A-Z]", re.I)
DESCRIPTOR = re.compile(r"^\s*(?:,\s*(?:an?|its|including|together|acting|on\s+behalf|having|"
                        r"with|whose|located|organi[sz]ed|incorporated|of)\b[^()]{0,160}?)?\s*,?\s*$")


@dataclass
class PartyName:
    start: int
    end: int
    name: str
    score: float
    cue: str


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a NAME match to a name: no trailing punctuation (a legal form keeps its period),
    no lone role or sentence word, no placeholder."""
    s = text[start:end]
    while s and s[-1] in ",;:-'’":
        s, end = s[:-1], end - 1
    if s.endswith(".") and not LEGAL_END.search(s) and not re.search(r"\b[A-Z]\.$", s):
        s, end = s[:-1], end - 1
    poss = re.search(r"[’']s?$", s)
    if poss:     # "NIKE’s payroll": the name without its possessive
        s, end = s[:poss.start()], end - len(poss.group())
    words = [w.strip(".,&'’").lower() for w in s.split()]
    words = [w for w in words if w]
    if not words or all(w in ROLES | NOT_NAMES or w in ("the", "and", "of", "&") for w in words):
        return None
    if words[-1] in THINGS or re.fullmatch(LEGAL_FORM, s.strip()) or set(words) <= FORM_WORDS:
        return None
    if words[0] in NOT_NAMES - {"the", "united", "new"} or len(s) < 3:
        return None
    if sum(ch.isalpha() for ch in s) < 3 or sum(ch.isdigit() for ch in s) > 2:
        return None
    return start, end


def _split_caps_and(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An all-caps run "ACME CORP. AND JOHN SMITH" is two names ("SEARS, ROEBUCK AND CO." one)."""
    s = text[start:end]
    parts, at = [], start
    for m in re.finditer(r"\s+AND\s+", s):
        rest = s[m.end():]
        if re.match(rf"{LEGAL_FORM}\s*$", rest) or m.start() == 0:
            continue
        parts.append((at, start + m.start()))
        at = start + m.end()
    parts.append((at, end))
    return parts


def _names_in(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out = []
    for m in NAME.finditer(text, lo, hi):
        for a, b in _split_caps_and(text, m.start(), m.end()):
            got = _clean(text, a, b)
            if got:
                out.append(got)
    return out


def _next_party(text: str, pos: int, hi: int) -> int | None:
    """From the end of one party's name, past its descriptor (", a Delaware corporation, with
    offices at ... (the "Company")"), to where the next party's name begins, or None."""
    depth, i = 0, pos
    limit = min(hi, pos + 600)
    while i < limit:
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif depth == 0:
            m = re.match(r"(?:,|;)?\s+(?:and|AND|&)\s+|;\s+|,\s+(?=[A-Z][^,()]{1,60}?,?\s+"
                         rf"{LEGAL_FORM}[\s,(])", text[i:limit])
            if not m and i > pos and text[i - 1] == ")":   # "Mark G. Parker (EMPLOYEE) NIKE, Inc."
                m = re.match(r"\s+(?=[A-Z])", text[i:limit])
            if m and (i == pos or not text[i - 1].isalnum() or text[i] in ",;"):
                return i + m.end()
        i += 1
    return None


def _split_last_and(text: str, found: list[PartyName]) -> list[PartyName]:
    """One name "A Corp and B Enterprises" read where two were named: split at its last "and"
    (not "Sears, Roebuck and Co.")."""
    if len(found) != 1:
        return found
    p = found[0]
    m = None
    for m in re.finditer(r"\s+(?:and|AND)\s+(?=[A-Z])", p.name):
        pass
    if m is None or re.match(rf"{LEGAL_FORM}\s*$", p.name[m.end():]):
        return found
    a = PartyName(p.start, p.start + m.start(), p.name[:m.start()], p.score, p.cue)
    b = PartyName(p.start + m.end(), p.end, p.name[m.end():], p.score, p.cue)
    return [a, b]


def opening_parties(text: str, lo: int, hi: int) -> list[PartyName]:
    """The parties a sentence text[lo:hi] names after "by and between", "among", "made by"..."""
    if not OPENING.search(text, lo, hi):
        return []
    for rx, weight in PARTY_CUES:
        m = rx.search(text, lo, hi)
        if not m:
            continue
        out, pos = [], m.end()
        while pos is not None and len(out) < 8:
            nm = NAME.match(text, pos, hi)
            got = None
            if nm:
                spans = _split_caps_and(text, nm.start(), nm.end())
                for a, b in spans[:-1]:
                    if _clean(text, a, b):
                        out.append(PartyName(a, b, text[a:b], weight, m.group().strip()))
                got = _clean(text, *spans[-1])
            if got:
                out.append(PartyName(got[0], got[1], text[got[0]:got[1]], weight, m.group().strip()))
            pos = _next_party(text, got[1] if got else pos, hi)
        if out:
            return _split_last_and(text, out) if weight >= 0.9 else out
    return []


def defined_parties(text: str, lo: int, hi: int, weight: float) -> list[PartyName]:
    """Names given a defined term: `Acme Corp., a Delaware corporation (the "Company")`."""
    out = []
    for m in DEFINED.finditer(text, lo, hi):
        window_lo = max(lo, m.start() - 220)
        names = _names_in(text, window_lo, m.start())
        term = re.match(r"[^“\"'‘”]*[“\"'‘”]{1,2}\s*([^“\"'‘”)]{1,40})", text[m.start():m.start() + 80])
        alias = term.group(1).strip().lower() if term else ""
        for a, b in reversed(names):
            if DESCRIPTOR.match(text[b:m.start()]):
                out.append(PartyName(a, b, text[a:b], weight + _alias_weight(text[a:b], alias),
                                     "defined term"))
                break
    return out


def _alias_weight(name: str, alias: str) -> float:
    """A defined term that names a party's role ("the Company") or is the name's own short form
    ("Intel", "CEDC") says a party is being named; any other ("the Board") does not."""
    words = re.findall(r"[a-z]+", alias)
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()).lower()
    own = set(re.findall(r"[a-z]+", name.lower()))
    if (words and words[-1] in PARTY_ROLES) or (words and set(words) <= own) or \
            (alias and alias.replace(" ", "") == initials):
        return 0.0
    return -0.25 if not LEGAL_END.search(name) else -0.1


def legal_names(text: str, lo: int, hi: int, weight: float) -> list[PartyName]:
    """Company names ending in a legal form anywhere in text[lo:hi]."""
    return [PartyName(a, b, text[a:b], weight, "legal form") for a, b in _names_in(text, lo, hi)
            if LEGAL_END.search(text[a:b])]


SIGN_OFF = re.compile(r"in\s+witness\s+whereof|very\s+truly\s+yours|sincerely|(?:accepted|agreed|"
                      r"confirmed|acknowledged)(?:\s*(?:and|&)\s*(?:accepted|agreed|confirmed|"
                      r"acknowledged))?\s+(?:to\s+)?(?:as\s+of|by|:)|/s/", re.I)
SIGNED = re.compile(r"/s/[ \t]*((?:[A-Z][\w’'.\-]*\.?[ ]?){2,5})")
ROLE_CELL = re.compile(r"^\s*(?:the\s+)?(" + "|".join(sorted(PARTY_ROLES)) + r"|associate)\s*:?\s*$",
                       re.I)


def _is_officer(text: str, at: int) -> bool:
    """A "/s/" signature made "By:" someone for a company (not a party signing for itself)."""
    line_start = text.rfind("\n", 0, at) + 1
    cell = text[line_start:at].split("   ")
    before = [c.strip() for c in cell if c.strip()]
    prev_line = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:line_start].strip()
    return bool((before and re.search(r"\bby\b\s*:?\s*$", before[-1], re.I)) or
                re.search(r"\bby\s*:?\s*$", prev_line, re.I))


SALUTATION = re.compile(r"\bDear\s+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?([A-Z][\w’'\-]+)\s*[:,]")


def addressee(text: str, weight: float) -> list[PartyName]:
    """A letter's addressee ("Craig W. Ashmore" / address / "Dear Mr. Ashmore:"): the name line
    above the salutation that holds its name."""
    m = SALUTATION.search(text)
    if not m:
        return []
    lo = max(0, m.start() - 400)
    for line in reversed(list(re.finditer(r"[^\n]+", text[lo:m.start()]))):
        s = lo + line.start() + (len(line.group()) - len(line.group().lstrip()))
        got = NAME.fullmatch(text, s, lo + line.end()) or None
        if got and re.search(rf"\b{re.escape(m.group(1))}\b", got.group()):
            span = _clean(text, got.start(), got.end())
            if span and not LEGAL_END.search(text[span[0]:span[1]]):
                return [PartyName(span[0], span[1], text[span[0]:span[1]], weight, "addressee")]
    return []


def signature_parties(text: str, company: float, person: float) -> list[PartyName]:
    """The signature blocks after "IN WITNESS WHEREOF", "Very truly yours", "Accepted and
    agreed": company names above their "By:" lines, and persons who sign for themselves
    ("/s/ Eric Dean Sprunk", not "By: /s/ ...", or a name beside a role: "EMPLOYEE: Adrian Adams")."""
    out: list[PartyName] = []
    starts = [m.start() for m in SIGN_OFF.finditer(text)]
    if not starts:
        return out
    lo = starts[0]
    for a, b in _names_in(text, lo, len(text)):
        if LEGAL_END.search(text[a:b]) and re.match(r"\s*(?:,|\n|   |$)", text[b:b + 3]):
            following = text[b:b + 120]
            if re.search(r"\bby\b\s*:?", following, re.I):
                out.append(PartyName(a, b, text[a:b], company, "signature"))
    for m in SIGNED.finditer(text, lo):
        got = _clean(text, m.start(1), m.start(1) + len(m.group(1).rstrip()))
        if got and not _is_officer(text, m.start()) and not LEGAL_END.search(text[got[0]:got[1]]):
            out.append(PartyName(got[0], got[1], text[got[0]:got[1]], person, "signature"))
    for li in re.finditer(r"[^\n]+", text[lo:]):
        cells = [c for c in li.group().split("   ") if c.strip()]
        for role, name in zip(cells, cells[1:]):
            if ROLE_CELL.match(role) and re.fullmatch(r"\s*(?:[A-Z][\w’'.\-]*\.?\s?){2,5}", name):
                s = lo + li.start() + li.group().index(name) + (len(name) - len(name.lstrip()))
                got = _clean(text, s, s + len(name.strip()))
                if got:
                    out.append(PartyName(got[0], got[1], text[got[0]:got[1]], person, "signature"))
    return out
