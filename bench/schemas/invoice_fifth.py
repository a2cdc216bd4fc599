"""A fifth plain invoice schema in other words (issue 17/18, session 11): written before it was first
measured, to find what other wordings still miss (see bench/plain.py's `zugferd-fifth` set for the
field mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class PurchaseInvoice(BaseModel):
    """Invoice we have to pay."""

    doc_no: str = Field(description="Invoice reference printed by the supplier.")
    doc_date: dt.date = Field(description="Issue date.")
    from_company: str = Field(description="Legal name of the business that sent us the bill.")
    to_company: str = Field(description="Legal name of the invoiced customer.")
    curr: str = Field(description="Currency.")
    gross: Decimal = Field(description="Invoice amount with tax.")
