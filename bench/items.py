"""Repeated parts against labelled documents: item count per document vs the gold count.

    python bench/items.py DIR --schema invoice --gold DIR/labels.jsonl [--field line_items]
           [--gold-key line_items] [--show-misses]

Reads every labelled PDF under DIR (the visible text only), extracts the schema's repeated part
with extractors/items.py (no model: items are found from the layout) and prints the share of
documents whose item count equals the gold count. The gold value is either a count or the list
of items (then per-sub-field accuracy is printed too, items matched in order)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.errors import DocumentError
from extractors.fieldspecs import field_specs
from extractors.locate.line_items import extract_items
from extractors.read.document import read_document
from schemas import load_schema  # noqa: E402


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        from decimal import Decimal
        return Decimal(str(a)) == Decimal(str(b))
    except Exception:  # noqa: BLE001 - not numbers: compare as text
        return str(a).strip().casefold() == str(b).strip().casefold()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--field", default=None, help="the repeated part (default: the schema's first)")
    ap.add_argument("--gold-key", default=None, help="gold column (default: the field's name)")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)
    schema = load_schema(args.schema)
    specs = field_specs(schema.model)
    spec = next(s for s in specs if s.kind == "items" and (args.field in (None, s.name)))
    key = args.gold_key or spec.name
    gold = [json.loads(l) for l in args.gold.read_text(encoding="utf-8").splitlines() if l.strip()]
    n = hit = 0
    n_pos = hit_pos = 0   # documents whose gold count is not 0 (a profile may carry no lines)
    per_sub = {s.name: [0, 0] for s in spec.items}
    misses, seconds = [], []
    for g in gold:
        if key not in g:
            continue
        path = args.dir / g["file"]
        want = g[key]
        n += 1
        n_pos += (want if isinstance(want, int) else len(want)) > 0
        t0 = time.perf_counter()
        try:
            doc = read_document(path, ocr="never")
            res = extract_items(doc, spec, [s for s in specs if s is not spec])
            got = res.items
        except DocumentError as exc:
            got = []
            misses.append((g["file"], want if isinstance(want, int) else len(want), exc.reason))
            continue
        finally:
            seconds.append(time.perf_counter() - t0)
        want_n = want if isinstance(want, int) else len(want)
        if len(got) == want_n:
            hit += 1
            hit_pos += want_n > 0
        else:
            misses.append((g["file"], want_n, len(got)))
        if isinstance(want, list):
            for w, item in zip(want, got):
                for s in spec.items:
                    if s.name in w:
                        per_sub[s.name][1] += 1
                        per_sub[s.name][0] += same(item.get(s.name), w[s.name])
            for w in want[len(got):]:
                for s in spec.items:
                    if s.name in w:
                        per_sub[s.name][1] += 1
    print(f"{spec.name} count match: {hit}/{n} = {hit / max(n, 1):.3f}")
    if n_pos < n:
        print(f"{spec.name} count match where the gold count is not 0: {hit_pos}/{n_pos} = "
              f"{hit_pos / max(n_pos, 1):.3f}")
    if any(t for _, t in per_sub.values()):
        print("per sub-field accuracy: " + ", ".join(
            f"{k} {c}/{t} = {c / t:.3f}" for k, (c, t) in per_sub.items() if t))
    seconds.sort()
    if seconds:
        print(f"seconds per document (read + items): median {seconds[len(seconds) // 2]:.2f}, "
              f"max {seconds[-1]:.2f}")
    if args.show_misses:
        for m in misses:
            print("  miss", *m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
