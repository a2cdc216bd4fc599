"""Plain user schema, eighth wording: PascalCase names (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class EInvoice(BaseModel):
    """Header data of a German or French electronic invoice."""

    BillNumber: str = Field(description="Identifier the seller gave this invoice.")
    DateIssued: dt.date = Field(description="Day the invoice was made out.")
    SellingParty: str = Field(description="Company that sold the goods or services.")
    PurchasingParty: str = Field(description="Company or person being charged.")
    CurrencyIso: str = Field(description="Three-letter ISO code of the invoice currency.")
    TotalWithTax: Decimal = Field(description="Final invoice total with VAT included.")
