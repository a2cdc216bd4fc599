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
from extractors.normalize import parse_amount, parse_date
from extractors.review.queue import (Item, check_out, now_utc, default_reviewer, get_item,
                                     review_lock)
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
    if item.data.get("schema") and schema.name != item.data["schema"]:
        raise ReviewError(f"item {item.id} was extracted with schema {item.data['schema']}, "
                          f"not {schema.name}")
    return schema


def parse_assignments(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in args:
        name, sep, value = a.partition("=")
        if not sep or not name.strip():
            raise ReviewError(f"expected field=value, got '{a}'")
        out[name.strip()] = value.strip()
    return out


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
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            value = text
        elif _ambiguous_date(text):
            raise ReviewError(f"{name}: '{raw}' is ambiguous (day or month first?): "
                              "write the date as YYYY-MM-DD")
        else:
            d = parse_date(text)
            if d is None:
                raise ReviewError(f"{name}: '{raw}' is not a date (write it as YYYY-MM-DD)")
            value = d.isoformat()
    elif spec.kind in ("money", "number") and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        amount = parse_amount(text)
        if amount is None:
            raise ReviewError(f"{name}: '{raw}' is not a number")
        value = str(amount)
    elif spec.kind == "pattern_list":
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
            raise ReviewError(f"{name}: '{raw}' is not valid: {'; '.join(msgs)}") from None
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
    with review_lock(out):
        recover(out)
        item = get_item(out, item_id)
        schema = schema_of(item, schema_spec)
        specs = {s.name: s for s in field_specs(schema.model)}
        new = {}
        for name, raw in assignments.items():
            if name not in specs:
                raise ReviewError(f"unknown field '{name}' for schema {schema.name} "
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
        return item, check(item, schema)
