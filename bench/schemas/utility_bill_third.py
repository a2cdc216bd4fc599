"""A third plain utility-bill schema in other words, for checking only (issue 17): written after
the second wording's gaps were fixed and committed before it was first measured; never to be
tuned on (see bench/plain.py's `bills-third` set for the field mapping)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class UtilityStatement(BaseModel):
    """Monthly statement from a utility."""

    company: str = Field(description="Utility that sent the statement.")
    account_no: str = Field(description="Customer account no.")
    statement_date: Optional[dt.date] = Field(None, description="Statement issue date.")
    payment_due: Optional[dt.date] = Field(None, description="Due date for payment.")
    total_due: Decimal = Field(description="Total balance due.")
    service_from: Optional[dt.date] = Field(None, description="Service period start.")
    service_to: Optional[dt.date] = Field(None, description="Service period end.")
