"""Plain user schema, seventh wording: short abbreviated column-style names (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class InvHdr(BaseModel):
    """Invoice header row."""

    inv_num: str = Field(description="Invoice identifier assigned by the seller.")
    inv_dt: dt.date = Field(description="Date the invoice was issued.")
    seller_nm: str = Field(description="Legal name of the selling company.")
    buyer_nm: str = Field(description="Name of the company or person being billed.")
    cur_cd: str = Field(description="Three-letter ISO currency code of the amounts.")
    tot_gross_amt: Decimal = Field(description="Invoice total with tax included.")
