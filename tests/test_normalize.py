import datetime as dt
from decimal import Decimal

import pytest

from extractors.normalize import parse_amount, parse_date


@pytest.mark.parametrize("text,dayfirst,expected", [
    ("03/14/2025", False, dt.date(2025, 3, 14)),
    ("14.03.2025", False, dt.date(2025, 3, 14)),
    ("2025-03-14", True, dt.date(2025, 3, 14)),
    ("March 14, 2025", False, dt.date(2025, 3, 14)),
    ("14 Mar 2025", False, dt.date(2025, 3, 14)),
    ("5. März 2024", False, dt.date(2024, 3, 5)),
    ("12/30/19", False, dt.date(2019, 12, 30)),
    ("02/03/20", True, dt.date(2020, 3, 2)),
])
def test_parse_date(text, dayfirst, expected):
    assert parse_date(text, dayfirst=dayfirst) == expected


def test_parse_date_rejects_nonsense():
    assert parse_date("31/31/2020") is None


@pytest.mark.parametrize("text,expected", [
    ("$5,625.00", "5625.00"), ("1.234,56 €", "1234.56"), ("USD 1,234.50", "1234.50"),
    ("(12.00)", "-12.00"), ("357,00", "357.00"),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == Decimal(expected)
