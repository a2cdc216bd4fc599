"""Do reviewers' corrections on some issuers help on OTHER issuers? (issue 17, item 4)

    python bench/corrections_across.py DIR --schema S --gold LABELS [--k 3] [--seeds 10]
                                       [--min-docs 2] [--cache DIR] [--fields a,b]

1. Reads every labelled document once and groups them into issuer/layout families with
   bench/corrections.py's grouping (first three lines' shared words; not the product's).
2. For each seed: the families are shuffled and split in two halves. A simulated reviewer
   corrects k documents of each family of the first half ("taught" issuers), one after another,
   exactly as `extract review fix` + `accept` feed extractors/review/learn.py.
3. Every document of the second half (issuers no correction came from) is extracted with the
   hints learned and without any, and scored against the gold labels.
4. Prints per field the accuracy on the untaught issuers without and with the corrections, the
   change, and how many documents the corrections made right and wrong.

Labels only (uniform model probabilities), as bench/corrections.py by default.
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corrections import LabelsOnly, families, score  # noqa: E402
from plain import cached_document  # noqa: E402

from extractors.errors import DocumentError  # noqa: E402
from extractors.eval.score import _norm, load_gold  # noqa: E402
from extractors.review.learn import HintStore, learn_example  # noqa: E402
from extractors.run import Extractor  # noqa: E402
from schemas import load_schema  # noqa: E402


def read_all(root: Path, files, cache: Path | None) -> dict:
    docs = {}
    for f in files:
        try:
            docs[f] = cached_document(root / f, cache)
        except DocumentError as exc:
            print(f"skip {f}: {exc.reason}", file=sys.stderr)
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--k", type=int, default=3, help="corrected documents per taught family")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--min-docs", type=int, default=2, help="families smaller than this are "
                    "only ever scored, never taught")
    ap.add_argument("--fields")
    ap.add_argument("--cache", type=Path, help="folder of read documents, as bench/plain.py --cache")
    a = ap.parse_args()
    schema = load_schema(a.schema)
    backend = LabelsOnly()
    base = Extractor(schema.model, backend)
    specs = base.specs
    names = a.fields.split(",") if a.fields else [s.name for s in specs]
    gold = {g["file"]: g for g in load_gold(a.gold)}
    docs = read_all(a.root, gold, a.cache)
    typed = {f: {s.name: _norm(s, g.get(s.name)) for s in specs if s.name in g}
             for f, g in gold.items()}
    fams = families(docs)
    base_ok = {f: score(base, docs[f], gold[f], specs, names)[1] for f in docs}

    with_ok, without_ok = collections.Counter(), collections.Counter()
    fixed, broke = collections.Counter(), collections.Counter()
    n_scored = n_taught = 0
    for seed in range(a.seeds):
        order = list(fams)
        random.Random(seed).shuffle(order)
        taught, untaught = order[:len(order) // 2], order[len(order) // 2:]
        store = HintStore(schema.name)
        ex = Extractor(schema.model, backend, hints=store)
        for fam in taught:
            if len(fam) < a.min_docs:
                continue
            for f in sorted(fam, key=lambda x: random.Random(f"{seed}{x}").random())[:a.k]:
                try:
                    before = ex.extract(docs[f]).values
                except DocumentError:
                    before = {}
                store.add(learn_example(docs[f], specs, schema.name, typed[f], before, f, store))
                n_taught += 1
        for fam in untaught:
            for f in fam:
                ok = score(ex, docs[f], gold[f], specs, names)[1]
                for n in names:
                    with_ok[n] += int(ok[n])
                    without_ok[n] += int(base_ok[f][n])
                    fixed[n] += int(ok[n] and not base_ok[f][n])
                    broke[n] += int(base_ok[f][n] and not ok[n])
                n_scored += 1
    print(f"\n{schema.name}: {len(fams)} families; per seed, k={a.k} corrections in each of half "
          f"the families ({n_taught} corrections over {a.seeds} seeds), scored on the other half's "
          f"documents ({n_scored} document extractions), labels only\n")
    print(f"{'field':<24}{'without':>9}{'with':>9}{'change':>9}{'fixed':>7}{'broke':>7}")
    for n in names + ["ALL"]:
        keys = names if n == "ALL" else [n]
        w0 = sum(without_ok[k] for k in keys) / (n_scored * len(keys))
        w1 = sum(with_ok[k] for k in keys) / (n_scored * len(keys))
        print(f"{n:<24}{w0:>9.3f}{w1:>9.3f}{w1 - w0:>+9.3f}"
              f"{sum(fixed[k] for k in keys):>7}{sum(broke[k] for k in keys):>7}")


if __name__ == "__main__":
    main()
