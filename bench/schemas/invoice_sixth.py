"""Plain user schema, sixth wording: terse names and terse descriptions (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class Inv(BaseModel):
    """Invoice header fields."""

    inv_nr: str = Field(description="Invoice number.")
    issued_on: dt.date = Field(description="Date issued.")
    sold_by: str = Field(description="Seller name.")
    sold_to: str = Field(description="Buyer name.")
    cur: str = Field(description="ISO currency code.")
    tot_incl_tax: Decimal = Field(description="Total with tax.")
