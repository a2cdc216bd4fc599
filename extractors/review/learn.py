"""Learning from reviewers: accepted records -> gold labels + hints for documents like them.

Every record a reviewer accepts (`extract review accept`) teaches:

- a gold label: OUT/gold.jsonl, one JSON object per document with a `file` column, usable as
  `extract eval ... --gold OUT/gold.jsonl`;
- hints for documents like it, in OUT/learned.json, learned only where the extractor (with the
  hints it already had) did NOT pick the reviewer's value, and only from where that value is
  printed in the document (a value that is not printed teaches nothing):
  - `labels`: the labels printed next to the value ("Booking code:", "Contract / Revision")
    that make the ranking pick it in this document when they lead the field's labels (a label
    that would pick another value here, e.g. a column header over many values, is not kept);
  - `not_labels`: labels taught earlier that pick a wrong value in this document;
  - `avoid`: labels printed next to the wrong value ("Order #"); the schema labels matching
    them are dropped for documents like this one, if that makes the ranking right here;
  - `where`: the page and place (relative to the page size) the value is printed at.

A hint is keyed by the document's fingerprint: the set of words printed on its first page (a
template prints the same words on every document: the issuer's name and address, headings,
column headers, fine print). A later document uses the examples whose fingerprint is close
(Jaccard >= settings.MIN_SIMILARITY; the nearest settings.MAX_NEIGHBOURS): `apply_hints` gives each field the
labels they taught (weighted by similarity; labels they disproved and schema labels they
avoided are left out), and `rerank` adds settings.POSITION_BONUS to the score of an option printed where
their values were. The Extractor calls both when OUT has a learned.json. Nothing here knows an
issuer, a layout or a language: the labels and places come from the documents and reviewers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractors.eval.score import same
from extractors.locate.candidates import find_candidates
from extractors.locate.rank import label_match, rank
from extractors.types import Candidate, Document, FieldSpec
from extractors.write.files import atomic_write, write_json
from extractors.review import settings
from extractors.review.queue import out_file_mode

STORE_NAME = "learned.json"
GOLD_NAME = "gold.jsonl"
LEARNABLE = ("date", "money", "number", "id", "text", "currency")
WORD = re.compile(r"[^\W\d_]{3,}")


def fingerprint(doc: Document) -> list[str]:
    """The layout/issuer fingerprint: the distinct words (letters only, 3+) of the first page."""
    if not doc.pages:
        return []
    words = sorted({w.casefold() for w in WORD.findall(doc.pages[0].text)})
    return words[:settings.MAX_WORDS]


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class HintStore:
    """Learned examples for one schema (a view of OUT/learned.json)."""
    schema: str
    examples: list[dict] = field(default_factory=list)
    path: Path | None = None

    def add(self, example: dict) -> None:
        self.examples = [e for e in self.examples if e.get("doc_sha256") != example["doc_sha256"]]
        self.examples.append(example)
        self._near = {}

    def neighbours(self, doc: Document) -> list[tuple[float, dict]]:
        """The learned examples of documents like this one (most similar first)."""
        cache = self.__dict__.setdefault("_near", {})
        key = (doc.sha256, id(doc))
        if key not in cache:
            cache.clear()
            cache[key] = self._neighbours(doc)
        return cache[key]

    def elsewhere(self, doc: Document) -> list[dict]:
        """The learned examples of documents NOT like this one (other issuers and layouts)."""
        near = {id(e) for _sim, e in self.neighbours(doc)}
        return [e for e in self.examples
                if id(e) not in near and e.get("doc_sha256") != doc.sha256]

    def _neighbours(self, doc: Document) -> list[tuple[float, dict]]:
        fp = set(fingerprint(doc))
        scored = [(similarity(fp, set(e.get("fingerprint", ()))), e) for e in self.examples
                  if e.get("doc_sha256") != doc.sha256]
        scored = [t for t in scored if t[0] >= settings.MIN_SIMILARITY]
        scored.sort(key=lambda t: -t[0])
        return scored[:settings.MAX_NEIGHBOURS]


def load_store(out: Path, schema: str) -> HintStore | None:
    """The learned hints for `schema` in OUT, or None when nothing was learned there yet."""
    path = Path(out) / STORE_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return HintStore(schema, [e for e in data.get("examples", []) if e.get("schema") == schema],
                     path)


def save_example(out: Path, example: dict) -> None:
    """Add (or replace, by document hash and schema) one example in OUT/learned.json.
    Callers hold the review lock; the file is replaced atomically."""
    path = Path(out) / STORE_NAME
    data = {"version": 1, "examples": []}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    data["examples"] = [e for e in data.get("examples", [])
                        if not (e.get("doc_sha256") == example["doc_sha256"]
                                and e.get("schema") == example["schema"])] + [example]
    write_json(path, data, out_file_mode(out))


# ----------------------------------------------------------------------------------------------
# learning

def locate(doc: Document, spec: FieldSpec, value, cands: list[Candidate] | None = None
           ) -> list[Candidate]:
    """Where `value` is printed in the document: the field's candidates equal to it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if cands is None:
        cands = find_candidates(doc, [spec])[spec.name]
    return [c for c in cands if same(spec, value, c.value)]


