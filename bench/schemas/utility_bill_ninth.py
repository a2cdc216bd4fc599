"""Plain user schema, ninth wording: utility bill (written before its first measurement)."""

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class SiteUtilityBill(BaseModel):
    """An electricity or gas bill received for one of our sites."""

    utility_provider: str = Field(description="Name of the energy company that sent the bill.")
    site_account_number: str = Field(description="Our customer account number with this energy company.")
    bill_dated: Optional[dt.date] = Field(default=None, description="Date printed on the bill as its issue date.")
    payment_due_by: Optional[dt.date] = Field(default=None, description="Last day to pay the bill without a late charge.")
    amount_to_pay: Decimal = Field(description="Total sum we are being asked to pay on this bill.")
    service_start: Optional[dt.date] = Field(default=None, description="First day of the period of consumption this bill covers.")
    service_end: Optional[dt.date] = Field(default=None, description="Final day of the period of consumption this bill covers.")
