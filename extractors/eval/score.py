"""Evaluate: OUT (records + rejected) + gold labels -> per-field accuracy, straight-through
rate and accepted-record precision. Comparison is type-aware: dates as dates (any printed
format, compact yyyymmdd too), money as decimals, ids without spaces/case/leading '#', text
casefolded with punctuation and spacing ignored. Rejected or missing documents count as wrong.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from extractors.decide.confidence import record_confidence
from extractors.errors import RunError
from extractors.eval.reliability import format_reliability
from extractors.normalize import currency_code, name_key, parse_amount, parse_date
from extractors.types import FieldSpec


def load_gold(path: Path) -> list[dict]:
    """Gold labels: a .jsonl file (one JSON object per line) or a .csv file, each row naming its
    document in `file`. Anything malformed is a RunError naming the line."""
    path = Path(path)
    if not path.exists():
        raise RunError(f"gold file not found: {path}")
    if not path.is_file():
        raise RunError(f"gold file {path} is not a regular file")
    if path.suffix not in (".jsonl", ".csv"):
        raise RunError(f"gold labels must be .csv or .jsonl: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RunError(f"gold file {path} is not UTF-8 text") from None
    rows: list[dict] = []
    if path.suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise RunError(f"gold file {path} line {n} is not JSON ({exc})") from None
            if not isinstance(row, dict):
                raise RunError(f"gold file {path} line {n} is not a JSON object "
                               "({\"file\": ..., field: value, ...})")
            _check_file(path, f"line {n}", row)
            rows.append(row)
    else:
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise RunError(f"gold file {path} has no 'file' column naming each document")
            for row in reader:
                _check_file(path, f"line {reader.line_num}", row)
                rows.append(row)
        except csv.Error as exc:
            raise RunError(f"gold file {path} is not valid CSV ({exc})") from None
    if not rows:
        raise RunError(f"gold file {path} has no labels")
    return rows


def _check_file(path: Path, where: str, row: dict) -> None:
    f = row.get("file")
    if not isinstance(f, str) or not f.strip():
        raise RunError(f"gold file {path} {where} has no 'file' (the document it labels)")


def _tail_matches(gold_file: str, path: Path) -> bool:
    """Does the gold row's `file` name this input (the same path, or its last parts)?"""
    gf = gold_file.strip().replace("\\", "/")
    while gf.startswith("./"):
        gf = gf[2:]
    p = path.as_posix()
    if p == gf or p.endswith("/" + gf):
        return True
    return gf.startswith("/") and Path(gf).resolve() == path.resolve()


def select_gold(gold_rows: list[dict], files: list[Path]) -> tuple[list[dict], list[Path], int]:
    """The gold rows whose document is among the input files, those files, and how many gold
    rows name no input (those are not scored: they are not misses of this run)."""
    rows, chosen, seen = [], [], set()
    for g in gold_rows:
        hit = [f for f in files if _tail_matches(g["file"], f)]
        if not hit:
            continue
        rows.append(g)
        for f in hit:
            if f not in seen:
                seen.add(f)
                chosen.append(f)
    return rows, chosen, len(gold_rows) - len(rows)


def scored_fields(specs: list[FieldSpec], gold_rows: list[dict],
                  fields: list[str] | None) -> list[str]:
    """The fields eval scores: those asked for (all by default) that the labels give; an unknown
    field, a repeated part or a field no label gives is a RunError."""
    labelled = {k for g in gold_rows for k in g}
    by_name = {s.name: s for s in specs}
    scorable = [s.name for s in specs if s.kind != "items"]   # repeated parts: bench/items.py
    if fields is None:
        names = [n for n in scorable if n in labelled]
        if not names:
            raise RunError("the gold labels give none of the schema's fields "
                           f"({', '.join(scorable)})")
        return names
    names = []
    for raw in fields:
        n = raw.strip()
        if not n:
            continue
        if n not in by_name:
            raise RunError(f"--fields: unknown field '{n}' (fields: {', '.join(scorable)})")
        if by_name[n].kind == "items":
            raise RunError(f"--fields: {n} is a repeated part; eval does not score it")
        if n not in labelled:
            raise RunError(f"--fields: {n} is not labelled in the gold file")
        if n not in names:
            names.append(n)
    if not names:
        raise RunError("--fields: give field names separated by commas")
    return names


