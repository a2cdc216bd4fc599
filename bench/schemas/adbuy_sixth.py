"""Plain user schema, sixth wording: camelCase field names (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class PoliticalAdBuy(BaseModel):
    """A political TV advertising order, contract or invoice filed with the FCC."""

    contractId: str = Field(description="The station's identifier for this ad contract.")
    buyingCampaign: str = Field(description="The campaign or political committee paying for the ads.")
    grossDollars: Decimal = Field(description="Total cost of the buy in dollars before any agency commission.")
    flightStart: dt.date = Field(description="The first date the ads are scheduled to air.")
    flightEnd: dt.date = Field(description="The final date the ads are scheduled to air.")
