"""The types that flow between stages (and the only place they are defined):

    read    file               -> Document (Pages of Words with boxes and char spans)
    schema  pydantic model     -> FieldSpec per field (extractors/fieldspecs.py)
    locate  Document+FieldSpec -> Candidate per printed value
    decide  Candidates         -> Choice per field (model) -> Extraction (values, evidence)
    run     Extraction         -> a record row, or a rejection (errors.DocumentError)
            a batch            -> Summary
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field

COLUMN_GAP = "   "


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    start: int = 0      # char span in the page text
    end: int = 0
    line: int = 0       # line index on the page
    xs: tuple = ()      # left edge of each character of text, then the right edge (PDF words)


@dataclass
class Page:
    number: int         # 1-based
    text: str
    words: list[Word]
    width: float = 0.0
    height: float = 0.0
    ocr: bool = False   # words come from OCR (extractors/ocr.py), not the text layer
    hidden_chars: int = 0   # characters a reader cannot see, left out (extractors/visible.py)


@dataclass
class Document:
    source: str
    sha256: str
    pages: list[Page] = field(default_factory=list)
    kind: str = "pdf"

    @property
    def text(self) -> str:
        return "\n\f".join(p.text for p in self.pages)


KINDS = ("date", "money", "number", "id", "text", "currency", "choice", "pattern_list", "items",
         "text_list")


@dataclass
class FieldSpec:
    name: str
    kind: str
    description: str = ""
    labels: list[str] = field(default_factory=list)
    required: bool = True
    choices: list[str] = field(default_factory=list)
    pattern: str | None = None
    max_length: int = 120
    items: list["FieldSpec"] = field(default_factory=list)   # kind "items": the sub-fields
    item_model: type | None = None                           # kind "items": the sub-model
    key: str = ""    # the name in lower-case snake words ("invoiceNumber" -> "invoice_number"):
                     # what every stage reads the field's meaning from; `name` is the column

    def __post_init__(self):
        self.key = self.key or snake_name(self.name)


def snake_name(name: str) -> str:
    """A field name as lower-case words joined by "_" ("invoiceNumber", "InvoiceDate",
    "VATId" -> "invoice_number", "invoice_date", "vat_id")."""
    name = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"_+", "_", name).strip("_").lower()


@dataclass
class Candidate:
    value: object            # normalized value (date, Decimal, str)
    text: str                # as printed
    page: int
    start: int
    end: int
    bbox: tuple[float, float, float, float]
    line: str = ""           # the printed line, for the prompt and for reviewers
    label_left: str = ""
    label_above: str = ""
    section: str = ""        # the nearest heading line above ("Seller", "Bill To", "Verkäufer")
    row_label: str = ""      # first cell of the row, when it is a label ("Totals")
    heading: str = ""        # text fields: the column's heading cell above, past lines of numbers
    flags: set = field(default_factory=set)
    rel_top: float = 0.0     # vertical position on its page, 0 (top) .. 1 (bottom)
    score: float = 0.0
    label_score: float = 0.0   # how well its printed label matches the field's (rank stage)
    rival_label: float = 0.0   # ... and another field's of the same kind, the best of them
    kind: str = ""           # the kind of the field it was ranked for (set by the run stage)

    def evidence(self) -> dict:
        return {"page": self.page, "start": self.start, "end": self.end,
                "bbox": [round(v, 2) for v in self.bbox], "text": self.text}


@dataclass
class Choice:
    candidate: Candidate | None
    confidence: float
    probs: list[float]          # model probabilities over [none, option 1, ...]
    prompt_tokens: int = 0


@dataclass
class Extraction:
    values: dict
    evidence: dict
    confidence: dict
    raw_output: dict
    options: dict = field(default_factory=dict)   # field -> ranked Candidates offered
    all_options: dict = field(default_factory=dict)   # field -> callable: every ranked option


@dataclass
class Summary:
    documents: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    reasons: dict = field(default_factory=dict)
    repaired: dict = field(default_factory=dict)   # what a crash had left, finished or undone
    by_schema: dict = field(default_factory=dict)  # --schema auto: documents per chosen schema
    drift: list = field(default_factory=list)      # drift flags of the run (extractors/monitor)


@dataclass
class Classification:
    schema: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # schema -> field -> label
