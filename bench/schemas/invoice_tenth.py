"""Plain user schema, tenth wording: data engineer (written before its first measurement)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class EInvoiceRow(BaseModel):
    """One row per e-invoice document for the warehouse load."""

    inv_no: str = Field(description="Invoice identifier as issued by the seller.")
    issue_dt: dt.date = Field(description="Date the invoice was issued.")
    seller: str = Field(description="Legal or trading name of the selling company.")
    buyer: str = Field(description="Legal or trading name of the purchasing company.")
    ccy_code: str = Field(description="Three-letter ISO 4217 code of the invoice currency.")
    amt_incl_tax: Decimal = Field(description="Invoice total with all taxes included.")
