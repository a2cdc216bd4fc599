"""One document: Document + schema -> Extraction (values, evidence, confidence, raw model
output). The order inside a document lives here: repeated parts (line items) first, then
candidates -> rank -> choose for each field."""
from __future__ import annotations

from extractors.decide.choose import choose_field, choose_fixed
from extractors.decide.confidence import features, probability
from extractors.errors import DocumentError
from extractors.fieldspecs import field_specs, row_specs
from extractors.locate.candidates import find_candidates
from extractors.locate.prose import merge_ranked, prose_candidates, sentences_only
from extractors.locate.rank import rank
from extractors.run import settings
from extractors.types import Document, Extraction, FieldSpec


class Extractor:
    """Schema + model backend -> one document's record (built once per run)."""

    def __init__(self, model, backend, top_k: int | None = None, hints=None):
        self.model = model
        self.backend = backend
        self.specs: list[FieldSpec] = field_specs(model)
        self.row_specs = row_specs(self.specs)   # the parent row: repeated parts as counts
        self.top_k = top_k or settings.TOP_K
        self.all_labels = tuple(lab for s in self.specs for lab in s.labels)
        self.hints = hints   # learn.HintStore (issue 6: labels learned from reviews) or None

    def extract(self, doc: Document) -> Extraction:
        if not any(p.text.strip() for p in doc.pages):
            raise DocumentError("no_text", "document has no text", stage="read")
        specs, all_labels = self.specs, self.all_labels
        if self.hints is not None:   # issue 6: labels reviewers taught for documents like this
            from extractors.review.learn import apply_hints
            specs = apply_hints(self.specs, doc, self.hints)
            all_labels = tuple(lab for s in specs for lab in s.labels)
        values, evidence, confidence, raw = {}, {}, {}, {}
        doc = _items_hook(doc, specs, values, evidence, confidence, raw)
        # values stated in sentences (contracts): fields whose values only sentences state
        # (a governing law, a term) are not looked for in every cell of every page
        cands = find_candidates(doc, [s for s in specs if not sentences_only(s)])
        prose = prose_candidates(doc, specs, cands)
        taken: set = set()
        opts_by_field: dict = {}
        all_opts: dict = {}
        excerpt = doc.pages[0].text[:1200]
        doc_text = doc.text
        for spec in specs:
            if spec.kind == "items":
                continue
            if spec.kind == "pattern_list":
                seen, items, ev = set(), [], []
                for c in cands[spec.name]:
                    if c.value not in seen:
                        seen.add(c.value)
                        items.append(c.value)
                        ev.append(c.evidence())
                values[spec.name] = items
                evidence[spec.name] = ev
                confidence[spec.name] = 1.0 if items else 0.0
                raw[spec.name] = {"items": items}
                continue
            if spec.kind == "text_list":
                _list_hook(self.backend, spec, prose, values, evidence, confidence, raw)
                continue
            if spec.kind == "choice":
                values[spec.name], confidence[spec.name] = choose_fixed(self.backend, spec, excerpt) \
                    if spec.choices else (None, 0.0)
                raw[spec.name] = {"choice": values[spec.name]}
                continue
            siblings = [s for s in specs if s is not spec]
            pool = cands.get(spec.name, [])
            if spec.kind == "text":   # one printed name answers one field (seller, then buyer)
                pool = [c for c in pool if str(c.value).casefold() not in taken]
            # more options than the model sees: business rules may choose among them
            wide = rank(spec, pool, siblings, max(self.top_k, settings.REPAIR_OPTIONS), all_labels)
            if self.hints is not None:   # issue 6: where reviewers' values were printed
                from extractors.review.learn import rerank
                wide = rerank(spec, wide, doc, self.hints)
            if spec.name in prose:
                wide = merge_ranked(wide, prose[spec.name], max(len(wide), self.top_k))
            for o in wide:
                o.kind = spec.kind
            options = wide[:self.top_k]
            opts_by_field[spec.name] = wide
            if spec.kind == "money":   # business-rule repair may look further (rule_repair.py)
                all_opts[spec.name] = _ranked_all(spec, pool, siblings, all_labels)
            ch = choose_field(self.backend, spec, options)
            feats = features(spec, options, ch, pool, doc_text)
            raw[spec.name] = {"options": [o.text for o in options],
                              "probs": [round(p, 4) for p in ch.probs],
                              "chosen": ch.candidate.text if ch.candidate else None,
                              "signals": feats}
            confidence[spec.name] = probability(feats, ch.confidence)
            if ch.candidate is None:
                values[spec.name] = None
                continue
            values[spec.name] = ch.candidate.value
            evidence[spec.name] = ch.candidate.evidence()
            if spec.kind == "text":
                taken.add(str(ch.candidate.value).casefold())
        return Extraction(values, evidence, confidence, raw, opts_by_field, all_opts)


def _ranked_all(spec, pool, siblings, all_labels):
    """Every candidate of the field ranked, computed only when asked (repair is rare)."""
    def ranked():
        out = rank(spec, pool, siblings, max(len(pool), 1), all_labels)
        for o in out:
            o.kind = spec.kind
        return out
    return ranked


def _list_hook(backend, spec, prose, values, evidence, confidence, raw) -> None:
    """A list field of names (kind text_list): every value found in sentences, each with its
    own evidence (extractors/decide/lists.py)."""
    from extractors.decide.lists import choose_list
    options = sorted(prose.get(spec.name, []), key=lambda c: (-c.score, c.page, c.start))
    for o in options:
        o.kind = spec.kind
    values[spec.name], evidence[spec.name], confidence[spec.name], raw[spec.name] = \
        choose_list(backend, spec, options[:settings.TOP_K * 2])


def _items_hook(doc: Document, specs, values, evidence, confidence, raw) -> Document:
    """Repeated parts (extractors/items.py): their items go into values/evidence; the document
    returned holds only the pages that can carry top-level fields (not those filled with
    items), so a long statement's top-level search stays small."""
    item_specs = [s for s in specs if s.kind == "items"]
    if not item_specs:
        return doc
    from extractors.locate.line_items import extract_items, top_level_pages
    regions: set = set()
    for spec in item_specs:
        res = extract_items(doc, spec, [s for s in specs if s.kind != "items"])
        values[spec.name] = res.items
        evidence[spec.name] = res.evidence
        confidence[spec.name] = 1.0
        raw[spec.name] = {"method": res.method, "count": len(res.items)}
        regions |= res.regions
    pages = top_level_pages(doc, regions)
    return doc if len(pages) == len(doc.pages) else Document(doc.source, doc.sha256, pages, doc.kind)
