"""Validate stage: chosen values -> a schema-valid record, or a DocumentError with per-field
messages (pydantic types first, then the schema's own business rules)."""
from __future__ import annotations

import re

from pydantic import BaseModel, ValidationError

from extractors.errors import DocumentError


def validate_record(model: type[BaseModel], values: dict, *, evidence: dict,
                    confidence: dict, raw_output) -> BaseModel:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        field_errors: dict[str, list[str]] = {}
        business = False
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            msg = err.get("msg", "")
            if not loc:  # a model-level rule: "field: message" names the field at fault
                business = True
                msg = re.sub(r"^Value error, ", "", msg)
                name, sep, rest = msg.partition(": ")
                key, msg = (name, rest) if sep and name in model.model_fields else ("_record", msg)
            else:
                key = loc[0]
                if err.get("type") == "missing" or (err.get("input") is None and
                                                    values.get(key) is None):
                    msg = "not found in the document"
            field_errors.setdefault(key, []).append(msg)
        reason = "business_rule" if business else "validation_failed"
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in field_errors.items())
        raise DocumentError(reason, summary, stage="validate", field_errors=field_errors,
                            raw_output=raw_output, partial=_jsonable(values),
                            evidence=evidence, confidence=confidence) from None


def _jsonable(values: dict) -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, list):
            out[k] = [str(x) for x in v]
        else:
            out[k] = None if v is None else str(v)
    return out
