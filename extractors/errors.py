"""Errors: run errors stop the run; document errors become rejections.

    ExtractError
    ├── RunError             the whole run cannot go on: one-line message, non-zero exit
    └── DocumentError        this document failed: it becomes a rejection with a reason code
        (reason, stage, per-field messages, raw model output, partial record, evidence)

Reason codes (stable strings that reviewers and scripts filter on):
    not_found, empty_file, not_a_pdf, encrypted, parse_error, parse_timeout, no_text_layer,
    no_text, not_readable_text, validation_failed, business_rule, low_confidence, model_error
"""
from __future__ import annotations


class ExtractError(Exception):
    """Base class of every error this tool raises on purpose."""


class RunError(ExtractError):
    """The run cannot go on (unknown schema, missing model, missing input)."""


class DocumentError(ExtractError):
    """One document failed; the batch goes on and the document goes to rejected/."""

    def __init__(self, reason: str, message: str, *, stage: str = "",
                 field_errors: dict | None = None, raw_output=None,
                 partial: dict | None = None, evidence: dict | None = None,
                 confidence: dict | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.stage = stage
        self.field_errors = field_errors or {}
        self.raw_output = raw_output
        self.partial = partial
        self.evidence = evidence
        self.confidence = confidence


class CircularReference(Exception):
    """The PDF's page tree contains itself."""