def _norm(spec: FieldSpec, v):
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    k = spec.kind
    if k == "date":
        if hasattr(v, "year"):
            return v
        s = str(v).strip()
        if re.fullmatch(r"\d{8}", s):
            s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
        return parse_date(s)
    if k in ("money", "number"):
        if isinstance(v, (Decimal, int, float)):
            return Decimal(str(v)).quantize(Decimal("0.01"))
        return parse_amount(str(v))
    if k == "id":
        return re.sub(r"\s+", "", str(v)).lstrip("#").casefold()
    if k == "currency":
        return currency_code(str(v)) or str(v).upper()
    if k == "pattern_list":
        items = v if isinstance(v, (list, tuple)) else json.loads(v) if str(v).startswith("[") \
            else str(v).split(";")
        return sorted(str(i).strip().upper() for i in items if str(i).strip())
    return re.sub(r"[^0-9a-zà-ÿ]+", "", str(v).casefold())


def _as_list(v) -> list:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return [x for x in v if x is not None and str(x).strip()]
    s = str(v).strip()
    if s.startswith("["):
        try:
            return _as_list(json.loads(s))
        except ValueError:
            pass
    return [x for x in s.split(";") if x.strip()]


def set_f1(gold, pred, legal_forms: bool = True) -> float:
    """A list of names against the gold list: F1 of the two sets of names (compared case- and
    punctuation-insensitively, "Inc." = "Incorporated" unless legal_forms is False); both
    empty is 1."""
    g = {name_key(x, legal_forms) for x in _as_list(gold)} - {""}
    p = {name_key(x, legal_forms) for x in _as_list(pred)} - {""}
    if not g and not p:
        return 1.0
    hit = len(g & p)
    return 2.0 * hit / (len(g) + len(p)) if hit else 0.0


def field_credit(spec: FieldSpec, gold, pred, legal_forms: bool = True) -> float:
    """How right a value is, in [0, 1]: a list of names scores the F1 of its set (kind
    text_list), any other field 1 when it equals the gold value, else 0."""
    if spec.kind == "text_list":
        return set_f1(gold, pred, legal_forms)
    return float(same(spec, gold, pred))


def same(spec: FieldSpec, gold, pred) -> bool:
    try:
        return _norm(spec, gold) == _norm(spec, pred)
    except (ValueError, TypeError, ArithmeticError):   # a label or value that is no such thing
        return False


@dataclass
class Report:
    n_docs: int = 0
    accepted: int = 0
    per_field: dict = field(default_factory=dict)
    precise_accepted: int = 0
    rows: list = field(default_factory=list)
    not_among_inputs: int = 0     # gold rows naming no input document: not scored
    field_conf: list = field(default_factory=list)    # (field confidence, right)
    record_conf: list = field(default_factory=list)   # (record confidence, every field right)

    def as_dict(self) -> dict:
        correct = sum(v["correct"] for v in self.per_field.values())
        total = sum(v["total"] for v in self.per_field.values())
        return {
            "documents": self.n_docs,
            "field_accuracy": round(correct / total, 4) if total else 0.0,
            "per_field": {k: round(v["correct"] / v["total"], 4) if v["total"] else 0.0
                          for k, v in self.per_field.items()},
            "straight_through_rate": round(self.accepted / self.n_docs, 4) if self.n_docs else 0,
            "accepted_precision": round(self.precise_accepted / self.accepted, 4)
            if self.accepted else 0.0,
            "accepted": self.accepted,
            "not_among_the_inputs": self.not_among_inputs,
            "field_confidence": self.field_conf,
            "record_confidence": self.record_conf,
            "documents_detail": self.rows,
        }


