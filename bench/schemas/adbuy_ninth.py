"""Plain user schema, ninth wording: political TV ad buy (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class AdBuy(BaseModel):
    """One political ad purchase from a station's public file."""

    ad_contract_no: str = Field(description="The station's contract number for this ad purchase.")
    paid_for_by: str = Field(description="The campaign or political committee that is buying the airtime.")
    gross_spend: Decimal = Field(description="Total dollars spent on the buy before any agency commission is taken out.")
    flight_begins: dt.date = Field(description="The first day the ads are scheduled to run.")
    flight_ends: dt.date = Field(description="The last day the ads are scheduled to run.")
