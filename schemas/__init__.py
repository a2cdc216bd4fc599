"""Document types: built-in schemas (a plain registry) and loading a user's schema file."""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from extractors.errors import RunError

from .insurance_claim import InsuranceClaim
from .invoice import Invoice
from .utility_bill import UtilityBill
from .utility_statement import UtilityStatement

REGISTRY: dict[str, type[BaseModel]] = {
    "utility_bill": UtilityBill,
    "insurance_claim": InsuranceClaim,
    "invoice": Invoice,
    "utility_statement": UtilityStatement,
}


@dataclass
class Schema:
    name: str
    model: type[BaseModel]

    @property
    def version(self) -> str:
        """Short hash of the JSON schema: changes whenever fields or rules text change."""
        blob = json.dumps(self.model.model_json_schema(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def load_schema(spec: str) -> Schema:
    """NAME of a built-in schema, or path/to/file.py[:ClassName] defining a pydantic model."""
    if spec in REGISTRY:
        return Schema(spec, REGISTRY[spec])
    path_s, _, cls_name = spec.partition(":") if not Path(spec).exists() else (spec, "", "")
    path = Path(path_s)
    if path.suffix != ".py":
        raise RunError(f"unknown schema '{spec}': use one of {', '.join(REGISTRY)} "
                       "or a path to a .py file that defines a pydantic model")
    if not path.is_file():
        raise RunError(f"schema file not found: {path}")
    mod_name = f"user_schema_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
    try:
        module_spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[mod_name] = module
        module_spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - a user's file can fail in any way
        raise RunError(f"schema file {path} failed to import: {type(exc).__name__}: {exc}") from None
    models = {n: o for n, o in vars(module).items()
              if inspect.isclass(o) and issubclass(o, BaseModel) and o is not BaseModel
              and o.__module__ == mod_name}
    if cls_name:
        if cls_name not in models:
            raise RunError(f"schema file {path} has no pydantic model named {cls_name}")
        model = models[cls_name]
    elif len(models) == 1 or len(_roots(models)) == 1:
        model = next(iter(models.values())) if len(models) == 1 else _roots(models)[0]
    elif not models:
        raise RunError(f"schema file {path} defines no pydantic model")
    else:
        raise RunError(f"schema file {path} defines several models ({', '.join(models)}): "
                       f"pick one with {path}:ClassName")
    return Schema(model.__name__, model)


def _roots(models: dict) -> list:
    """The models no other model of the file uses as a field type (a repeated part's item
    model, `list[InvoiceLine]`, is not a document type of its own)."""
    import typing
    used = set()
    for m in models.values():
        for info in m.model_fields.values():
            stack = [info.annotation]
            while stack:
                t = stack.pop()
                if isinstance(t, type) and issubclass(t, BaseModel):
                    used.add(t)
                stack.extend(typing.get_args(t))
    return [m for m in models.values() if m not in used]
