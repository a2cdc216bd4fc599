"""How reviewers' corrections improve extraction on other documents of the same issuer/layout.

    python bench/corrections.py DIR --schema S --gold LABELS [--ks 0,1,3,10] [--seeds 10]
                                    [--min-docs 5] [--model] [--json out.json]

1. Reads every labelled document once (in-process, no output files).
2. Groups them into issuer/layout families. The grouping is the bench's, not the product's:
   connected components of documents whose first three lines share most of their common words
   (Jaccard >= 0.6 over words that appear in at least 4 documents' first lines). It is
   independent of the fingerprint extractors/learn.py uses (all words of the first page).
3. For each family with at least --min-docs documents and each seed: shuffles it; for k in
   --ks, a simulated reviewer corrects the first k documents one after another (extract with the
   hints learned so far, then correct to the gold labels, exactly what `extract review fix` +
   `accept` feed to extractors/learn.py), then the family's OTHER documents are extracted with
   the learned hints and scored against the gold labels (extractors.evaluate.same).
4. Prints field accuracy per family and k (mean over seeds), and the document-weighted mean.

Labels only by default (uniform model probabilities, as bench/compare.py); --model adds the
embedded model's choice on close calls (slow).
"""
from __future__ import annotations

import argparse
import collections
import json
import pickle
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.errors import DocumentError
from extractors.eval.score import _norm, load_gold, same
from extractors.review.learn import HintStore, learn_example
from extractors.run import Extractor
from extractors.read.document import read_document
from schemas import load_schema  # noqa: E402


class LabelsOnly:
    """Uniform model probabilities: the choice falls to the label scores."""
    name, sha256 = "labels-only", "-"

    def choose(self, prompt, n):
        return [1.0 / (n + 1)] * (n + 1), 0


def head_words(doc) -> set[str]:
    lines = doc.pages[0].text.split("\n")[:3]
    return {t.lower() for t in re.findall(r"[A-Za-z]{3,}", " ".join(lines))}


def families(docs: dict) -> list[list[str]]:
    heads = {n: head_words(d) for n, d in docs.items()}
    df = collections.Counter(t for s in heads.values() for t in s)
    heads = {n: {t for t in s if df[t] >= 4} for n, s in heads.items()}
    names = sorted(heads)
    parent = {n: n for n in names}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ha, hb = heads[a], heads[b]
            if ha and hb and len(ha & hb) / len(ha | hb) >= 0.6:
                parent[find(a)] = find(b)
    groups = collections.defaultdict(list)
    for n in names:
        groups[find(n)].append(n)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def family_name(docs, group) -> str:
    """The family's shared header words, in printed order (for the table)."""
    common = set.intersection(*(head_words(docs[n]) for n in group))
    words = []
    for t in re.findall(r"[A-Za-z]{3,}", " ".join(docs[group[0]].pages[0].text.split("\n")[:3])):
        if t.lower() in common and t.lower() not in (w.lower() for w in words):
            words.append(t)
    return " ".join(words[:5]) or "(no shared header)"


