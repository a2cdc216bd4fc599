"""Evaluate: OUT (records + rejected) + gold labels -> per-field accuracy, straight-through
rate and accepted-record precision. Comparison is type-aware: dates as dates (any printed
format, compact yyyymmdd too), money as decimals, ids without spaces/case/leading '#', text
casefolded with punctuation and spacing ignored. Rejected or missing documents count as wrong.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from extractors.errors import RunError
from extractors.normalize import currency_code, parse_amount, parse_date
from extractors.types import FieldSpec


def load_gold(path: Path) -> list[dict]:
    if not path.is_file():
        raise RunError(f"gold file not found: {path}")
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    elif path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    else:
        raise RunError(f"gold labels must be .csv or .jsonl: {path}")
    if rows and "file" not in rows[0]:
        raise RunError(f"gold file {path} has no 'file' column naming each document")
    return rows


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


def same(spec: FieldSpec, gold, pred) -> bool:
    return _norm(spec, gold) == _norm(spec, pred)


@dataclass
class Report:
    n_docs: int = 0
    accepted: int = 0
    per_field: dict = field(default_factory=dict)
    precise_accepted: int = 0
    rows: list = field(default_factory=list)

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
        r = json.loads(f.read_text())
        rejected[r["source_file"]] = r
    rep = Report(per_field={n: {"correct": 0, "total": 0} for n in names})
    for g in gold_rows:
        rep.n_docs += 1
        row = _match(g["file"], accepted)
        ok_all = row is not None
        detail = {"file": g["file"], "status": "accepted" if row else
                  ("rejected" if _match(g["file"], rejected) else "missing"), "wrong": {}}
        for n in names:
            rep.per_field[n]["total"] += 1
            pred = row.get(n) if row else None
            if row is not None and same(by_name[n], g.get(n), pred):
                rep.per_field[n]["correct"] += 1
            else:
                ok_all = False
                detail["wrong"][n] = {"gold": g.get(n), "pred": None if pred is None else str(pred)}
        if row is not None:
            rep.accepted += 1
            rep.precise_accepted += ok_all
        rep.rows.append(detail)
    return rep


def format_report(d: dict) -> str:
    lines = [f"{'field':<22} accuracy"]
    for k, v in d["per_field"].items():
        lines.append(f"{k:<22} {v:.3f}")
    lines.append(f"{'ALL FIELDS':<22} {d['field_accuracy']:.3f}")
    lines.append(f"documents {d['documents']}  straight-through {d['straight_through_rate']:.3f}"
                 f"  accepted-record precision {d['accepted_precision']:.3f}")
    return "\n".join(lines)
