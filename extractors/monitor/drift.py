"""Drift: this run's counts against the pooled counts of the previous runs -> flags.

The baseline of a schema is the sum of the counts of its previous settings.BASELINE_RUNS runs
that extracted documents of it. Two tests, each needing settings.MIN_DOCS documents on both
sides (fewer: not compared):

- rates (a field's found-rate, the share of documents rejected, or unclassified): flagged when
  the rate moved by settings.RATE_SHIFT or more AND the two-proportion z-test rules out chance
  at settings.CONFIDENCE_LEVEL (two-sided);
- a field's confidence distribution (histogram over settings.CONFIDENCE_BINS, 0.5 added to
  each bin): flagged when the population stability index
  PSI = sum_i (now_i - before_i) * ln(now_i / before_i) is settings.PSI_THRESHOLD or more AND
  it is more than chance would give at these counts: PSI * n*m/(n+m) is approximately
  chi-square with (bins - 1) degrees of freedom when nothing changed, so it must pass that
  distribution's settings.CONFIDENCE_LEVEL quantile (Wilson-Hilferty).

Also flagged: a new layout family (extractors/monitor/families.py) with
settings.NEW_FAMILY_MIN_DOCS documents or more in this run, once the schema has a baseline.
The tests run per schema and field, and per known layout family (its rejected share and its
fields' found-rates: a supplier that changed its layout a little)."""
from __future__ import annotations

import math
from statistics import NormalDist

from extractors.monitor import settings


def psi(before: list[float], now: list[float], pseudo: float = 0.5) -> float:
    """Population stability index of two histograms (counts), `pseudo` added to every bin."""
    if len(before) != len(now) or not before:
        raise ValueError("histograms of different bins")
    b = [x + pseudo for x in before]
    a = [x + pseudo for x in now]
    sb, sa = sum(b), sum(a)
    return sum((ai / sa - bi / sb) * math.log((ai / sa) / (bi / sb)) for ai, bi in zip(a, b))


def chi2_quantile(df: int, level: float) -> float:
    """The `level` quantile of chi-square with `df` degrees of freedom (Wilson-Hilferty)."""
    z = NormalDist().inv_cdf(level)
    k = max(df, 1)
    return k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3


def psi_test(before: list[int], now: list[int]) -> tuple[float, bool]:
    """(PSI, shifted): shifted when PSI >= the threshold and beyond chance at these counts."""
    n, m = sum(before), sum(now)
    value = psi(before, now)
    if n < settings.MIN_DOCS or m < settings.MIN_DOCS:
        return value, False
    used = sum(1 for x, y in zip(before, now) if x + y > 0)
    chance = chi2_quantile(used - 1, settings.CONFIDENCE_LEVEL) * (n + m) / (n * m)
    return value, value >= settings.PSI_THRESHOLD and value >= chance and used > 1


def rate_test(k0: int, n0: int, k1: int, n1: int) -> tuple[float, float, bool]:
    """(shift, z, moved) for k0 of n0 before and k1 of n1 now: moved when the shift is at
    least settings.RATE_SHIFT and the two-proportion z-test is beyond chance."""
    if n0 < settings.MIN_DOCS or n1 < settings.MIN_DOCS:
        return 0.0, 0.0, False
    p0, p1 = k0 / n0, k1 / n1
    pooled = (k0 + k1) / (n0 + n1)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    z = (p1 - p0) / se if se > 0 else 0.0
    need = NormalDist().inv_cdf(1 - (1 - settings.CONFIDENCE_LEVEL) / 2)
    return p1 - p0, z, abs(p1 - p0) >= settings.RATE_SHIFT - 1e-9 and abs(z) >= need


def pool(tallies: list[dict]) -> dict:
    """Tallies (as stored) summed: documents, statuses, reasons and per-field counts."""
    out = {"documents": 0, "accepted": 0, "rejected": 0, "reasons": {}, "fields": {}}
    bins = len(settings.CONFIDENCE_BINS) - 1
    for t in tallies:
        for k in ("documents", "accepted", "rejected"):
            out[k] += int(t.get(k) or 0)
        for r, c in (t.get("reasons") or {}).items():
            out["reasons"][r] = out["reasons"].get(r, 0) + int(c)
        for name, f in (t.get("fields") or {}).items():
            g = out["fields"].setdefault(name, {"n": 0, "found": 0, "confidence_n": 0,
                                                "confidence_sum": 0.0,
                                                "confidence_hist": [0] * bins})
            for k in ("n", "found", "confidence_n", "confidence_sum"):
                g[k] += f.get(k) or 0
            hist = f.get("confidence_hist") or []
            if len(hist) == bins:
                g["confidence_hist"] = [a + b for a, b in zip(g["confidence_hist"], hist)]
    return out