def _match(gold_file: str, sources: dict[str, dict]) -> dict | None:
    gf = gold_file.replace("\\", "/")
    for src, row in sources.items():
        if src.replace("\\", "/").endswith("/" + gf) or src == gf:
            return row
    return None


def evaluate(out: Path, gold_rows: list[dict], specs: list[FieldSpec],
             fields: list[str] | None = None) -> Report:
    labelled = {k for g in gold_rows for k in g}   # fields the labels give; others aren't scored
    names = [s.name for s in specs if (fields is None or s.name in fields) and s.name in labelled
             and s.kind != "items"]   # repeated parts: bench/items.py
    by_name = {s.name: s for s in specs}
    accepted: dict[str, dict] = {}
    pq = out / "records.parquet"
    if pq.exists():
        for row in pl.read_parquet(pq).iter_rows(named=True):
            accepted[row["source_file"]] = row
    rejected: dict[str, dict] = {}
    for f in sorted((out / "rejected").glob("*.json")):
        try:
            r = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(r, dict) and isinstance(r.get("source_file"), str):
            rejected[r["source_file"]] = r
    rep = Report(per_field={n: {"correct": 0, "total": 0} for n in names})
    for g in gold_rows:
        rep.n_docs += 1
        row = _match(g["file"], accepted)
        rej = None if row is not None else _match(g["file"], rejected)
        ok_all = row is not None
        detail = {"file": g["file"], "status": "accepted" if row else
                  ("rejected" if rej else "missing"), "wrong": {}}
        # a rejected document counts with its partial record: what the extractor found
        values = row if row is not None else (rej or {}).get("partial") or {}
        conf = _confidences(row if row is not None else rej)
        all_right = bool(values)
        for n in names:
            rep.per_field[n]["total"] += 1
            pred = values.get(n)
            credit = field_credit(by_name[n], g.get(n), pred) if values else 0.0
            right = credit == 1.0
            all_right = all_right and right
            if n in conf:
                rep.field_conf.append((conf[n], right))
            if credit:
                rep.per_field[n]["correct"] += credit
            else:
                ok_all = False
                detail["wrong"][n] = {"gold": g.get(n), "pred": None if pred is None else str(pred)}
        if conf:
            rep.record_conf.append((record_confidence({k: v for k, v in conf.items()
                                                       if k in names} or conf), all_right))
        if row is not None:
            rep.accepted += 1
            rep.precise_accepted += ok_all
        rep.rows.append(detail)
    return rep


def _confidences(row: dict | None) -> dict[str, float]:
    """A record's or rejection's per-field confidence (JSON text in records)."""
    if not row:
        return {}
    c = row.get("confidence")
    if isinstance(c, str):
        try:
            c = json.loads(c)
        except ValueError:
            return {}
    return {k: float(v) for k, v in (c or {}).items() if isinstance(v, (int, float))}


def format_report(d: dict) -> str:
    lines = [f"{'field':<22} accuracy"]
    for k, v in d["per_field"].items():
        lines.append(f"{k:<22} {v:.3f}")
    lines.append(f"{'ALL FIELDS':<22} {d['field_accuracy']:.3f}")
    lines.append(f"documents {d['documents']}  straight-through {d['straight_through_rate']:.3f}"
                 f"  accepted-record precision {d['accepted_precision']:.3f}")
    rel = format_reliability(d.get("field_confidence") or [], d.get("record_confidence") or [])
    if rel:
        lines.append(rel)
    if d.get("not_among_the_inputs"):
        lines.append(f"not among the inputs: {d['not_among_the_inputs']} gold rows "
                     "(their documents were not given: not scored)")
    return "\n".join(lines)
