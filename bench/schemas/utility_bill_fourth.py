"""A fourth plain utility-bill schema in other words (issue 17, session 11): written before it was first
measured, to find what other wordings still miss while the third wording stays held out (see
bench/plain.py's `bills-fourth` set for the field mapping)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class PowerBill(BaseModel):
    """Household or business bill for electricity, gas or water."""

    supplier: str = Field(description="Energy or water company billing the customer.")
    account_id: str = Field(description="Number identifying the customer's account.")
    issued: Optional[dt.date] = Field(None, description="Date the bill was produced.")
    due: Optional[dt.date] = Field(None, description="Last day to pay without penalty.")
    amount: Decimal = Field(description="Amount to pay on this bill.")
    from_date: Optional[dt.date] = Field(None, description="Beginning of the period billed.")
    to_date: Optional[dt.date] = Field(None, description="End of the period billed.")
