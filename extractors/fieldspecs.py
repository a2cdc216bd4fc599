"""Schema introspection: a pydantic model -> FieldSpecs (what kind of value, which labels).

The kind decides which candidates code proposes for the field (dates, money, ids, text cells,
currency codes, fixed choices, pattern lists). It comes from the annotation, from an explicit
`json_schema_extra={"kind": ...}`, or from the field name (`*_number`, `*_id`, `*_identifier`,
`*_num` -> id).
Labels are the words a document prints next to the value: the field's name, quoted phrases in
its description, and an explicit `json_schema_extra={"labels": [...]}`.

A field typed `list[SubModel]` (a pydantic model) is a repeated part (kind "items": the lines of
an invoice, the service accounts of a summary bill): its sub-fields get FieldSpecs of their own
(`FieldSpec.items`), found by extractors/items.py and written as a child table
(OUT/records_<field>.parquet); the parent row keeps `<field>_count` (`row_specs`).

A field typed `list[str]` is a list of names (kind "text_list": the parties of a contract, every
one found, each with its own evidence; a list column in records.parquet, "; "-joined in CSV) when
its words ask for names, parties, people or companies (extractors/prose_cues.py), else a list of
printed codes (kind "pattern_list").
"""
from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from decimal import Decimal

from pydantic import BaseModel

from extractors.lexicon import currency_named, expand_name, infer_labels
from extractors.prose_cues import list_kind
from extractors.types import FieldSpec, snake_name

ID_NAME = re.compile(r"(^|_)(id|identifier|num|no|number|code|npi|vat|iban|ref|reference|account)"
                     r"($|_)")


def _unwrap(ann):
    """Strip Optional[...] / Annotated[...]; return (inner, optional). A union of one family
    (Decimal | float, date | datetime, Literal | Literal) is that family's type; other unions
    are refused by `unfillable` (and read as text here)."""
    optional = False
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(ann))
            ann = args[0] if len(args) == 1 else _common(args)
            continue
        return ann, optional


def _strip(ann):
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return ann


def _family(ann) -> str | None:
    """The kind of printed value a type is filled from, for telling related union members
    (Decimal | float) from unrelated ones (int | str); None: not a scalar the tool fills."""
    ann = _strip(ann)
    if ann is bool:
        return "bool"
    if ann in (dt.date, dt.datetime):
        return "date"
    if ann in (Decimal, int, float):
        return "number"
    if typing.get_origin(ann) is typing.Literal:
        return "literal"
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return f"enum {ann.__name__}"
    if ann is str or (isinstance(ann, type) and issubclass(ann, str)):
        return "text"
    return None


def _common(args: list):
    """The type a union of one family is filled as (see _unwrap); str for anything else."""
    fams = {_family(a) for a in args}
    if len(fams) != 1 or None in fams:
        return str
    fam = fams.pop()
    plain = [_strip(a) for a in args]
    if fam == "date":
        return dt.date
    if fam == "number":
        return next(t for t in (Decimal, float, int) if t in plain)
    if fam == "literal":
        return typing.Literal[tuple(v for a in plain for v in typing.get_args(a))]
    return plain[0]


def type_name(ann) -> str:
    """An annotation as the schema file spells it: `int | str`, `dict`, `list[int]`, `Sub`."""
    if ann is type(None):
        return "None"
    if isinstance(ann, type) and not typing.get_args(ann):
        return ann.__name__
    text = str(ann).replace("NoneType", "None")
    return re.sub(r"(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*)", "", text)


_NOT_TEXT = {dict: "a mapping", set: "a set", frozenset: "a set", tuple: "a tuple",
             bytes: "bytes", bytearray: "bytes"}


def _problem(ann, in_items: bool = False) -> str | None:
    """Why the tool cannot fill a value of this type from a printed document, or None."""
    ann = _strip(ann)
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return _problem(args[0], in_items)
        fams = {_family(a) for a in args}
        if len(fams) != 1 or None in fams:
            return "a union of unrelated types: give the field one type"
        return None
    if _family(ann) is not None or ann is typing.Any:
        return None
    base = origin or ann
    if base in _NOT_TEXT:
        return f"{_NOT_TEXT[base]} cannot be filled from printed text"
    if base is list:
        item = _strip((typing.get_args(ann) or (str,))[0])
        if _is_model(item):
            return "a repeated part inside a repeated part is not supported" if in_items \
                else None
        if _family(item) == "text":
            return None
        return ("a list is filled with printed codes: use list[str] (or list[Model] for a "
                "repeated part)")
    if _is_model(ann):
        return "a nested model is filled only as a repeated part: list[Model]"
    if origin is not None:
        return "not a type the tool fills from printed text"
    # other classes (UUID, EmailStr, HttpUrl, ...): filled as text when pydantic reads them
    # from a string
    try:
        from pydantic import TypeAdapter
        js = TypeAdapter(ann).json_schema()
    except Exception:  # noqa: BLE001 - an arbitrary class pydantic cannot describe
        js = {}
    if js.get("type") == "string" and js.get("format") != "binary":
        return None
    return "a class the tool cannot fill from printed text (use str, int, Decimal, date, ...)"


def unfillable(model: type[BaseModel], _in_items: bool = False) -> list[str]:
    """The fields of a schema the tool cannot fill, each as "field: type: why" (empty = all
    fillable). A repeated part's sub-fields are checked too."""
    from extractors.types import KINDS
    problems = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "kind" in extra and extra["kind"] not in KINDS:
            problems.append(f"{name}: unknown kind '{extra['kind']}' (kinds: {', '.join(KINDS)})")
            continue
        why = _problem(info.annotation, _in_items)
        if why:
            problems.append(f"{name}: {type_name(info.annotation)}: {why}")
            continue
        inner, _ = _unwrap(info.annotation)
        if typing.get_origin(inner) is list:
            item = _strip((typing.get_args(inner) or (str,))[0])
            if _is_model(item):
                problems += [f"{name}.{p}" for p in unfillable(item, True)]
    return problems


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
    for column, info in model.model_fields.items():
        name = snake_name(column)     # "invoiceNumber" is read as "invoice_number"
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
            pattern = _pattern_of(None, item)
            kind = "pattern_list" if pattern else list_kind(name, info.description or "")
            if kind == "pattern_list":
                pattern = pattern or r"[A-Z0-9][A-Z0-9.\-]{2,}"
        elif currency_named(name, info.description or ""):
            kind = "currency"
        elif ID_NAME.search(name) or ID_NAME.search(expand_name(name)):
            kind = "id"
        else:
            kind = "text"
        kind = extra.get("kind", kind)
        pattern = extra.get("pattern", pattern) or _pattern_of(info, info.annotation)
        labels = list(extra.get("labels", []))
        listed = bool(labels)
        labels += _quoted(info.description or "")
        labels.append(name.replace("_", " "))
        if info.title and info.title.lower() not in labels:
            labels.append(info.title.lower())     # Field(title="Buyer"): a printed label too
        if not listed:     # a plain field: what documents print next to such a value
            labels += [lab for lab in infer_labels(name, kind, info.description or "")
                       if lab not in labels]
        max_len = 120
        for m in info.metadata:
            max_len = getattr(m, "max_length", None) or max_len
        spec = FieldSpec(column, kind, info.description or "", labels, required,
                         choices, pattern, max_len, key=name)
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
