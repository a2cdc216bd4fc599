"""Does confidence know when the tool is wrong: (confidence, right) pairs -> AUROC, a reliability
table with its expected calibration error (ECE), and precision and straight-through per
threshold of record confidence."""
from __future__ import annotations


def auroc(pairs: list[tuple[float, bool]]) -> float | None:
    """Probability that a right item has higher confidence than a wrong one (ties half)."""
    pos = sorted(c for c, ok in pairs if ok)
    neg = sorted(c for c, ok in pairs if not ok)
    if not pos or not neg:
        return None
    from bisect import bisect_left, bisect_right
    wins = sum(bisect_left(neg, c) + 0.5 * (bisect_right(neg, c) - bisect_left(neg, c))
               for c in pos)
    return wins / (len(pos) * len(neg))


def reliability(pairs: list[tuple[float, bool]], bins: int = 10) -> tuple[float, list[tuple]]:
    """ECE and rows (low, high, n, mean confidence, accuracy) of equal-width bins."""
    rows, ece = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        got = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == hi)]
        if got:
            conf = sum(c for c, _ in got) / len(got)
            acc = sum(ok for _, ok in got) / len(got)
            ece += len(got) / len(pairs) * abs(conf - acc)
            rows.append((lo, hi, len(got), conf, acc))
    return ece, rows


def thresholds(pairs: list[tuple[float, bool]],
               cuts=(0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95)) -> list[tuple[float, float, float]]:
    """(threshold, precision of what would be accepted, straight-through) per threshold."""
    out = []
    for t in cuts:
        acc = [ok for c, ok in pairs if c >= t]
        out.append((t, sum(acc) / len(acc) if acc else float("nan"),
                    len(acc) / len(pairs) if pairs else 0.0))
    return out


def format_reliability(fields: list[tuple[float, bool]], records: list[tuple[float, bool]]) -> str:
    if not records:
        return ""
    lines = []
    a = auroc(records)
    lines.append("record confidence AUROC " + (f"{a:.3f}" if a is not None else "n/a") +
                 f" over {len(records)} documents")
    ece, rows = reliability(fields)
    lines.append(f"field reliability (ECE {ece:.3f}):  bin  n  confidence  accuracy")
    for lo, hi, n, conf, acc in rows:
        lines.append(f"  {lo:.1f}-{hi:.1f}  {n:>5}  {conf:.3f}  {acc:.3f}")
    lines.append("review threshold (record confidence):  precision  straight-through")
    for t, prec, st in thresholds(records):
        lines.append(f"  >= {t:.2f}  {prec:.3f}  {st:.3f}")
    return "\n".join(lines)