def mean(f: dict) -> float | None:
    return f["confidence_sum"] / f["confidence_n"] if f.get("confidence_n") else None


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def field_flags(where: str, before: dict, now: dict, scope: dict, runs_n: int,
                in_family: str = "") -> list[dict]:
    """Flags for the fields of one tally (a schema, or a family) against its baseline."""
    flags = []
    since = f"previous {runs_n} run{'s' if runs_n != 1 else ''}"
    for name, f in now.get("fields", {}).items():
        what = f"{where}.{name}{in_family}"
        g = before.get("fields", {}).get(name)
        if not g:
            continue
        shift, z, moved = rate_test(g["found"], g["n"], f["found"], f["n"])
        if moved:
            flags.append({**scope, "test": "found_rate", "field": name,
                          "before": round(g["found"] / g["n"], 4),
                          "after": round(f["found"] / f["n"], 4), "z": round(z, 2),
                          "n_before": g["n"], "n_after": f["n"],
                          "message": f"{what}: found in {_pct(f['found'] / f['n'])} of "
                                     f"{f['n']} documents, was {_pct(g['found'] / g['n'])} of "
                                     f"{g['n']} in the {since}"})
        hist = f.get("confidence_hist") or []
        if len(hist) != len(g["confidence_hist"]):
            continue
        value, shifted = psi_test(g["confidence_hist"], hist)
        if shifted:
            m0, m1 = mean(g), mean(f)
            flags.append({**scope, "test": "confidence_psi", "field": name,
                          "psi": round(value, 3), "before": m0 and round(m0, 4),
                          "after": m1 and round(m1, 4),
                          "n_before": g["confidence_n"], "n_after": f["confidence_n"],
                          "message": f"{what}: confidence distribution shifted (PSI "
                                     f"{value:.2f}); mean {m0:.2f} -> {m1:.2f} over the {since}"})
    return flags


def share_flag(test: str, where: str, what: str, k0: int, n0: int, k1: int, n1: int,
               scope: dict) -> list[dict]:
    """A flag when the share of documents `what` (rejected, unclassified) moved."""
    _, z, moved = rate_test(k0, n0, k1, n1)
    if not moved:
        return []
    return [{**scope, "test": test, "before": round(k0 / n0, 4), "after": round(k1 / n1, 4),
             "z": round(z, 2), "n_before": n0, "n_after": n1,
             "message": f"{where}: {_pct(k1 / n1)} of {n1} documents {what}, was "
                        f"{_pct(k0 / n0)} of {n0} before"}]


def schema_name(line: dict) -> str | None:
    s = line.get("schema")
    return s.get("name") if isinstance(s, dict) else None


def _baseline(prior: list[dict], get) -> tuple[list[dict], list[str]]:
    """The tallies `get(line)` of the latest settings.BASELINE_RUNS prior lines that have
    documents there, and those runs' ids."""
    found = []
    for line in reversed(prior):
        t = get(line)
        if isinstance(t, dict) and (t.get("documents") or 0) > 0:
            found.append((line.get("run_id"), t))
            if len(found) >= settings.BASELINE_RUNS:
                break
    return [t for _, t in found], [str(r) for r, _ in found]


def check(line: dict, previous: list[dict]) -> dict:
    """This run's line against the earlier run lines of the same schema -> {"checked": there
    was a baseline, "baseline_runs": their ids, "flags": [...]} (each flag: test, message,
    the numbers before and after, and where: schema, field, family)."""
    prior = [p for p in previous if p.get("kind") == "run" and
             schema_name(p) == schema_name(line)]
    flags: list[dict] = []
    tallies, ids = _baseline(prior, lambda x: x.get("totals"))
    now = line.get("totals") or {}
    if tallies and now.get("documents"):
        before = pool(tallies)
        n0, n1 = before["documents"], now["documents"]
        flags += share_flag("rejected_share", "all documents", "rejected", before["rejected"],
                            n0, now["rejected"], n1, {})
        if schema_name(line) == "auto":
            flags += share_flag("unclassified_share", "all documents", "unclassified",
                                before["reasons"].get("unclassified", 0), n0,
                                now["reasons"].get("unclassified", 0), n1, {})
    for name, t in (line.get("schemas") or {}).items():
        base, runs_ids = _baseline(prior, lambda x: (x.get("schemas") or {}).get(name))
        if base and t.get("documents"):
            flags += field_flags(name, pool(base), t, {"schema": name}, len(base))
    flags += family_flags(line, prior)
    return {"checked": bool(tallies and now.get("documents")), "baseline_runs": ids,
            "flags": flags}


def family_flags(line: dict, prior: list[dict]) -> list[dict]:
    """New layout families with many documents; known ones whose rejected share or found-rates
    moved."""
    flags = []
    for fid, fam in (line.get("families") or {}).items():
        schema, n = fam.get("schema"), fam.get("documents") or 0
        where = f"layout family {fid} (like {fam.get('label', '?')})"
        scope = {"schema": schema, "family": fid}
        if fam.get("new"):
            had = _baseline(prior, lambda x: (x.get("schemas") or {}).get(schema)
                            if schema else x.get("totals"))[0]
            if had and n >= settings.NEW_FAMILY_MIN_DOCS:
                flags.append({**scope, "test": "new_family", "n_after": n,
                              "message": f"new {where}: {n} documents"
                                         f"{' of ' + schema if schema else ''}, "
                                         f"{fam.get('rejected', 0)} rejected"})
            continue
        base = _baseline(prior, lambda x: (x.get("families") or {}).get(fid))[0]
        if not base:
            continue
        before = pool(base)
        flags += share_flag("rejected_share", where, "rejected", before["rejected"],
                            before["documents"], fam.get("rejected", 0), n, scope)
        flags += field_flags(schema or "?", before, fam, scope, len(base), f" in {where}")
    return flags
