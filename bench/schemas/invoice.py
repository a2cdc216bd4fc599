"""Plain user schema: invoices (written before tuning; see README.md here)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class Invoice(BaseModel):
    """A supplier invoice."""

    invoice_number: str = Field(description="The invoice number.")
    issue_date: dt.date = Field(description="Date the invoice was issued.")
    seller_name: str = Field(description="Name of the company that sent the invoice.")
    buyer_name: str = Field(description="Name of the customer the invoice is addressed to.")
    currency: str = Field(description="Currency of the amounts, as an ISO code like EUR or USD.")
    grand_total: Decimal = Field(description="Total amount of the invoice including tax.")
