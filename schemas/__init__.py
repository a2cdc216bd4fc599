"""Document types: built-in schemas (a plain registry) and loading a user's schema file."""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from pydantic.errors import PydanticSchemaGenerationError, PydanticUndefinedAnnotation

from extractors.errors import RunError
from extractors.fieldspecs import unfillable

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
    source: str = ""     # a schema file: its absolute path[:Model] (review reloads it from there)
    sha256: str = ""     # ... and the SHA-256 of the file as it was loaded

    @property
    def sensitive(self) -> bool:
        """Documents of this type may be sent to a model on another machine (--model-url,
        a Ray cluster) only with --allow-remote, unless the schema says otherwise:
        `model_config = ConfigDict(json_schema_extra={"sensitive": False})`."""
        extra = self.model.model_config.get("json_schema_extra")
        return not (isinstance(extra, dict) and extra.get("sensitive") is False)

    @property
    def version(self) -> str:
        """Short hash of the JSON schema: changes whenever fields or rules text change."""
        blob = json.dumps(self.model.model_json_schema(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def load_schema(spec: str) -> Schema:
    """NAME of a built-in schema, or path/to/file.py[:ClassName] defining a pydantic model.
    Whatever is wrong with a schema file (it does not import, names an undefined type, or has a
    field of a type the tool cannot fill from a document) is a RunError of one line naming the
    file and the problem."""
    if spec in REGISTRY:
        return Schema(spec, REGISTRY[spec])
    try:
        path_s, _, cls_name = spec.partition(":") if not Path(spec).exists() else (spec, "", "")
        path = Path(path_s)
        if path.suffix != ".py":
            raise RunError(f"unknown schema '{_short(spec)}': use one of {', '.join(REGISTRY)} "
                           "or a path to a .py file that defines a pydantic model")
        if not path.is_file():
            raise RunError(f"schema file not found: {_short(str(path))}")
    except OSError as exc:
        raise RunError(f"schema '{_short(spec)}': {exc.strerror}") from None
    mod_name = f"user_schema_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
    try:
        module_spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[mod_name] = module
        module_spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise RunError(f"schema file {path} has a syntax error: {exc.msg} (line {exc.lineno})"
                       ) from None
    except PydanticSchemaGenerationError as exc:
        typ = _class_in(str(exc))
        field = _field_using(path, typ)
        raise RunError(f"schema file {path}: {'field ' + field + ' is' if field else 'a field is'}"
                       f" typed {typ}, a class the tool cannot fill from printed text "
                       "(use str, int, Decimal, date, ...)") from None
    except SystemExit as exc:
        raise RunError(f"schema file {path} exits when imported (sys.exit({exc.code!r}))"
                       ) from None
    except Exception as exc:  # noqa: BLE001 - a user's file can fail in any way
        raise RunError(f"schema file {path} failed to import: {type(exc).__name__}: "
                       f"{_first_line(exc)}") from None
    models = {n: o for n, o in vars(module).items()
              if inspect.isclass(o) and issubclass(o, BaseModel) and o is not BaseModel
              and o.__module__ == mod_name}
    for name, m in models.items():   # `from __future__ import annotations`: names resolve now
        try:
            m.model_rebuild(raise_errors=True)
        except PydanticUndefinedAnnotation as exc:
            field = _field_using(path, exc.name, name)
            raise RunError(f"schema file {path}: {'field ' + field + ' of ' if field else ''}"
                           f"{name} uses the name '{exc.name}', which the file does not define"
                           ) from None
        except Exception as exc:  # noqa: BLE001
            raise RunError(f"schema file {path}: model {name} is not complete: "
                           f"{_first_line(exc)}") from None
    if cls_name:
        if cls_name not in models:
            raise RunError(f"schema file {path} has no pydantic model named {_short(cls_name)}")
        model = models[cls_name]
    elif len(models) == 1 or len(_roots(models)) == 1:
        model = next(iter(models.values())) if len(models) == 1 else _roots(models)[0]
    elif not models:
        raise RunError(f"schema file {path} defines no pydantic model")
    else:
        raise RunError(f"schema file {path} defines several models ({', '.join(models)}): "
                       f"pick one with {path}:ClassName")
    if not model.model_fields:
        raise RunError(f"schema file {path}: model {model.__name__} has no fields")
    problems = unfillable(model)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RunError(f"schema file {path}: the tool cannot fill field {problems[0]}{more}")
    source = str(path.resolve()) + (f":{cls_name}" if cls_name else "")
    return Schema(model.__name__, model, source, hashlib.sha256(path.read_bytes()).hexdigest())


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return _short(lines[0], 200) if lines else "(no message)"


def _class_in(message: str) -> str:
    """The class a pydantic schema-generation error names ("... for <class 'mod.Thing'>")."""
    m = re.search(r"<class '([^']+)'>", message) or re.search(r"schema for (\S+?)\.?\s", message)
    return m.group(1).rsplit(".", 1)[-1] if m else "an unsupported type"


def _field_using(path: Path, name: str, model: str | None = None) -> str | None:
    """The field of the file's models whose annotation uses `name` (for naming it in errors)."""
    import ast
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        if model and cls.name != model:
            continue
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and any(
                    isinstance(n, ast.Name) and n.id == name or
                    isinstance(n, ast.Attribute) and n.attr == name or
                    isinstance(n, ast.Constant) and isinstance(n.value, str) and
                    re.search(rf"\b{re.escape(name)}\b", n.value)
                    for n in ast.walk(stmt.annotation)):
                return stmt.target.id
    return None


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
