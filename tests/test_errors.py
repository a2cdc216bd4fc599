"""errors.py: Reason is the one list of reason codes, and the README's table says the same."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from extractors.errors import DocumentError, Reason


def readme_reason_codes() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("Reason codes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", table, re.M)


def test_readme_reason_table_lists_exactly_the_reason_codes():
    codes = readme_reason_codes()
    assert len(codes) == len(set(codes))
    assert set(codes) == {r.value for r in Reason}


def test_a_reason_not_in_the_list_is_refused_and_a_listed_one_prints_as_its_code():
    with pytest.raises(ValueError):
        DocumentError("no_such_reason", "x")
    err = DocumentError("parse_error", "x")
    assert err.reason is Reason.PARSE_ERROR
    assert f"{err.reason}" == str(err.reason) == "parse_error"


def test_every_reason_the_code_raises_is_listed():
    """Literal reason strings in the product code are all in Reason."""
    listed = {r.value for r in Reason}
    found = set()
    for f in (ROOT / "extractors").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        found |= set(re.findall(r'DocumentError\(\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'return "([a-z_]+)", "', text))   # read stage's (reason, message)
        found |= set(re.findall(r'reason = "([a-z_]+)"', text))
    assert found and found <= listed, found - listed
