"""Schema introspection: a pydantic model -> FieldSpecs (what kind of value, which labels).

The kind decides which candidates code proposes for the field (dates, money, ids, text cells,
currency codes, fixed choices, pattern lists). It comes from the annotation, from an explicit
`json_schema_extra={"kind": ...}`, or from the field name (`*_number`, `*_id`, `*_num` -> id).
Labels are the words a document prints next to the value: the field's name, quoted phrases in
its description, and an explicit `json_schema_extra={"labels": [...]}`.

A field typed `list[SubModel]` (a pydantic model) is a repeated part (kind "items": the lines of
an invoice, the service accounts of a summary bill): its sub-fields get FieldSpecs of their own
(`FieldSpec.items`), found by extractors/items.py and written as a child table
(OUT/records_<field>.parquet); the parent row keeps `<field>_count` (`row_specs`).
"""
from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from decimal import Decimal

from pydantic import BaseModel

from extractors.lexicon import infer_labels
from extractors.types import FieldSpec

ID_NAME = re.compile(r"(^|_)(id|num|no|number|code|npi|vat|iban|ref|reference|account)($|_)")


def _unwrap(ann):
    """Strip Optional[...] / Annotated[...]; return (inner, optional)."""
    optional = False
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(ann))
            ann = args[0] if len(args) == 1 else str
            continue
        return ann, optional


def _pattern_of(info, ann) -> str | None:
    for m in list(getattr(info, "metadata", [])) + list(typing.get_args(ann)[1:]):
        pat = getattr(m, "pattern", None)
        if pat:
            return pat
    return None


def _quoted(text: str) -> list[str]:
    return [q.strip() for q in re.findall(r"[\"“']([^\"”']{2,40})[\"”']", text or "")]


def field_specs(model: type[BaseModel]) -> list[FieldSpec]:
    specs = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        inner, optional = _unwrap(info.annotation)
        required = info.is_required() and not optional
        choices: list[str] = []
        pattern = None
        if inner is dt.date or inner is dt.datetime:
            kind = "date"
        elif inner is Decimal:
            kind = "money"
        elif inner is bool:
            kind, choices = "choice", ["true", "false"]
        elif inner in (int, float):
            kind = "money" if re.search(r"amount|total|charge|price|cost|balance", name) \
                else "number"
        elif typing.get_origin(inner) is typing.Literal:
            kind, choices = "choice", [str(a) for a in typing.get_args(inner)]
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            kind, choices = "choice", [str(m.value) for m in inner]
        elif typing.get_origin(inner) is list and _is_model(_unwrap(
                (typing.get_args(inner) or (str,))[0])[0]):
            kind = "items"
        elif typing.get_origin(inner) is list:
            item = typing.get_args(inner)[0] if typing.get_args(inner) else str
            kind = "pattern_list"
            pattern = _pattern_of(None, item) or r"[A-Z0-9][A-Z0-9.\-]{2,}"
        elif "currency" in name:
            kind = "currency"
        elif ID_NAME.search(name):
            kind = "id"
        else:
            kind = "text"
        kind = extra.get("kind", kind)
        pattern = extra.get("pattern", pattern) or _pattern_of(info, info.annotation)
        labels = list(extra.get("labels", []))
        listed = bool(labels)
        labels += _quoted(info.description or "")
        labels.append(name.replace("_", " "))
        if not listed:     # a plain field: what documents print next to such a value
            labels += [lab for lab in infer_labels(name, kind, info.description or "")
                       if lab not in labels]
        max_len = 120
        for m in info.metadata:
            max_len = getattr(m, "max_length", None) or max_len
        spec = FieldSpec(name, kind, info.description or "", labels, required,
                         choices, pattern, max_len)
        if kind == "items":
            spec.item_model = _unwrap(typing.get_args(inner)[0])[0]
            spec.items = field_specs(spec.item_model)
        specs.append(spec)
    return specs


def _is_model(t) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def count_column(name: str) -> str:
    """The parent row's column holding how many items a repeated part has."""
    return f"{name}_count"


def row_specs(specs: list[FieldSpec]) -> list[FieldSpec]:
    """The parent row's columns: a repeated part becomes its item count (`<field>_count`,
    kind "count"); its items go to their own table."""
    return [FieldSpec(count_column(s.name), "count", required=False) if s.kind == "items" else s
            for s in specs]
