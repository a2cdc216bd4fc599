"""Confidence calibration: labelled dev sets -> the logistic model that turns a field's signals
into the probability that its value is right (extractors/decide/calibration.json), and how well
it separates right from wrong, tested on a set it was not fitted on.

    python bench/calibrate.py [--cache DIR] [--data F.jsonl] [--collect [--labels-only] [--sets a,b]]
                              [--signals a,b] [--write]

--collect extracts every labelled document of adbuy-dev, zugferd and bills-dev with the plain
schemas (bench/schemas/) and the hand-labelled ones, with the embedded model, and stores each
field's signals (extractors/decide/confidence.py) and whether its value equals the label in
--data. Then, from --data: a logistic regression (Newton's method in numpy, L2 0.1) is fitted
on two sets and tested on the third, for each set (AUROC of field and record confidence,
expected calibration error, precision and straight-through at thresholds); --write fits on
all and writes the calibration with the record-confidence threshold that keeps precision of
accepted records >= 0.95 on the dev sets (pooled), or none when that threshold would pass
fewer than 60% of them straight through.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from plain import DATA, SETS, cached_document  # noqa: E402

from extractors.decide.confidence import CALIBRATION, KINDS
from extractors.errors import DocumentError
from extractors.eval import reliability
from extractors.eval.score import load_gold, same

SIGNALS = ["label", "margin", "model", "asked", "agree", "repeat", "ocr", "none", "required",
           "extended", "cut",
           "choose_conf", "label_own", "label_rival", "unlabelled", "close", "lower_page"] + \
    [f"kind_{k}" for k in KINDS]
# the signals the written calibration uses: measured held-out (fit on two sets, test on the
# third), the chosen value's rank score and its margin generalise best (record AUROC zugferd
# 0.92, bills 0.86, labels only); adding the others fits the training sets and loses on the
# held-out one (docs/measurements.md, session 9). Session 12 added "extended" (the value is
# printed elsewhere with more attached): record AUROC held out adbuy 0.457 -> 0.706, bills
# 0.778 -> 0.778, zugferd 0.887 -> 0.875, nda 0.455 -> 0.451. --signals tries others.
NAMES = ["label", "margin", "extended"]
TARGET_PRECISION = 0.95
PRECISION_SETS = ("zugferd", "bills")   # the sets the issue's precision target names
MIN_STRAIGHT_THROUGH = 0.6   # a default threshold that sends more than this to review is none


def printed(spec, gold, doc, cands) -> bool:
    """Is the gold value printed in the document at all (as text, or as a value of its kind the
    reader finds)? The issue leaves out documents whose gold is printed nowhere."""
    import re
    if gold is None or str(gold).strip() == "":
        return True
    if spec.kind in ("text", "id"):
        squash = (lambda t: re.sub(r"[^0-9a-zà-ÿ]+", "", str(t).casefold()))
        return squash(gold) in squash(doc.text)
    return any(same(spec, gold, c.value) for c in cands.get(spec.name, []))


def collect(cache: Path | None, out: Path, labels_only: bool = False,
            sets: tuple[str, ...] = ("adbuy", "zugferd", "bills", "nda")) -> None:
    from extractors.decide.backends import load_backend
    from plain import LabelsOnly
    from extractors.decide.rule_repair import repair_by_rules
    from extractors.decide.validate import validate_record
    from extractors.locate.candidates import find_candidates
    from extractors.run import Extractor
    from schemas import load_schema
    backend = LabelsOnly() if labels_only else load_backend(None)
    with out.open("w", encoding="utf-8") as fh:
        for set_name, (folder, gold_name, plain, labelled, fields) in SETS.items():
            if set_name not in sets:   # other wordings name their fields otherwise: plain.py
                continue
            gold = load_gold(DATA / folder / gold_name)
            for sname in [plain] + ([labelled] if labelled else []):
                schema = load_schema(sname)
                ex = Extractor(schema.model, backend)
                for g in gold:
                    try:
                        doc = cached_document(DATA / folder / g["file"], cache)
                        got = ex.extract(doc)
                    except DocumentError:
                        continue
                    try:
                        validate_record(schema.model, got.values, evidence={}, confidence={},
                                        raw_output={})
                    except DocumentError as exc:
                        if exc.reason == "business_rule":
                            repair_by_rules(schema.model, got, all_options=got.all_options)
                    cands = find_candidates(doc, ex.specs)
                    for s in ex.specs:
                        sig = got.raw_output.get(s.name, {}).get("signals")
                        if sig is None or (fields and s.name not in fields) or s.name not in g:
                            continue
                        fh.write(json.dumps({
                            "set": set_name, "schema": sname, "file": g["file"], "field": s.name,
                            "right": bool(same(s, g.get(s.name), got.values.get(s.name))),
                            "printed": printed(s, g.get(s.name), doc, cands),
                            "signals": sig}) + "\n")
                print(f"collected {set_name} / {sname}", file=sys.stderr)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> np.ndarray:
    """Logistic regression by Newton's method; x has a bias column first."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + l2 * np.r_[0, w[1:]]
        h = x.T @ (x * (p * (1 - p))[:, None]) + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        step = np.linalg.solve(h, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def auroc(score: np.ndarray, right: np.ndarray) -> float:
    got = reliability.auroc([(float(s), bool(r)) for s, r in zip(score, right)])
    return float("nan") if got is None else got


def ece(prob: np.ndarray, right: np.ndarray) -> tuple[float, list]:
    return reliability.reliability([(float(p), bool(r)) for p, r in zip(prob, right)])


def matrix(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[1.0] + [r["signals"].get(n, 0.0) for n in NAMES] for r in rows])
    y = np.array([1.0 if r["right"] else 0.0 for r in rows])
    return x, y


