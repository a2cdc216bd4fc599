"""A third plain ad-order schema in other words, for checking only (issue 17): written after the
second wording's gaps were fixed and committed before it was first measured; never to be tuned
on (see bench/plain.py's `adbuy-third` set for the field mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class PoliticalAdContract(BaseModel):
    """Station contract for a political advertising campaign."""

    contract_number: str = Field(description="Station's contract number.")
    advertiser_name: str = Field(description="Name of the political advertiser.")
    gross_total: Decimal = Field(description="Gross dollar amount.")
    start_date: dt.date = Field(description="First broadcast date.")
    end_date: dt.date = Field(description="Last broadcast date.")
