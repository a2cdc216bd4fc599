"""A fifth plain ad-order schema in other words (issue 17/18, session 11): written before it was first
measured, to find what other wordings still miss (see bench/plain.py's `adbuy-fifth` set for the
field mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class StationInvoice(BaseModel):
    """Political ad invoice or order confirmation from a broadcaster."""

    reference: str = Field(description="Contract reference of the buy.")
    political_client: str = Field(description="Committee or candidate the ads are for.")
    amount_gross: Decimal = Field(description="Gross amount of the buy in dollars.")
    period_start: dt.date = Field(description="Start of the flight.")
    period_end: dt.date = Field(description="End of the flight.")
