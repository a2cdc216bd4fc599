"""Review queue: the rejections in OUT/rejected/ that reviewers fix, accept or discard.

    OUT/rejected/<id>.json              pending items (written by the pipeline; `fix` adds a
                                        "review" block with the reviewer's corrections)
    OUT/rejected/accepted/<id>.json     accepted items, archived with their review block
    OUT/rejected/discarded/<id>.json    discarded items, archived with the reason (never deleted)
    OUT/records.parquet / .csv          accepted items are appended here with review provenance:
                                        review_status (corrected | approved), reviewed_at,
                                        reviewer, review_id, review_corrections
    OUT/gold.jsonl, OUT/learned.json    what accepted items teach (extractors/learn.py)
    OUT/.review.lock                    review commands on one OUT run one at a time

Accept is crash-safe: the record is written first (records carry the document's hash and the
item id), then the item file is moved out of the queue with one atomic rename. Every review
command starts by finishing interrupted accepts: a queued item whose record is already in
records (same document hash, schema and item id) is moved out instead of being appended again.
So an item is in the queue or in records, never both (once any review command has run) and never
neither. Concurrent accepts are serialized by the lock; the records write itself is
extractors.write.append_records (atomic replace, and it replaces rather than duplicates a
document's row).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .errors import DocumentError, ExtractError
from .fields import FieldSpec, field_specs
from .normalize import parse_amount, parse_date
from .validate import validate_record
from .write import _fsync_dir, append_records, write_json

QUEUE = "rejected"
ACCEPTED = "accepted"
DISCARDED = "discarded"
LOCK = ".review.lock"


class ReviewError(ExtractError):
    """A review command cannot do what was asked (unknown item, invalid value): one line."""


# ----------------------------------------------------------------------------------------------
# the queue

@dataclass
class Item:
    id: str
    path: Path
    data: dict
    raw: bytes = b""

    @property
    def source_file(self) -> str:
        return self.data.get("source_file", "")

    @property
    def reasons(self) -> list[str]:
        return [self.data.get("reason", "unknown")]

    @property
    def fields_at_fault(self) -> list[str]:
        return [k for k in (self.data.get("field_errors") or {})]

    @property
    def corrections(self) -> dict:
        return dict((self.data.get("review") or {}).get("corrections") or {})

    @property
    def original(self) -> dict:
        return dict(self.data.get("partial") or {})

    @property
    def values(self) -> dict:
        """The record as it stands: the extracted values with the reviewer's corrections."""
        return {**self.original, **self.corrections}

    def summary(self) -> dict:
        return {"id": self.id, "source_file": self.source_file, "reasons": self.reasons,
                "fields": self.fields_at_fault, "message": self.data.get("message", ""),
                "schema": self.data.get("schema"), "doc_sha256": self.data.get("doc_sha256"),
                "rejected_at": self.data.get("rejected_at"),
                "corrections": self.corrections}


def queue_dir(out: Path) -> Path:
    return Path(out) / QUEUE


def _load(path: Path) -> Item | None:
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Item(path.stem, path, data, raw)


def pending(out: Path) -> list[Item]:
    """The items waiting for review, oldest first (no recovery; see list_items)."""
    items = [it for p in sorted(queue_dir(out).glob("*.json")) if (it := _load(p))]
    return sorted(items, key=lambda it: (it.data.get("rejected_at") or "", it.id))


def list_items(out: Path) -> list[Item]:
    _check_out(out)
    with review_lock(out):
        recover(out)
    return pending(out)