def score(ex: Extractor, doc, gold: dict, specs, names) -> tuple[int, dict]:
    try:
        vals = ex.extract(doc).values
    except DocumentError:
        vals = {}
    ok = {n: same(s, gold.get(n), vals.get(n)) for s in specs for n in [s.name] if n in names}
    return sum(ok.values()), ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--ks", default="0,1,3,10")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--min-docs", type=int, default=5)
    ap.add_argument("--min-test", type=int, default=2, help="k is measured only when at least "
                    "this many other documents of the family remain")
    ap.add_argument("--fields")
    ap.add_argument("--model", action="store_true", help="use the embedded model on close calls")
    ap.add_argument("--json", type=Path, help="write the full result as JSON")
    ap.add_argument("--cache", type=Path, help="pickle of the read documents (made if missing)")
    a = ap.parse_args()
    ks = [int(k) for k in a.ks.split(",")]
    schema = load_schema(a.schema)
    backend = LabelsOnly()
    if a.model:
        from extractors.decide.backends import load_backend
        backend = load_backend(None)
    base = Extractor(schema.model, backend)
    specs = base.specs
    names = a.fields.split(",") if a.fields else [s.name for s in specs]
    gold_rows = {g["file"]: g for g in load_gold(a.gold)}

    t0 = time.perf_counter()
    docs = {}
    if a.cache and a.cache.exists():
        docs = pickle.loads(a.cache.read_bytes())
    else:
        for f in gold_rows:
            try:
                docs[f] = read_document(a.root / f)
            except DocumentError as exc:
                print(f"skip {f}: {exc.reason}", file=sys.stderr)
        if a.cache:
            a.cache.write_bytes(pickle.dumps(docs))
    print(f"read {len(docs)} documents in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    # gold values as the typed values a reviewer would type in
    typed = {f: {s.name: _norm(s, g.get(s.name)) for s in specs if s.name in g}
             for f, g in gold_rows.items()}

    fams = [g for g in families(docs) if len(g) >= a.min_docs]
    base_ok = {f: score(base, docs[f], gold_rows[f], specs, names)[1]
               for fam in fams for f in fam}          # no corrections: every document once
    result = []
    for fam in fams:
        row = {"family": family_name(docs, fam), "docs": len(fam), "acc": {}, "base": {},
               "per_field": {}, "per_field_base": {}}
        for k in ks:
            if len(fam) - k < a.min_test:
                continue
            ok_hint, ok_base = collections.Counter(), collections.Counter()
            n_test = 0
            for seed in range(a.seeds):
                order = sorted(fam)
                random.Random(seed).shuffle(order)
                store = HintStore(schema.name)
                ex = Extractor(schema.model, backend, hints=store)
                for f in order[:k]:      # the reviewer corrects k documents, one by one
                    try:
                        before = ex.extract(docs[f]).values
                    except DocumentError:
                        before = {}
                    store.add(learn_example(docs[f], specs, schema.name, typed[f], before, f,
                                            store))
                for f in order[k:]:      # the family's other documents
                    ok = score(ex, docs[f], gold_rows[f], specs, names)[1] if k else base_ok[f]
                    ok_hint.update({n: int(v) for n, v in ok.items()})
                    ok_base.update({n: int(v) for n, v in base_ok[f].items()})
                    n_test += 1
            row["acc"][k] = sum(ok_hint.values()) / (n_test * len(names))
            row["base"][k] = sum(ok_base.values()) / (n_test * len(names))
            row["per_field"][k] = {n: ok_hint[n] / n_test for n in names}
            row["per_field_base"][k] = {n: ok_base[n] / n_test for n in names}
        result.append(row)
        print(f"{row['family'][:40]:<42}{row['docs']:>5}  " +
              "  ".join(f"k={k}: {v:.3f} ({v - row['base'][k]:+.3f})"
                        for k, v in row["acc"].items()), file=sys.stderr)

    def cell(r, k):
        if k not in r["acc"]:
            return "–"
        if k == 0:
            return f"{r['acc'][k]:.3f}"
        return f"{r['acc'][k]:.3f} ({r['acc'][k] - r['base'][k]:+.3f})"

    # the table
    print(f"\nField accuracy on a family's other documents after k corrections "
          f"({schema.name}, {len(names)} fields, {a.seeds} random orders, "
          f"{'with model' if a.model else 'labels only'}); in brackets: the change against "
          f"no corrections on the same documents\n")
    print("| issuer/layout family | docs | " + " | ".join(f"k={k}" for k in ks) + " |")
    print("|---|---|" + "---|" * len(ks))
    for r in result:
        print(f"| {r['family']} | {r['docs']} | " + " | ".join(cell(r, k) for k in ks) + " |")
    mean = []
    for k in ks:
        rows = [r for r in result if k in r["acc"]]
        w = sum(r["docs"] for r in rows)
        if not rows:
            mean.append("–")
            continue
        acc = sum(r["acc"][k] * r["docs"] for r in rows) / w
        base_acc = sum(r["base"][k] * r["docs"] for r in rows) / w
        mean.append(f"{acc:.3f}" if k == 0 else f"{acc:.3f} ({acc - base_acc:+.3f})")
    print("| **mean, weighted by docs** (families) | " +
          f"{sum(r['docs'] for r in result)} | " +
          " | ".join(f"{m} ({sum(1 for r in result if k in r['acc'])})"
                     for m, k in zip(mean, ks)) + " |")
    print("\nper field (families measured at every k), change against no corrections:")
    full = [r for r in result if all(k in r["acc"] for k in ks)]
    w = sum(r["docs"] for r in full)
    for n in names:
        cells = []
        for k in ks:
            v = sum(r["per_field"][k][n] * r["docs"] for r in full) / w if w else 0
            b = sum(r["per_field_base"][k][n] * r["docs"] for r in full) / w if w else 0
            cells.append(f"k={k}: {v:.3f} ({v - b:+.3f})")
        print(f"  {n:<16}" + "  ".join(cells))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
