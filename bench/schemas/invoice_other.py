"""A second plain invoice schema in other words, for checking only (issue 17): written before it
was first measured (d3de26c); that measurement found generic gaps fixed next (party synonyms,
idioms said outside a description's first phrase), so it is no longer an untouched check; field
names differ from the labels' (see bench/plain.py's `zugferd-other` set for the mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class SupplierInvoice(BaseModel):
    """An invoice received from a vendor."""

    number: str = Field(description="Invoice identifier.")
    invoice_date: dt.date = Field(description="When the invoice was written.")
    vendor: str = Field(description="Who is billing us.")
    customer: str = Field(description="Who is being billed.")
    currency_code: str = Field(description="Three-letter currency code.")
    amount_payable: Decimal = Field(description="Total to pay, taxes included.")
