"""Shared fixtures: a fake model backend (queued answers + call history) and paths."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


class FakeBackend:
    """Stands in for the model: returns queued probability lists, records every prompt."""

    name = "fake.gguf"
    sha256 = "0" * 64

    def __init__(self):
        self.queue: list[list[float]] = []
        self.calls: list[str] = []

    def enqueue(self, probs: list[float]):
        self.queue.append(probs)

    def choose(self, prompt: str, n_options: int):
        self.calls.append(prompt)
        if self.queue:
            return self.queue.pop(0), 10
        return [1.0 / (n_options + 1)] * (n_options + 1), 10


@pytest.fixture
def fake_backend():
    return FakeBackend()


@pytest.fixture(scope="session")
def real_backend():
    from extractors.decide.backends import load_backend
    return load_backend(None)


INVOICE_TXT = """ACME Widgets GmbH
Hauptstrasse 5, 10115 Berlin
Invoice No: INV-2024-0042        Invoice Date: 14.03.2024
Due Date: 13.04.2024
Bill To:   Blue River Trading Ltd
Currency: EUR
Description   Qty   Amount
Widgets   3   300,00 €
Net total:   300,00 €
VAT 19%:   57,00 €
Total:   357,00 €
"""


@pytest.fixture
def invoice_txt(tmp_path):
    p = tmp_path / "inv.txt"
    p.write_text(INVOICE_TXT)
    return p
