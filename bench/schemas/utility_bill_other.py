"""A second plain utility-bill schema in other words, for checking only (issue 17): written before
it was first measured (d3de26c); that measurement found generic gaps fixed next (party synonyms,
idioms said outside a description's first phrase), so it is no longer an untouched check; field
names differ from the labels' (see bench/plain.py's `bills-other` set for the mapping)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class EnergyBill(BaseModel):
    """A gas, power or water bill."""

    utility: str = Field(description="Company supplying the service.")
    customer_account: str = Field(description="Account identifier on the bill.")
    bill_date: Optional[dt.date] = Field(None, description="When the bill was issued.")
    pay_by: Optional[dt.date] = Field(None, description="Date payment is due.")
    amount_due: Decimal = Field(description="How much must be paid.")
    period_from: Optional[dt.date] = Field(None, description="Start of the service period.")
    period_to: Optional[dt.date] = Field(None, description="End of the service period.")
