"""Review `fix`: a reviewer's field=value corrections -> typed values checked against the item's
schema, stored in the pending item's "review" block."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from extractors.decide.validate import validate_record
from extractors.errors import DocumentError, ExtractError
from extractors.fieldspecs import field_specs
from extractors.monitor.history import record_corrections
from extractors.normalize import CURRENCY_CODES, CURRENCY_SYMBOLS, parse_date
from extractors.review.queue import (Item, check_id, check_out, now_utc, default_reviewer,
                                     get_item, review_lock, shown)
from extractors.errors import ReviewError
from extractors.review.recover import recover
from extractors.types import FieldSpec
from extractors.write.files import write_json

# ----------------------------------------------------------------------------------------------
# schema and values

def schema_of(item: Item, schema_spec: str | None = None):
    """The schema the item was extracted with: --schema if given, else what the rejection
    records (a schema file path when the pipeline stores one, else the schema name)."""
    from schemas import load_schema
    spec = schema_spec or item.data.get("schema_source") or item.data.get("schema_path") \
        or item.data.get("schema")
    if not spec:
        raise ReviewError(f"item {item.id} does not say which schema it was extracted with: "
                          "pass --schema NAME|file.py")
    from schemas import REGISTRY
    if not schema_spec and spec not in REGISTRY and not str(spec).endswith(".py"):
        raise ReviewError(f"item {item.id} was extracted with the user schema '{spec}' and the "
                          "rejection does not say which file defines it: pass --schema "
                          "path/to/file.py")
    try:
        schema = load_schema(spec)
    except ExtractError as exc:
        raise ReviewError(str(exc)) from None
    recorded = item.data.get("schema_sha256")
    if not schema_spec and recorded and schema.sha256 and schema.sha256 != recorded:
        raise ReviewError(f"item {item.id}: the schema file {schema.source} changed since the "
                          "extraction (its SHA-256 differs); pass --schema to validate with it "
                          "as it is now")
    if item.data.get("schema") and schema.name != item.data["schema"]:
        raise ReviewError(f"item {item.id} was extracted with schema {item.data['schema']}, "
                          f"not {schema.name}")
    return schema


def parse_assignments(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in args:
        name, sep, value = a.partition("=")
        if not sep or not name.strip():
            raise ReviewError(f"expected field=value, got '{shown(a)}'")
        out[name.strip()] = value.strip()
    return out


# ----------------------------------------------------------------------------------------------
# amounts and dates as reviewers type them: strictly (a value that is not plainly an amount or
# a whole date is refused with its reason, never guessed)

_SPACE = "[ \u00a0\u202f]"
_CURRENCY = "[$€£¥]|[A-Za-z]{3}"
# the shapes printed amounts take: an optional sign or parentheses, an optional currency (symbol
# or ISO code) before or after, digits grouped by thousands (one separator: , . ' or a space)
# and a decimal part after the other separator ("1,234.56", "1.234,56", "1 234,56 €")
_AMOUNT_RX = re.compile(
    rf"(?P<open>\()?(?P<sign>[-+\u2212])?(?:(?P<cur1>{_CURRENCY}){_SPACE}?)?"
    rf"(?P<sign2>[-+\u2212])?"
    rf"(?P<num>(?P<grouped>[1-9]\d{{0,2}}(?P<group>[,.'\u00a0\u202f ])\d{{3}}"
    rf"(?:(?P=group)\d{{3}})*)?"
    rf"(?(grouped)|\d+)(?:(?P<dec>[.,])(?P<decimals>\d+))?)"
    rf"(?:{_SPACE}?(?P<cur2>{_CURRENCY}))?(?P<close>\))?", re.ASCII)
MAX_DIGITS = 30


def _not_a_number(name: str, raw: str, why: str = "") -> ReviewError:
    return ReviewError(f"{name}: '{shown(raw)}' is not a number{': ' + why if why else ''} "
                       "(write it as printed: 1234.50, 1,234.50, 1.234,50 €, -12)")


def read_amount(name: str, raw: str) -> str:
    """A typed amount -> its exact decimal text ("1.234,50 €" -> "1234.50"), or ReviewError.
    Plain digits with a '.' ("1234.5") are read as they are; anything else must have the shape
    of a printed amount and is read by price-parser (as extraction reads printed amounts), then
    checked to keep every digit the reviewer typed (no rounding, no guessing)."""
    from price_parser import Price
    text = raw.strip()
    low = text.lower()
    if re.search(r"\d[eE][-+]?\d", text):
        raise _not_a_number(name, raw, "an exponent is not an amount, write the digits")
    if re.search(r"0x[0-9a-f]", low):
        raise _not_a_number(name, raw, "hexadecimal is not an amount")
    if re.fullmatch(r"[-+\u2212]?(inf|infinity|nan|snan)", low):
        raise _not_a_number(name, raw)
    if sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise _not_a_number(name, raw, f"more than {MAX_DIGITS} digits")
    if re.fullmatch(r"-?\d+(\.\d+)?", text, re.ASCII):
        value = Decimal(text)
    else:
        m = _AMOUNT_RX.fullmatch(text)
        if not m:
            raise _not_a_number(name, raw)
        for cur in (m["cur1"], m["cur2"]):
            if cur and cur not in CURRENCY_SYMBOLS and cur.upper() not in CURRENCY_CODES:
                raise _not_a_number(name, raw, f"'{cur}' is not a currency")
        if m["cur1"] and m["cur2"]:
            raise _not_a_number(name, raw, "two currencies")
        negative = [x for x in (m["sign"], m["sign2"]) if x and x != "+"]
        if bool(m["open"]) != bool(m["close"]) or len(negative) + bool(m["open"]) > 1 \
                or (m["sign"] and m["sign2"]):
            raise _not_a_number(name, raw, "one sign at most")
        if m["group"] and m["dec"] and m["group"] == m["dec"]:
            raise _not_a_number(name, raw)
        num = m["num"]
        if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", num):
            raise ReviewError(f"{name}: '{shown(raw)}' is ambiguous (thousands or decimals?): "
                              f"write {num.replace(',', '').replace('.', '')} or "
                              f"{num.replace(',', '.')}")
        amount = Price.fromstring(num, decimal_separator=m["dec"]).amount
        digits = re.sub(r"\D", "", num).lstrip("0")
        places = len(m["decimals"] or "")
        if amount is None or re.sub(r"\D", "", str(amount)).lstrip("0") != digits \
                or -amount.as_tuple().exponent != places:
            raise _not_a_number(name, raw)
        value = -amount if (negative or m["open"]) and amount else amount
    return str(value if value else abs(value))


def read_date(name: str, raw: str) -> str:
    """A typed date -> YYYY-MM-DD, or ReviewError: YYYY-MM-DD, or a printed date that gives day,
    month and year unambiguously ("14 March 2024", "14.03.2024", "3/14/2024")."""
    text = raw.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text, re.ASCII)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError as exc:
            raise ReviewError(f"{name}: '{shown(raw)}' is not a date ({exc})") from None
    if _ambiguous_date(text):
        raise ReviewError(f"{name}: '{shown(raw)}' is ambiguous (day or month first?): "
                          "write the date as YYYY-MM-DD")
    d = parse_date(text)
    if d is None:
        raise ReviewError(f"{name}: '{shown(raw)}' is not a date (write it as YYYY-MM-DD)")
    if parse_date(text, default=dt.datetime(2001, 2, 3)) != d:   # a part came from the default
        raise ReviewError(f"{name}: '{shown(raw)}' is not a whole date (day, month and year): "
                          "write it as YYYY-MM-DD")
    return d.isoformat()


def _ambiguous_date(raw: str) -> bool:
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}", raw.strip())
    return bool(m) and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 \
        and m.group(1) != m.group(2)


def coerce(model, spec: FieldSpec, raw: str, context: dict | None = None):
    """A reviewer's typed value -> the field's typed value, or ReviewError with one clear line.
    Dates: YYYY-MM-DD or any unambiguous printed date; amounts as printed ("$1,234.50",
    "1.234,50 €"); lists separated by ';'; empty = no value."""
    name = spec.name
    text = raw.strip()
    if text == "" or text.lower() in ("null", "none"):
        value = None
    elif spec.kind == "date":
        value = read_date(name, text)
    elif spec.kind in ("money", "number"):
        value = read_amount(name, text)
    elif spec.kind in ("pattern_list", "text_list"):
        value = [t.strip() for t in re.split(r"[;,]", text) if t.strip()]
    else:
        value = text
    if value is None:
        if spec.required:
            raise ReviewError(f"{name}: a value is required")
        return None
    # the schema's own type, constraints and field validators, reported for this field only
    # (other fields may still be wrong; rules that tie fields together are checked on accept)
    try:
        model.model_validate({**(context or {}), name: value})
    except ValidationError as exc:
        msgs = [e.get("msg", "") for e in exc.errors() if e.get("loc", (None,))[:1] == (name,)]
        if msgs:
            raise ReviewError(f"{name}: '{shown(raw)}' is not valid: "
                              f"{'; '.join(m.replace(chr(10), ' ') for m in msgs)}") from None
    except Exception:  # noqa: BLE001 - a user's validator choking on other fields' values
        pass
    return value


def _jsonable(v):
    if isinstance(v, list):
        return [str(x) for x in v]
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return str(v)


def check(item: Item, schema) -> dict[str, list[str]]:
    """What still keeps the item out of records: {field: [messages]} (empty = valid)."""
    try:
        validate_record(schema.model, item.values, evidence={}, confidence={}, raw_output=None)
    except DocumentError as exc:
        return exc.field_errors or {"_record": [exc.message]}
    return {}


# ----------------------------------------------------------------------------------------------
# fix

def fix(out: Path, item_id: str, assignments: dict[str, str], *, schema_spec: str | None = None,
        reviewer: str | None = None) -> tuple[Item, dict[str, list[str]]]:
    """Set fields of a pending item (each value validated against the schema at once).
    Returns the updated item and what still keeps it from being accepted."""
    if not assignments:
        raise ReviewError("nothing to fix: give field=value")
    check_out(out)
    check_id(item_id)
    with review_lock(out):
        recover(out)
        item = get_item(out, item_id)
        schema = schema_of(item, schema_spec)
        specs = {s.name: s for s in field_specs(schema.model)}
        new = {}
        for name, raw in assignments.items():
            if name not in specs:
                raise ReviewError(f"unknown field '{shown(name)}' for schema {schema.name} "
                                  f"(fields: {', '.join(specs)})")
            new[name] = _jsonable(coerce(schema.model, specs[name], raw, item.values))
        review = dict(item.data.get("review") or {})
        corrections = dict(review.get("corrections") or {})
        corrections.update(new)
        review["corrections"] = corrections
        review.setdefault("history", []).append(
            {"at": now_utc(), "by": reviewer or default_reviewer(), "set": new})
        item.data["review"] = review
        write_json(item.path, item.data)
        # the history's correction line: where the extractor was wrong (never raises)
        record_corrections(out, item.data, item.id, new, review["history"][-1]["by"])
        return item, check(item, schema)