def records(rows: list[dict], prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per document and schema: the product of field probabilities, and all fields right."""
    conf: dict = {}
    ok: dict = {}
    for r, p in zip(rows, prob):
        k = (r["schema"], r["file"])
        conf[k] = conf.get(k, 1.0) * p
        ok[k] = ok.get(k, True) and r["right"]
    keys = sorted(conf)
    return np.array([conf[k] for k in keys]), np.array([1.0 if ok[k] else 0.0 for k in keys])


def threshold_for(conf: np.ndarray, ok: np.ndarray, target: float) -> tuple[float, float, float]:
    """The lowest threshold whose accepted records reach `target` precision: (t, precision,
    straight-through)."""
    best = (1.01, float("nan"), 0.0)
    for t in sorted(set(np.round(conf, 4)), reverse=True):
        acc = conf >= t
        if acc.sum() and ok[acc].mean() >= target:
            best = (float(t), float(ok[acc].mean()), float(acc.mean()))
    return best


def report(rows: list[dict]) -> None:
    sets = sorted({r["set"] for r in rows})
    print(f"{'held-out set':<12}{'fields':>8}{'AUROC f':>9}{'ECE f':>8}{'records':>9}"
          f"{'AUROC r':>9}{'uncal AUROC r':>15}{'t@0.95':>8}{'prec':>7}{'ST':>6}")
    for held in sets:
        train = [r for r in rows if r["set"] != held]
        test = [r for r in rows if r["set"] == held]
        if not train:     # one set collected: nothing to fit on without it
            continue
        w = fit(*matrix(train))
        x, y = matrix(test)
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        e, _ = ece(p, y)
        rc, rok = records(test, p)
        raw = np.array([r["signals"]["choose_conf"] for r in test])
        rc0, _ = records(test, raw)
        t, prec, st = threshold_for(rc, rok, TARGET_PRECISION)
        print(f"{held:<12}{len(test):>8}{auroc(p, y):>9.3f}{e:>8.3f}{len(rc):>9}"
              f"{auroc(rc, rok):>9.3f}{auroc(rc0, rok):>15.3f}{t:>8.3f}{prec:>7.3f}{st:>6.3f}")


def report_printed(rows: list[dict]) -> None:
    """The issue's precision target (plain schemas, zugferd and bills-dev) leaves out, and
    lists, documents whose gold value is printed nowhere in them: per held-out set, its plain
    schema's records without them; the threshold chosen on the other sets (what a new document
    type would get by default) applied to it, and the one chosen on itself."""
    if not any("printed" in r for r in rows):
        return
    out = sorted({(r["set"], r["file"]) for r in rows if r.get("printed") is False
                  and r["set"] in PRECISION_SETS})
    print(f"left out ({', '.join(PRECISION_SETS)}): {len(out)} documents whose gold value is "
          "printed nowhere in them")
    for s, f in out:
        fields = sorted({r["field"] for r in rows if (r["set"], r["file"]) == (s, f)
                         and r.get("printed") is False})
        print(f"  {s:<8} {f}  ({', '.join(fields)})")
    kept = [r for r in rows if (r["set"], r["file"]) not in set(out)]
    print(f"{'held-out set':<12}{'records':>8}{'AUROC r':>9}{'t(other sets)':>14}{'prec':>7}"
          f"{'ST':>6}{'t(itself)':>10}{'prec':>7}{'ST':>6}   (plain schemas)")
    for held in PRECISION_SETS:
        train = [r for r in kept if r["set"] != held]
        test = [r for r in kept if r["set"] == held and "bench/" in r["schema"]]
        if not train or not test:
            continue
        w = fit(*matrix(train))
        prob = (lambda rs: 1 / (1 + np.exp(-np.clip(matrix(rs)[0] @ w, -30, 30))))
        tc, tok = records(train, prob(train))
        rc, rok = records(test, prob(test))
        t, _, _ = threshold_for(tc, tok, TARGET_PRECISION)
        acc = rc >= t
        prec = rok[acc].mean() if acc.sum() else float("nan")
        t2, prec2, st2 = threshold_for(rc, rok, TARGET_PRECISION)
        print(f"{held:<12}{len(rc):>8}{auroc(rc, rok):>9.3f}{t:>14.3f}{prec:>7.3f}"
              f"{acc.mean():>6.3f}{t2:>10.3f}{prec2:>7.3f}{st2:>6.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--data", type=Path, default=Path("/tmp/calibration-data.jsonl"))
    ap.add_argument("--collect", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--signals", default=",".join(NAMES),
                    help=f"signals to fit on, of: {','.join(SIGNALS)}")
    ap.add_argument("--sets", default="adbuy,zugferd,bills,nda",
                    help="the sets of bench/plain.py to collect (their fields named as labelled)")
    ap.add_argument("--labels-only", action="store_true",
                    help="collect without the model (fast; to explore signals, not to --write)")
    a = ap.parse_args()
    NAMES[:] = [n for n in a.signals.split(",") if n in SIGNALS]
    if a.collect:
        collect(a.cache, a.data, a.labels_only, tuple(a.sets.split(",")))
    rows = [json.loads(line) for line in a.data.read_text(encoding="utf-8").splitlines()]
    by = {}
    for r in rows:
        by.setdefault((r["set"], Path(r["schema"]).stem + (" (plain)" if "bench/" in r["schema"]
                                                           else "")), []).append(r["right"])
    print("field accuracy with the model (partial records of rejected documents counted):")
    for (s, sch), v in sorted(by.items()):
        print(f"  {s:<8} {sch:<22} {np.mean(v):.3f}  ({len(v)} fields)")
    report(rows)
    report_printed(rows)
    if a.write:
        x, y = matrix(rows)
        w = fit(x, y)
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        rc, rok = records(rows, p)
        t, prec, st = threshold_for(rc, rok, TARGET_PRECISION)
        e, table = ece(p, y)
        print(f"fitted on all {len(rows)} fields: ECE {e:.3f}; record threshold {t:.3f} "
              f"(precision {prec:.3f}, straight-through {st:.3f})")
        for lo, hi, n, conf, acc in table:
            print(f"  {lo:.1f}-{hi:.1f}  n={n:<5} confidence {conf:.3f}  accuracy {acc:.3f}")
        CALIBRATION.write_text(json.dumps({
            "bias": round(float(w[0]), 5),
            "weights": {n: round(float(v), 5) for n, v in zip(NAMES, w[1:])},
            "review_below": round(t, 4) if t <= 1 and st >= MIN_STRAIGHT_THROUGH else None,
            "fitted_on": "the labelled dev sets of ad-buy orders, e-invoices, utility bills and NDAs; "
                         "plain and hand-labelled schemas, embedded model (bench/calibrate.py)",
        }, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION}")


if __name__ == "__main__":
    main()
