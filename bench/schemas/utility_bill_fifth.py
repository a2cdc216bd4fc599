"""A fifth plain utility-bill schema in other words (issue 17/18, session 11): written before it was first
measured, to find what other wordings still miss (see bench/plain.py's `bills-fifth` set for the
field mapping)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class ServiceBill(BaseModel):
    """Bill for utility service (power, gas, water)."""

    provider: str = Field(description="Who provides the service.")
    acct: str = Field(description="Customer account.")
    bill_issued: Optional[dt.date] = Field(None, description="Bill issue date.")
    pay_before: Optional[dt.date] = Field(None, description="Payment deadline.")
    balance: Decimal = Field(description="Balance to be paid.")
    usage_from: Optional[dt.date] = Field(None, description="Usage period start.")
    usage_to: Optional[dt.date] = Field(None, description="Usage period end.")