def _labels_of(hits: list[Candidate]) -> list[str]:
    out: list[str] = []
    for c in hits:
        for lab in (c.label_left, c.label_above):
            lab = " ".join(lab.split())
            if lab and lab not in out:
                out.append(lab)
    return out


def _order(learned: list[str], schema_labels: list[str]) -> list[str]:
    """A field's labels with the learned ones: before the schema's own (settings.LEARNED_FIRST), or
    after them (they then decide only where the schema's labels find nothing)."""
    return learned + schema_labels if settings.LEARNED_FIRST else schema_labels + learned


def _picks(spec: FieldSpec, labels: list[str], cands: list[Candidate], siblings, all_labels,
           value, placed: bool = False) -> bool:
    """Would the ranking, with these labels for the field, put `value` first? `placed`: with
    the position bonus the value gets once its place is learned."""
    trial = dataclasses.replace(spec, labels=labels)
    top = rank(trial, cands, siblings, 5 if placed else 1, tuple(all_labels) + tuple(labels))
    if not top:
        return False
    if placed:
        top = sorted(top, key=lambda c: -(c.score + (settings.POSITION_BONUS if same(spec, value, c.value)
                                                    else 0.0)))
    return same(spec, value, top[0].value)


def _present(label: str, cands: list[Candidate]) -> bool:
    return any(label_match(c.label_left, (label,)) >= 0.8 or
               label_match(c.label_above, (label,)) >= 0.8 for c in cands)


def learn_example(doc: Document, specs: list[FieldSpec], schema: str, values: dict,
                  original: dict | None = None, source_file: str | None = None,
                  store: HintStore | None = None) -> dict:
    """A learned example from a reviewed record. Per field:
    - `labels`: labels printed next to the confirmed value that, put first in the field's
      labels, make the ranking pick that value in this document (a label that would pick
      another value here, e.g. a column header over many values, is not learned);
    - `not_labels`: labels earlier examples of documents like this one taught that pick a
      wrong value in this document;
    - `avoid`: labels printed next to the wrong value the ranking picks; the schema labels
      matching them are dropped for documents like this one, when that makes the ranking
      pick the confirmed value here.
    Values not printed in the document teach nothing."""
    learnable = [s for s in specs if s.kind in LEARNABLE]
    cands = find_candidates(doc, learnable)
    taught = _learned_labels(store, doc) if store is not None else {}
    current = {s.name: s for s in apply_hints(specs, doc, store)}
    all_labels = tuple(lab for s in current.values() for lab in s.labels)
    fields: dict[str, dict] = {}
    for spec in learnable:
        value = values.get(spec.name)
        mine = cands[spec.name]
        hits = locate(doc, spec, value, mine)
        entry: dict = {"labels": [], "found": bool(hits)}
        fields[spec.name] = entry
        if not hits:
            continue
        siblings = [s for name, s in current.items() if name != spec.name]

        def picks(labels, placed=False):
            return _picks(spec, labels, mine, siblings, all_labels, value, placed)
        if picks(current[spec.name].labels):
            continue          # the labels it has already pick this value: nothing to learn
        entry["where"] = [_where(doc, c) for c in hits[:3]]
        good = [lab for lab in _labels_of(hits) if picks(_order([lab], spec.labels))]
        entry["labels"] = good
        entry["not_labels"] = [lab for lab in taught.get(spec.name, ())
                               if lab not in good and _present(lab, mine)
                               and not picks(_order([lab], spec.labels))]
        base = _order(good, spec.labels)
        if picks(base):
            continue
        top = rank(dataclasses.replace(spec, labels=base), mine, siblings, 1,
                   all_labels + tuple(good))
        wrong_values = [top[0].value] if top else []
        was = (original or {}).get(spec.name)
        if was is not None and not same(spec, value, was):
            wrong_values.append(was)
        wrong = [lab for w in wrong_values for lab in _labels_of(locate(doc, spec, w, mine))
                 if lab not in good]
        keep = [lab for lab in spec.labels
                if not any(label_match(w, (lab,)) >= 0.55 for w in wrong)]
        if wrong and len(keep) < len(spec.labels) and \
                (picks(_order(good, keep)) or picks(_order(good, keep), placed=True)):
            entry["avoid"] = list(dict.fromkeys(wrong))
    return {"schema": schema, "doc_sha256": doc.sha256, "source_file": source_file or doc.source,
            "fingerprint": fingerprint(doc), "fields": fields,
            "learned_at": dt.datetime.now(dt.timezone.utc).isoformat()}