def get_item(out: Path, item_id: str) -> Item:
    """A pending item by id (or an unambiguous prefix of at least 4 characters)."""
    _check_out(out)
    item_id = item_id.strip()
    path = queue_dir(out) / f"{item_id}.json"
    if "/" not in item_id and path.is_file() and (it := _load(path)):
        return it
    matches = [it for it in pending(out) if len(item_id) >= 4 and it.id.startswith(item_id)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ReviewError(f"'{item_id}' matches {len(matches)} items: give more characters")
    for sub in (ACCEPTED, DISCARDED):
        if list((queue_dir(out) / sub).glob(f"{item_id}*.json")):
            raise ReviewError(f"item {item_id} was already {sub}; it is no longer in the queue")
    raise ReviewError(f"no pending item '{item_id}' in {queue_dir(out)} "
                      "(see: extract review list OUT)")


def _check_out(out: Path) -> None:
    if not Path(out).is_dir():
        raise ReviewError(f"not an extraction folder: {out}")


@contextmanager
def review_lock(out: Path):
    """One review command at a time on an OUT folder (an exclusive flock, released on exit or
    when the process dies)."""
    fd = os.open(Path(out) / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


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
    _check_out(out)
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
            {"at": _now(), "by": reviewer or default_reviewer(), "set": new})
        item.data["review"] = review
        write_json(item.path, item.data)
        return item, check(item, schema)


# ----------------------------------------------------------------------------------------------
# accept

@dataclass
class AcceptResult:
    accepted: list[tuple[str, str]] = field(default_factory=list)   # (id, review_status)
    failed: list[tuple[str, str]] = field(default_factory=list)     # (id, why)
    recovered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    item: Item
    row: dict
    specs: list
    gold: dict
    example: dict | None


def _status(item: Item) -> str:
    orig = item.original
    changed = {k for k, v in item.corrections.items() if orig.get(k) != v}
    return "corrected" if changed else "approved"


def _prepare(out: Path, item: Item, schema, reviewer: str, learn: bool,
             warnings: list[str], stores: dict) -> _Prepared:
    """Validate the item and build its records row, gold label and learned example."""
    from . import learn as learning
    d = item.data
    evidence = dict(d.get("evidence") or {})
    confidence = dict(d.get("confidence") or {})
    found = d.get("items") or {}   # repeated parts: the items the extractor found
    item_values = {**item.values, **{k: v.get("items") or [] for k, v in found.items()
                                     if k in schema.model.model_fields}}
    try:
        record = validate_record(schema.model, item_values, evidence=evidence,
                                 confidence=confidence, raw_output=d.get("raw_output"))
    except DocumentError as exc:
        raise ReviewError(f"still not valid: {exc.message}") from None
    specs = field_specs(schema.model)
    status = _status(item)
    changed = {k: {"was": item.original.get(k), "now": v} for k, v in item.corrections.items()
               if item.original.get(k) != v}
    # the document again, for corrected values only: where they are printed (evidence) and
    # what they teach; an approved record's values are the extractor's own: nothing to learn
    doc = _read_source(out, item, warnings) if changed else None
    values = record.model_dump()
    for name in changed:   # a corrected value: where it is printed (if it is), confidence 1
        spec = next(s for s in specs if s.name == name)
        hits = learning.locate(doc, spec, values.get(name)) if doc is not None and \
            spec.kind in learning.LEARNABLE else []
        evidence[name] = {**hits[0].evidence(), "by": "reviewer"} if hits else {"by": "reviewer"}
        confidence[name] = 1.0
    reviewed_at = _now()
    row = dict(values)
    row.update(source_file=item.source_file, doc_sha256=d.get("doc_sha256"),
               schema=schema.name, schema_version=schema.version, model=d.get("model"),
               model_sha256=d.get("model_sha256"), run_id=d.get("run_id"),
               extracted_at=d.get("rejected_at"),
               evidence=json.dumps(evidence, default=str, sort_keys=True),
               confidence=json.dumps(confidence, default=str, sort_keys=True),
               min_confidence=min((float(v) for v in confidence.values()), default=1.0),
               review_status=status, reviewed_at=reviewed_at, reviewer=reviewer,
               review_id=item.id,
               review_corrections=json.dumps(changed, default=str, sort_keys=True))
    gold = learning.gold_row(item.source_file, d.get("doc_sha256"), values,
                             {"schema": schema.name, "review_status": status,
                              "reviewer": reviewer, "reviewed_at": reviewed_at})
    example = None
    if learn and doc is not None:
        if schema.name not in stores:
            stores[schema.name] = learning.load_store(out, schema.name) or \
                learning.HintStore(schema.name)
        store = stores[schema.name]
        example = learning.learn_example(doc, specs, schema.name, values, item.original,
                                         item.source_file, store)
        store.add(example)
    from .fields import count_column, row_specs
    from .pipeline import _item_rows
    children = {}
    for spec in specs:
        if spec.kind == "items":
            got = getattr(record, spec.name) or []
            children[spec.name] = (spec, _item_rows(
                spec, got, (found.get(spec.name) or {}).get("evidence") or [],
                d.get("doc_sha256"), schema.name, item.source_file))
            row.pop(spec.name, None)
            gold.pop(spec.name, None) if isinstance(gold, dict) else None
            row[count_column(spec.name)] = len(got)
    if children:
        row["__items__"] = children
    return _Prepared(item, row, row_specs(specs), gold, example)


def _append_items(out: Path, group: list) -> None:
    """Repeated parts of accepted items -> OUT/records_<field>.parquet (see write.append_items)."""
    from .write import append_items
    names = {n for p in group for n in p.row.get("__items__", {})}
    for name in names:
        spec = next(p.row["__items__"][name][0] for p in group if name in p.row.get("__items__", {}))
        rows = [r for p in group for r in p.row.get("__items__", {}).get(name, (None, []))[1]]
        docs = {(p.row["doc_sha256"], p.row["schema"]) for p in group}
        append_items(out, name, rows, docs, spec.items)


def _read_source(out: Path, item: Item, warnings: list[str]):
    """The item's document, read again (to learn from it and to ground corrected values)."""
    from .read import read_document
    path = resolve_source(out, item.source_file)
    if path is None:
        warnings.append(f"{item.id}: source file {item.source_file} not found: "
                        "accepted without learning from it")
        return None
    try:
        return read_document(path, sha256=item.data.get("doc_sha256"))
    except DocumentError as exc:
        warnings.append(f"{item.id}: {item.source_file} could not be read ({exc.reason})")
        return None


def resolve_source(out: Path, source_file: str) -> Path | None:
    """The source file as recorded (relative to the directory the run was started in), else
    relative to OUT's parent."""
    if not source_file:
        return None
    p = Path(source_file)
    for cand in (p, Path(out).resolve().parent / p):
        if cand.is_file():
            return cand
    return None


def accept(out: Path, ids: list[str] | None = None, *, all_items: bool = False,
           reviewer: str | None = None, schema_spec: str | None = None,
           learn: bool = True, _crash_after_records: bool = False) -> AcceptResult:
    """Re-validate items (their corrections applied) and append them to records with review
    provenance; each accepted item leaves the queue. With all_items, every pending item that is
    valid is accepted and the rest are reported in `failed`."""
    _check_out(out)
    reviewer = reviewer or default_reviewer()
    res = AcceptResult()
    with review_lock(out):
        res.recovered = recover(out)
        if all_items:
            items = pending(out)
        else:
            if not ids:
                raise ReviewError("give an item id, or --all")
            items = [get_item(out, i) for i in ids]
        prepared: list[_Prepared] = []
        stores: dict = {}      # learned hints per schema, growing as the items teach them
        seen = set()
        for item in items:
            if item.id in seen:
                continue
            seen.add(item.id)
            try:
                schema = schema_of(item, schema_spec)
                prepared.append(_prepare(out, item, schema, reviewer, learn, res.warnings,
                                         stores))
            except ReviewError as exc:
                res.failed.append((item.id, str(exc)))
        if not prepared:
            return res
        # 1. records first (one write for the batch); rows carry doc hash + item id. With the
        #    records lock held no run or other writer touches records or rejected/ meanwhile.
        with _records_lock(out):
            by_schema: dict[str, list[_Prepared]] = {}
            for p in prepared:
                by_schema.setdefault(p.row["schema"], []).append(p)
            for group in by_schema.values():
                _append_items(Path(out), group)   # child tables first, as a run does
                append_records(Path(out), [{k: v for k, v in p.row.items() if k != "__items__"}
                                           for p in group], group[0].specs)
            if _crash_after_records:      # tests: the process dies here
                os._exit(17)
            # 2. out of the queue (append_records may already have removed the file)
            for p in prepared:
                _archive_accepted(out, p.item, p.row)
                res.accepted.append((p.item.id, p.row["review_status"]))
        # 3. what the reviewed records teach (a crash here: the gold label is restored by
        #    the next review command; the learned hint is lost, nothing else)
        _save_learning(out, prepared)
    return res


def _records_lock(out: Path):
    """extractors.write's lock over records and rejected/ (shared with runs), if it has one."""
    from . import write
    lock = getattr(write, "records_lock", None)
    if lock is None:
        from contextlib import nullcontext
        return nullcontext()
    return lock(out)


def _save_learning(out: Path, prepared: list[_Prepared]) -> None:
    from . import learn as learning
    for p in prepared:
        learning.save_gold(out, p.gold)
        if p.example is not None:
            learning.save_example(out, p.example)


def _archive_path(out: Path, item_id: str, sub: str) -> Path:
    dest_dir = queue_dir(out) / sub
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{item_id}.json"
    if dest.exists():   # the same document rejected again later: keep every archive
        dest = dest_dir / f"{item_id}-{dt.datetime.now().strftime('%Y%m%dT%H%M%S%f')}.json"
    return dest


def _archive_accepted(out: Path, item: Item, row: dict) -> Path:
    """Archive an accepted item (its record is already written) and take it out of the queue."""
    data = dict(item.data)
    data["review"] = {**(data.get("review") or {}), "status": row["review_status"],
                      "reviewer": row["reviewer"], "reviewed_at": row["reviewed_at"]}
    dest = _archive_path(out, item.id, ACCEPTED)
    write_json(dest, data)
    if item.path.exists():
        item.path.unlink()
    _fsync_dir(queue_dir(out))
    return dest


def recover(out: Path) -> list[str]:
    """Finish review steps a crash interrupted (call with the review lock held):
    - an item whose reviewed record is already in records (same document hash, schema and
      item id) leaves the queue instead of being appended again;
    - an item marked discarded but not yet moved is moved to the archive;
    - a reviewed record without its gold label gets it.
    Returns the ids of the items finished."""
    import polars as pl

    from . import learn as learning
    from . import write
    done = []
    with _records_lock(out):
        if hasattr(write, "repair"):   # an accept interrupted inside the records write
            write.repair(Path(out))
        for item in pending(out):
            if (item.data.get("review") or {}).get("status") == "discarded":
                _move_discarded(out, item)
                done.append(item.id)
        pq = Path(out) / "records.parquet"
        if not pq.exists():
            return done
        df = pl.read_parquet(pq)
        if "review_id" not in df.columns:
            return done
        reviewed = {(r["doc_sha256"], r["schema"], r["review_id"]): r
                    for r in df.filter(pl.col("review_id").is_not_null()).iter_rows(named=True)}
        for item in pending(out):
            row = reviewed.get((item.data.get("doc_sha256"), item.data.get("schema"), item.id))
            if row is not None:
                _archive_accepted(out, item, row)
                done.append(item.id)
    have = learning.gold_keys(out)
    names = [c for c in df.columns if c not in _META_COLUMNS]
    for row in reviewed.values():
        if (row["doc_sha256"], row["schema"]) not in have:
            learning.save_gold(out, learning.gold_row(
                row["source_file"], row["doc_sha256"], {k: row.get(k) for k in names},
                {"schema": row["schema"], "review_status": row["review_status"],
                 "reviewer": row["reviewer"], "reviewed_at": row["reviewed_at"]}))
    return done


_META_COLUMNS = ("source_file", "doc_sha256", "schema", "schema_version", "model", "model_sha256",
                 "run_id", "extracted_at", "evidence", "confidence", "min_confidence",
                 "review_status", "reviewed_at", "reviewer", "review_id", "review_corrections")


# ----------------------------------------------------------------------------------------------
# discard

def discard(out: Path, item_id: str, reason: str, *, reviewer: str | None = None) -> Path:
    """Take an item out of the queue as permanently unusable; it is archived, never deleted."""
    if not reason or not reason.strip():
        raise ReviewError("give a reason: --reason TEXT")
    _check_out(out)
    with review_lock(out):
        recover(out)
        item = get_item(out, item_id)
        item.data["review"] = {**(item.data.get("review") or {}), "status": "discarded",
                               "reason": reason.strip(),
                               "reviewer": reviewer or default_reviewer(),
                               "reviewed_at": _now()}
        with _records_lock(out):
            write_json(item.path, item.data)      # marked first: a crash is finished later
            return _move_discarded(out, item)


def _move_discarded(out: Path, item: Item) -> Path:
    dest = _archive_path(out, item.id, DISCARDED)
    os.replace(item.path, dest)                   # atomic: the item leaves the queue here
    _fsync_dir(queue_dir(out))
    return dest


def discarded_hashes(out: Path) -> set[str]:
    """Content hashes of discarded documents (a re-run can skip them)."""
    hashes = set()
    for p in (queue_dir(out) / DISCARDED).glob("*.json"):
        it = _load(p)
        if it and it.data.get("doc_sha256"):
            hashes.add(it.data["doc_sha256"])
    return hashes


# ----------------------------------------------------------------------------------------------
# text for the CLI

def format_list(items: list[Item]) -> str:
    if not items:
        return "queue is empty"
    lines = [f"{'id':<16}  {'reason':<18}  {'fields at fault':<34}  source file"]
    for it in items:
        fields = ", ".join(it.fields_at_fault) or "-"
        if len(fields) > 34:
            fields = fields[:31] + "..."
        mark = "  (fixed: " + ", ".join(it.corrections) + ")" if it.corrections else ""
        lines.append(f"{it.id:<16}  {', '.join(it.reasons):<18}  {fields:<34}  "
                     f"{it.source_file}{mark}")
    lines.append(f"{len(items)} pending")
    return "\n".join(lines)


def format_show(item: Item, schema=None) -> str:
    d = item.data
    lines = [f"item      {item.id}",
             f"source    {item.source_file}",
             f"schema    {d.get('schema')} (version {d.get('schema_version')})",
             f"rejected  {d.get('rejected_at')}  run {d.get('run_id')}",
             f"reason    {d.get('reason')} (stage {d.get('stage')}): {d.get('message')}"]
    errors = d.get("field_errors") or {}
    evidence = d.get("evidence") or {}
    confidence = d.get("confidence") or {}
    raw = d.get("raw_output") or {}
    names = [s.name for s in field_specs(schema.model)] if schema else \
        list(dict.fromkeys([*item.original, *item.corrections, *errors]))
    lines.append("")
    lines.append(f"{'field':<18} {'value':<34} {'conf':>5}  evidence (page, box, printed text)")
    for name in names:
        value = item.values.get(name)
        mark = " *" if name in item.corrections else ""
        conf = confidence.get(name)
        conf_s = f"{conf:.2f}" if isinstance(conf, (int, float)) else "-"
        ev = evidence.get(name)
        if isinstance(ev, dict) and "page" in ev:
            ev_s = f"p{ev['page']} {ev.get('bbox')} \"{ev.get('text')}\""
        elif isinstance(ev, list) and ev:
            ev_s = f"{len(ev)} places"
        else:
            ev_s = "-"
        shown = "" if value is None else str(value)
        lines.append(f"{name:<18} {shown[:33] + mark:<34} {conf_s:>5}  {ev_s}")
        if name in item.corrections and item.original.get(name) != item.corrections[name]:
            lines.append(f"{'':<18}   (extracted: {item.original.get(name)})")
        for msg in errors.get(name, []):
            lines.append(f"{'':<18}   ! {msg}")
        opts = (raw.get(name) or {}).get("options") if isinstance(raw.get(name), dict) else None
        if opts and (name in errors):
            lines.append(f"{'':<18}   options offered: " + " | ".join(str(o)[:40] for o in opts[:5]))
    for msg in errors.get("_record", []):
        lines.append(f"record: ! {msg}")
    if item.corrections:
        lines.append("\n* set by a reviewer")
    return "\n".join(lines)
