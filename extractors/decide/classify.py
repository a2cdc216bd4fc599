"""Classify stage (for `--schema auto`): Document + candidate schemas -> the schema that fits.

Generic, no per-type rules: a document of a type prints that type's field labels. For every
candidate schema, each field's labels (the same ones extraction uses: `fields.field_specs`) are
matched (`rank.label_match`) against the label-like text of the document's first pages (cells
of its lines, the part before a colon); a field counts by its best match, half as much when the
same printed label explains a field of another candidate schema just as well ("Due Date" is on
bills and on invoices), and required fields weigh twice the optional ones. The schema's score is
the weighted mean over its fields, in [0, 1].

The best-scoring schema wins; its confidence is a softmax over the candidates' scores. A
document whose best score is under `settings.CLASSIFY_MIN_SCORE`, or whose winner is no clearer than `settings.CLASSIFY_MIN_MARGIN`
over the runner-up with a low score, is rejected as `unclassified`.

    auto                          all built-in schemas
    auto:invoice,utility_bill     a subset (names of built-ins or schema files)
"""
from __future__ import annotations

import math
import re
from difflib import SequenceMatcher
from functools import lru_cache

from extractors.errors import DocumentError, RunError
from extractors.fieldspecs import field_specs
from extractors.locate.page_index import looks_like_label
from extractors.lexicon import label_tokens
from extractors.locate.rank import label_match
from extractors.types import COLUMN_GAP, Classification, Document, FieldSpec
from extractors.decide import settings


def label_snippets(doc: Document, pages: int | None = None) -> list[str]:
    """The label-like text of the first pages: cells of each line and what precedes a colon."""
    pages = settings.CLASSIFY_PAGES if pages is None else pages
    out: list[str] = []
    seen = set()
    for page in doc.pages[:pages]:
        for line in page.text.split("\n"):
            for cell in line.split(COLUMN_GAP):
                cell = cell.strip()
                parts = [cell]
                if ":" in cell:
                    parts += [p.strip() for p in cell.split(":")[:-1]]
                for p in parts:
                    p = p[:80]
                    key = p.casefold()
                    if p and key not in seen and looks_like_label(p):
                        seen.add(key)
                        out.append(p)
    return out


def _vocab(specs) -> frozenset[str]:
    return frozenset(t for sp in specs for lab in sp.labels for t in label_tokens(lab) if len(t) >= 3)


@lru_cache(maxsize=50000)
def _near(tok: str, vocab: frozenset[str]) -> str:
    """A printed word as the label word it is a spelling or language variant of ("totaal" ->
    "total", "factuur" -> "facture"), or split into two such words ("factuurnummer" ->
    "facture number"); otherwise the word itself."""
    if tok in vocab or len(tok) < 4 or tok.isdigit():
        return tok
    best, best_r = tok, 0.0
    for v in vocab:
        if abs(len(v) - len(tok)) <= 2:
            r = SequenceMatcher(None, tok, v).ratio()
            if r > best_r:
                best, best_r = v, r
    if best_r >= 0.8:
        return best
    for i in range(4, len(tok) - 3):           # a compound of two label words
        head, tail = _near(tok[:i], vocab), _near(tok[i:], vocab)
        if head in vocab and tail in vocab:
            return f"{head} {tail}"
    return tok


def normalize_snippet(text: str, vocab: frozenset[str]) -> str:
    return " ".join(_near(t, vocab) for t in label_tokens(text))


def _best(snippets: list[str], labels: tuple[str, ...]) -> tuple[float, str]:
    best, text = 0.0, ""
    for s in snippets:
        m = label_match(s, labels)
        if m > best:
            best, text = m, s
    return best, text


class Classifier:
    """Built once per run from the candidate schemas (objects with .name and .model)."""

    def __init__(self, schemas: list):
        if not schemas:
            raise RunError("--schema auto needs at least one candidate schema")
        self.schemas = list(schemas)
        self.specs: dict[str, list[FieldSpec]] = {s.name: field_specs(s.model)
                                                  for s in self.schemas}
        self.vocab = _vocab(sp for v in self.specs.values() for sp in v)

    def scores(self, doc: Document) -> tuple[dict[str, float], dict[str, dict[str, str]]]:
        snippets = label_snippets(doc)
        snippets += [n for n in {normalize_snippet(s, self.vocab) for s in snippets}
                     if n not in {s.lower() for s in snippets}]
        scores, evidence = {}, {}
        for s in self.schemas:
            others = [sp for o in self.schemas if o.name != s.name for sp in self.specs[o.name]]
            total = weight = 0.0
            ev = {}
            for spec in self.specs[s.name]:
                w = 1.0 if spec.required else 0.5
                weight += w
                m, text = _best(snippets, tuple(spec.labels))
                if m < settings.CLASSIFY_STRONG:
                    m *= 0.25
                elif others:
                    rival = max(label_match(text, tuple(o.labels)) for o in others)
                    if rival >= m - 0.05:
                        m *= 0.5      # the same label explains another type's field as well
                if m >= settings.CLASSIFY_STRONG * 0.5:
                    ev[spec.name] = text
                total += w * m
            scores[s.name] = round(total / weight, 4) if weight else 0.0
            evidence[s.name] = ev
        return scores, evidence

    def classify(self, doc: Document) -> Classification:
        """The chosen schema and its confidence, or DocumentError('unclassified')."""
        scores, evidence = self.scores(doc)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        top_name, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        exps = {k: math.exp((v - top) / settings.CLASSIFY_TEMPERATURE) for k, v in scores.items()}
        conf = exps[top_name] / sum(exps.values())
        if len(ranked) == 1:     # one candidate: how well its labels are there is all we know
            conf = min(1.0, top / settings.CLASSIFY_CONFIDENT_SCORE)
        if top < settings.CLASSIFY_MIN_SCORE or (top - second < settings.CLASSIFY_MIN_MARGIN and top < settings.CLASSIFY_CONFIDENT_SCORE):
            why = (f"no schema's labels are printed on it (best {top_name} {top:.2f})"
                   if top < settings.CLASSIFY_MIN_SCORE else
                   f"{top_name} {top:.2f} and {ranked[1][0]} {second:.2f} fit equally")
            raise DocumentError("unclassified", f"document type not recognised: {why}",
                                stage="classify",
                                raw_output={"scores": scores, "labels_found": evidence})
        return Classification(top_name, round(conf, 4), scores, evidence)


def parse_auto(spec: str) -> list[str] | None:
    """`auto` -> [] (all built-ins), `auto:a,b` -> ['a', 'b'], anything else -> None."""
    if spec == "auto":
        return []
    if spec.startswith("auto:"):
        names = [n.strip() for n in re.split(r"[,;]", spec[5:]) if n.strip()]
        if not names:
            raise RunError("--schema auto: lists no schema (use auto or auto:name1,name2)")
        return names
    return None


def load_candidates(spec: str) -> list:
    """The candidate Schema objects named by an `auto[:...]` spec."""
    from schemas import REGISTRY, load_schema
    names = parse_auto(spec)
    if names is None:
        raise RunError(f"not an auto schema spec: {spec}")
    return [load_schema(n) for n in (names or list(REGISTRY))]


AUTO = "auto"            # the `schema` of rejections made before a schema was chosen
