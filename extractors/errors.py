"""Errors: run errors stop the run; document errors become rejections; Reason is the one list of
reason codes a rejection can carry.

    ExtractError
    ├── RunError             the whole run cannot go on: one-line message, exit code 2
    ├── ReviewError          a review command cannot do what was asked: one line, exit code 2
    ├── ReportError          `extract report` cannot read OUT's history: one line, exit code 2
    └── DocumentError        this document failed: it becomes a rejection with a reason code
        (reason, stage, per-field messages, raw model output, partial record, evidence,
        confidence, and the repeated parts found)

    Internal signals, never shown to users (caught inside the read stage):
    CircularReference        the PDF's page tree contains itself -> Reason.CIRCULAR_REFERENCE
    NoUnicode                a font without a Unicode map: pdfplumber reads that page instead
"""
from __future__ import annotations

import enum


class Reason(str, enum.Enum):
    """Reason codes: stable strings that reviewers and scripts filter on (README lists them)."""
    NOT_A_FILE = "not_a_file"                  # a FIFO, device, socket, folder, broken or
                                               # looping symbolic link: never opened
    UNREADABLE = "unreadable"                  # no read permission (or the disk fails to read)
    EMPTY_FILE = "empty_file"                  # 0 bytes
    TOO_LARGE = "too_large"                    # a .txt over read.max_text_mb: not read
    NOT_A_PDF = "not_a_pdf"                    # no %PDF header
    ENCRYPTED = "encrypted"                    # needs --password
    PARSE_ERROR = "parse_error"                # the PDF cannot be parsed (truncated, broken)
    PARSE_TIMEOUT = "parse_timeout"            # parsing or OCR took longer than --parse-timeout
    MEMORY_LIMIT = "memory_limit"              # parsing went over --parse-memory
    CIRCULAR_REFERENCE = "circular_reference"  # the PDF's structure contains itself
    NO_TEXT_LAYER = "no_text_layer"            # no page has text and OCR could not read any
    NO_TEXT = "no_text"                        # the document has no text at all
    VALIDATION_FAILED = "validation_failed"    # the record breaks the schema's types
    BUSINESS_RULE = "business_rule"            # the record breaks one of the schema's rules
    LOW_CONFIDENCE = "low_confidence"          # valid, but a field's confidence is too low
    UNCLASSIFIED = "unclassified"              # --schema auto: no schema fits the document
    INTERNAL_ERROR = "internal_error"          # a bug: the document is kept for review

    __str__ = str.__str__          # "empty_file", not "Reason.EMPTY_FILE", wherever it is printed
    __format__ = str.__format__


class ExtractError(Exception):
    """Base class of every error this tool raises on purpose."""


class RunError(ExtractError):
    """The run cannot go on (unknown schema, missing model, missing input)."""


class ReviewError(ExtractError):
    """A review command cannot do what was asked (unknown item, invalid value): one line."""


class ReportError(ExtractError):
    """`extract report` cannot read OUT's run history (no history, a corrupt line): one line."""


class DocumentError(ExtractError):
    """One document failed; the batch goes on and the document goes to rejected/."""

    def __init__(self, reason: Reason | str, message: str, *, stage: str = "",
                 field_errors: dict | None = None, raw_output=None,
                 partial: dict | None = None, evidence: dict | None = None,
                 confidence: dict | None = None):
        super().__init__(message)
        self.reason = Reason(reason)      # a code not in Reason is a bug, caught here
        self.message = message
        self.stage = stage
        self.field_errors = field_errors or {}
        self.raw_output = raw_output
        self.partial = partial
        self.evidence = evidence
        self.confidence = confidence
        self.items: dict = {}             # repeated parts found before the document failed

    def __reduce__(self):
        """Pickled whole (every attribute), so a rejection made in a model worker process or
        a Ray actor reaches the driver as it was raised (extractors/run/workers.py)."""
        return _restore_document_error, (dict(self.__dict__),)


def _restore_document_error(state: dict) -> DocumentError:
    exc = DocumentError(state["reason"], state["message"])
    exc.__dict__.update(state)
    return exc


class CircularReference(Exception):
    """The PDF's page tree contains itself."""


class NoUnicode(Exception):
    """A font on the page has no Unicode map: pdfplumber reads the page (its `(cid:N)` text
    is what the OCR fallback recognises as a garbage text layer)."""
