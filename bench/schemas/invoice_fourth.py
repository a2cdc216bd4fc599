"""A fourth plain invoice schema in other words (issue 17, session 11): written before it was first
measured, to find what other wordings still miss while the third wording stays held out (see
bench/plain.py's `zugferd-fourth` set for the field mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class VendorInvoice(BaseModel):
    """Invoice for goods or services."""

    inv_id: str = Field(description="The document's invoice ID.")
    invoiced_on: dt.date = Field(description="Date printed as the invoice date.")
    issuer: str = Field(description="Company issuing the invoice.")
    recipient: str = Field(description="Company or person receiving the invoice.")
    ccy: str = Field(description="Currency code of the totals.")
    total_incl_vat: Decimal = Field(description="Amount due including VAT.")
