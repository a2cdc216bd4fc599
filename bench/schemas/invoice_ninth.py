"""Plain user schema, ninth wording: e-invoice (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class InvoiceRecord(BaseModel):
    """Header facts an accountant books from a supplier invoice."""

    invoice_ref: str = Field(description="The identifier the seller assigned to this invoice.")
    invoice_issued: dt.date = Field(description="The date on which the invoice was issued.")
    seller_company: str = Field(description="Legal name of the business that sold the goods or services.")
    buyer_company: str = Field(description="Legal name of the business being billed.")
    iso_currency: str = Field(description="Three-letter ISO code of the currency the invoice is denominated in.")
    total_including_vat: Decimal = Field(description="Final invoice total after all taxes have been added.")
