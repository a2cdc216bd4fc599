"""Plain user schema, seventh wording: Title-style descriptions (written before its first measurement)."""

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class UtilityStatement(BaseModel):
    """Key Facts From An Electricity Or Gas Bill."""

    utility_company: str = Field(description="Name Of The Energy Company Sending The Bill")
    customer_account_no: str = Field(description="Customer Account Number As Shown On The Bill")
    bill_issue_date: Optional[dt.date] = Field(None, description="Date The Statement Was Prepared")
    payment_due_date: Optional[dt.date] = Field(None, description="Date By Which Payment Is Expected")
    total_payable: Decimal = Field(description="Total Amount The Customer Has To Pay Now")
    service_period_start: Optional[dt.date] = Field(None, description="First Day Of The Period Being Billed")
    service_period_end: Optional[dt.date] = Field(None, description="Last Day Of The Period Being Billed")
