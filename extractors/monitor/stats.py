"""One run's documents -> the counts its runs.jsonl line keeps: documents by status and reason
code, and per field the share found, the confidence quantiles and histogram, and the share sent
to review. A `Tally` is kept for the whole run, per schema, and per layout family; its counts
(not only its rates) are stored, so that later runs can pool them (extractors/monitor/drift.py).

A field counts in a tally for every document whose fields were extracted (read, classified,
chosen: accepted, or rejected with its partial record); a document that could not be read or
classified counts only in the documents, status and reasons."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from extractors.monitor import settings


def is_found(value) -> bool:
    """A value the extraction found: not None, not blank, not an empty list of items."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return bool(value)
    if isinstance(value, float):
        return not math.isnan(value)
    return True


def quantile(sorted_values: list[float], q: float) -> float:
    """The q-quantile of sorted values, interpolated between the two nearest ranks."""
    if not sorted_values:
        raise ValueError("no values")
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def histogram(values: list[float], edges: tuple) -> list[int]:
    """Counts per bin [edges[i], edges[i+1]) (the last bin holds its upper edge); values outside
    the edges go to the first or last bin."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        i = 0
        while i < len(counts) - 1 and v >= edges[i + 1]:
            i += 1
        counts[i] += 1
    return counts


@dataclass
class FieldTally:
    """One field over a set of documents."""
    n: int = 0            # documents whose fields were extracted
    found: int = 0        # ... with a value for this field
    review: int = 0       # ... sent to review naming this field (rejection's field errors)
    confidences: list = field(default_factory=list)

    def add(self, value, confidence, to_review: bool) -> None:
        self.n += 1
        self.found += is_found(value)
        self.review += bool(to_review)
        if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) \
                and math.isfinite(confidence):
            self.confidences.append(float(confidence))

    def as_dict(self) -> dict:
        conf = sorted(self.confidences)
        out = {"n": self.n, "found": self.found, "review": self.review,
               "found_rate": round(self.found / self.n, 4) if self.n else None,
               "review_share": round(self.review / self.n, 4) if self.n else None,
               "confidence_n": len(conf), "confidence_sum": round(sum(conf), 4),
               "confidence_hist": histogram(conf, tuple(settings.CONFIDENCE_BINS))}
        if conf:
            out["confidence"] = {"mean": round(sum(conf) / len(conf), 4),
                                 **{f"q{round(q * 100)}": round(quantile(conf, q), 4)
                                    for q in settings.QUANTILES}}
        return out


@dataclass
class Tally:
    """Documents by status and reason, and their fields."""
    documents: int = 0
    accepted: int = 0
    rejected: int = 0
    reasons: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)     # name -> FieldTally

    def add(self, reason: str | None, values: dict | None = None,
            confidence: dict | None = None, review_fields=(), names=()) -> None:
        """One document: `reason` None when accepted; `values` None when no field was
        extracted (not read, not classified)."""
        self.documents += 1
        if reason is None:
            self.accepted += 1
        else:
            self.rejected += 1
            self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if values is None:
            return
        confidence = confidence or {}
        for name in names:
            self.fields.setdefault(name, FieldTally()).add(
                values.get(name), confidence.get(name), name in review_fields)

    def as_dict(self) -> dict:
        return {"documents": self.documents, "accepted": self.accepted,
                "rejected": self.rejected, "reasons": dict(sorted(self.reasons.items())),
                "fields": {k: v.as_dict() for k, v in self.fields.items()}}
