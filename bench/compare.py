"""Accuracy/time of the extractor on labelled documents, with the model and with labels only.

    python bench/compare.py DIR --schema S --gold LABELS [--limit N] [--no-model] [--validate]

Runs extraction in-process (no output files) and prints per-field accuracy and seconds/doc for
(a) label scores only and (b) label scores + the model's choice, side by side on the same docs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.errors import DocumentError
from extractors.eval.score import load_gold, same
from extractors.run import Extractor
from extractors.read.document import read_document
from schemas import load_schema  # noqa: E402


class LabelsOnly:
    """Uniform model probabilities: the choice falls to the label scores."""
    name, sha256 = "labels-only", "-"

    def choose(self, prompt, n):
        return [1.0 / (n + 1)] * (n + 1), 0


def validated(schema, ex) -> dict:
    """The values `extract run` would accept (raises DocumentError when it would reject)."""
    from extractors.decide.rule_repair import repair_by_rules
    from extractors.decide.validate import validate_record
    try:
        validate_record(schema.model, ex.values, evidence={}, confidence={}, raw_output={})
    except DocumentError as exc:
        if exc.reason != "business_rule" or not repair_by_rules(schema.model, ex,
                                                                 all_options=ex.all_options):
            raise
        validate_record(schema.model, ex.values, evidence={}, confidence={}, raw_output={})
    return ex.values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--fields")
    ap.add_argument("--model")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--validate", action="store_true",
                    help="validate each record like `extract run` (business-rule repair "
                         "included); a rejected record counts as wrong for every field")
    a = ap.parse_args()
    schema = load_schema(a.schema)
    gold = load_gold(a.gold)[: a.limit] if a.limit else load_gold(a.gold)
    backends = [LabelsOnly()]
    if not a.no_model:
        from extractors.decide.backends import load_backend
        backends.append(load_backend(a.model))
    exs = [Extractor(schema.model, b) for b in backends]
    specs = exs[0].specs
    labelled = {k for g in gold for k in g}   # score the fields the labels give
    names = a.fields.split(",") if a.fields else [s.name for s in specs if s.name in labelled]
    correct = [{n: 0 for n in names} for _ in exs]
    times = [[] for _ in exs]
    for g in gold:
        try:
            doc = read_document(a.root / g["file"], isolate=False)
        except DocumentError:
            continue   # unreadable: counts as wrong for every field
        for i, ex in enumerate(exs):
            t = time.perf_counter()
            try:
                got = ex.extract(doc)
                vals = got.values
                if a.validate:
                    vals = validated(schema, got)
            except DocumentError:
                vals = {}
            times[i].append(time.perf_counter() - t)
            for s in specs:
                if s.name in names and same(s, g.get(s.name), vals.get(s.name)):
                    correct[i][s.name] += 1
    n = len(gold)
    print(f"{'field':<20}" + "".join(f"{b.name[:22]:>24}" for b in backends))
    for f in names:
        print(f"{f:<20}" + "".join(f"{c[f] / n:>24.3f}" for c in correct))
    print(f"{'ALL':<20}" + "".join(f"{sum(c.values()) / (n * len(names)):>24.3f}"
                                   for c in correct))
    print(f"{'median s/doc':<20}" + "".join(f"{statistics.median(t):>24.3f}" for t in times))
    for b in backends:
        if hasattr(b, "evaluated_tokens"):
            print(f"{b.name}: prompt tokens/doc {b.prompt_tokens / n:.0f}, "
                  f"evaluated (after KV prefix reuse) {b.evaluated_tokens / n:.0f}")


if __name__ == "__main__":
    main()
