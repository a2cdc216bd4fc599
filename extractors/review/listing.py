"""Review `list` and `show`: the pending items of OUT/rejected/ -> a listing, and one item
-> its record, evidence per field and why it was rejected."""
from __future__ import annotations

from pathlib import Path

from extractors.fieldspecs import field_specs
from extractors.review.queue import Item, check_out, pending, review_lock
from extractors.review.recover import recover


def list_items(out: Path) -> list[Item]:
    check_out(out)
    with review_lock(out):
        recover(out)
    return pending(out)


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