def _where(doc: Document, c: Candidate) -> dict:
    """A value's place: evidence plus its box relative to the page size (0..1)."""
    ev = c.evidence()
    page = doc.pages[c.page - 1] if 0 < c.page <= len(doc.pages) else None
    if page is not None and page.width and page.height:
        x0, top, x1, bottom = c.bbox
        ev["rel"] = [round(x0 / page.width, 4), round(top / page.height, 4),
                     round(x1 / page.width, 4), round(bottom / page.height, 4)]
    return ev


def position_scores(spec: FieldSpec, options: list[Candidate], doc: Document,
                    store: HintStore | None) -> list[float]:
    """For each option, the summed similarity of the learned examples of documents like this
    one whose confirmed value for this field was printed at the same place (same page, same
    left or right edge, same height on the page)."""
    out = [0.0] * len(options)
    if store is None or not store.examples:
        return out
    near = store.neighbours(doc)
    places = [(sim, w) for sim, ex in near
              for w in ex.get("fields", {}).get(spec.name, {}).get("where", []) if "rel" in w]
    if not places:
        return out
    tx, ty = settings.POSITION_TOL
    for i, c in enumerate(options):
        page = doc.pages[c.page - 1] if 0 < c.page <= len(doc.pages) else None
        if page is None or not page.width or not page.height:
            continue
        x0, top, x1, _ = c.bbox
        rx0, rtop, rx1 = x0 / page.width, top / page.height, x1 / page.width
        for sim, w in places:
            px0, ptop, px1, _ = w["rel"]
            if w["page"] == c.page and abs(rtop - ptop) <= ty and \
                    (abs(rx0 - px0) <= tx or abs(rx1 - px1) <= tx):
                out[i] += sim
    return out


def rerank(spec: FieldSpec, options: list[Candidate], doc: Document, store: HintStore | None
           ) -> list[Candidate]:
    """The ranked options of a field, with settings.POSITION_BONUS added to the score of an option
    printed where reviewers' corrected values were printed in documents like this one
    (in proportion to how many and how similar); best first."""
    pos = position_scores(spec, options, doc, store)
    if not any(pos):
        return options
    best = max(pos)
    for c, p in zip(options, pos):
        if p > 0:
            c.score = round(c.score + settings.POSITION_BONUS * p / best, 4)
    return sorted(options, key=lambda c: -c.score)


def _learned_labels(store: HintStore, doc: Document) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for _sim, ex in store.neighbours(doc):
        for name, f in ex.get("fields", {}).items():
            for lab in f.get("labels", []):
                if lab not in out.setdefault(name, []):
                    out[name].append(lab)
    return out


# ----------------------------------------------------------------------------------------------
# applying

def labels_across(examples: list[dict]) -> dict[str, list[str]]:
    """Per field, the labels reviewers' corrections taught on documents of other layouts, those
    taught in at least settings.ACROSS_MIN_LAYOUTS layouts unlike each other (a label one
    template prints says little about others), most widely taught first."""
    taught: dict[str, dict[str, list[set]]] = {}
    for ex in examples:
        fp = set(ex.get("fingerprint", ()))
        for name, f in ex.get("fields", {}).items():
            for lab in dict.fromkeys(f.get("labels", [])):
                layouts = taught.setdefault(name, {}).setdefault(lab, [])
                if all(similarity(fp, other) < settings.MIN_SIMILARITY for other in layouts):
                    layouts.append(fp)
    return {name: sorted((lab for lab, ls in labs.items()
                          if len(ls) >= settings.ACROSS_MIN_LAYOUTS),
                         key=lambda lab: -len(labs[lab]))
            for name, labs in taught.items()}


