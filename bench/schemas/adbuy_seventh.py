"""Plain user schema, seventh wording: non-native English phrasing (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class TvPoliticalAdOrder(BaseModel):
    """Information to take out from one political advertisement order of a TV station."""

    contract_ref: str = Field(description="The number which the station give to this contract of advertising.")
    campaign_committee: str = Field(description="Name of the campaign or committee who is paying for the ads.")
    total_gross_usd: Decimal = Field(description="Whole amount of money in dollars before any commission is taken away.")
    schedule_begin: dt.date = Field(description="Day when the ads begin to go on air for this order.")
    schedule_finish: dt.date = Field(description="Day when the ads stop to go on air for this order.")
