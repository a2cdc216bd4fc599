"""Plain user schema: utility bills (written before tuning; see README.md here)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class UtilityBill(BaseModel):
    """An electricity, gas or water bill."""

    provider_name: str = Field(description="Name of the utility company that issued the bill.")
    account_number: str = Field(description="The customer's account number with the utility.")
    statement_date: Optional[dt.date] = Field(None, description="Bill or statement date.")
    due_date: Optional[dt.date] = Field(None, description="Payment due date.")
    total_amount_due: Decimal = Field(description="Total amount the customer has to pay.")
    billing_period_start: Optional[dt.date] = Field(None, description="First day of the billing period.")
    billing_period_end: Optional[dt.date] = Field(None, description="Last day of the billing period.")