def _with_labels_across(spec: FieldSpec, learned: list[str] | tuple) -> FieldSpec:
    """A field's labels with those taught on other layouts after its own: weaker than the
    schema's labels (listed later), they decide where those find nothing or match weakly."""
    extra = [lab for lab in learned if not any(_same_label(lab, own) for own in spec.labels)]
    return dataclasses.replace(spec, labels=list(spec.labels) + extra) if extra else spec


def _same_label(a: str, b: str) -> bool:
    return label_match(a, (b,)) >= 0.8 and label_match(b, (a,)) >= 0.8


def apply_hints(specs: list[FieldSpec], doc: Document, store: HintStore | None
                ) -> list[FieldSpec]:
    """The field specs for this document: for documents like the learned examples, the labels
    reviewers' corrections taught come first, and schema labels that only ever pointed at
    replaced wrong values are dropped. Unchanged specs when no example is close."""
    if store is None or not store.examples:
        return specs
    near = store.neighbours(doc)
    across = labels_across(store.elsewhere(doc)) if settings.ACROSS_LAYOUTS else {}
    if not near and not across:
        return specs
    out = []
    for spec in specs:
        spec = _with_labels_across(spec, across.get(spec.name, ()))
        weights: dict[str, float] = {}
        avoid: dict[str, float] = {}
        for sim, ex in near:
            f = ex.get("fields", {}).get(spec.name)
            if not f:
                continue
            for lab in f.get("labels", []):
                weights[lab] = weights.get(lab, 0.0) + sim
            for lab in f.get("not_labels", []):
                weights[lab] = weights.get(lab, 0.0) - sim
            for lab in f.get("avoid", []):
                avoid[lab] = avoid.get(lab, 0.0) + sim
        if not weights and not avoid:
            out.append(spec)
            continue
        learned = sorted((lab for lab in weights if weights[lab] > 0),
                         key=lambda lab: -weights[lab])
        # a schema label goes when it matches a label next to replaced values better than any
        # label next to confirmed values (and the replaced ones weigh more)
        kept = []
        for lab in spec.labels:
            bad = max((w for a, w in avoid.items() if label_match(a, (lab,)) >= 0.55),
                      default=0.0)
            good = max((w for g, w in weights.items() if label_match(g, (lab,)) >= 0.55),
                       default=0.0)
            if bad > good:
                continue
            if not any(_same_label(lab, g) for g in learned):
                kept.append(lab)
        learned = [lab for lab in learned if lab not in avoid or weights[lab] > avoid[lab]]
        out.append(dataclasses.replace(spec, labels=_order(learned, kept)))
    return out


# ----------------------------------------------------------------------------------------------
# gold labels

def gold_row(source_file: str, doc_sha256: str, values: dict, review: dict) -> dict:
    row = {"file": source_file}
    for k, v in values.items():
        if isinstance(v, list):
            row[k] = [str(x) for x in v]
        elif v is None or isinstance(v, (bool, int, float, str)):
            row[k] = v
        else:
            row[k] = v.isoformat() if hasattr(v, "isoformat") else str(v)
    row.update({"doc_sha256": doc_sha256, **review})
    return row


def _gold_rows(out: Path) -> list[dict]:
    path = Path(out) / GOLD_NAME
    rows = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue
    return rows


def save_gold(out: Path, row: dict) -> None:
    """Add (or replace, by document hash and schema) one gold label in OUT/gold.jsonl,
    atomically. Callers hold the review lock."""
    key = (row.get("doc_sha256"), row.get("schema"))
    rows = [r for r in _gold_rows(out) if (r.get("doc_sha256"), r.get("schema")) != key]
    rows.append(row)

    def _w(p):
        with open(p, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    atomic_write(Path(out) / GOLD_NAME, _w, out_file_mode(out))


def gold_keys(out: Path) -> set[tuple]:
    """(doc_sha256, schema) of every gold label in OUT/gold.jsonl."""
    return {(r.get("doc_sha256"), r.get("schema")) for r in _gold_rows(out)}
