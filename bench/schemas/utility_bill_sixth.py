"""Plain user schema, sixth wording: long descriptive field names (written before its first measurement)."""

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class UtilityBillSummary(BaseModel):
    """Key facts from an electricity or gas bill."""

    name_of_the_utility_company: str = Field(description="The energy company that sent this bill.")
    customer_account_identifier: str = Field(description="The customer's account number with the utility, as shown on the bill.")
    date_the_bill_was_issued: Optional[dt.date] = Field(default=None, description="The date this bill or statement was produced.")
    date_payment_must_be_made_by: Optional[dt.date] = Field(default=None, description="The deadline for paying this bill.")
    total_amount_the_customer_owes: Decimal = Field(description="The full amount the customer must pay on this bill.")
    first_day_of_the_service_period: Optional[dt.date] = Field(default=None, description="The date the billed usage period begins.")
    last_day_of_the_service_period: Optional[dt.date] = Field(default=None, description="The date the billed usage period ends.")
