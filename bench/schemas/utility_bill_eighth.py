"""Plain user schema, eighth wording: chatty descriptions (written before its first measurement)."""

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class UtilityStatement(BaseModel):
    """What I want pulled off an electricity or gas bill."""

    energy_company: str = Field(description="Who sent this bill, so basically the power or gas company I'm paying.")
    customer_acct_ref: str = Field(description="My account number with them, the one I'd quote if I called customer service.")
    statement_issued_on: Optional[dt.date] = Field(default=None, description="The day they put this bill together and sent it out, if it's shown.")
    payment_deadline: Optional[dt.date] = Field(default=None, description="The date I need to have paid by so I don't get hit with a late fee.")
    owed_this_bill: Decimal = Field(description="The full amount they want from me on this bill, all charges included.")
    covers_from: Optional[dt.date] = Field(default=None, description="The first day of usage this bill is charging me for.")
    covers_through: Optional[dt.date] = Field(default=None, description="The last day of usage this bill is charging me for.")
