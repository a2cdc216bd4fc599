"""Plain user schema, eighth wording: downstream-purpose descriptions (written before its first measurement)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class PoliticalAdBuy(BaseModel):
    """One political TV ad buy from a station's FCC public file."""

    deal_number: str = Field(description="The station's identifier for this buy, used to join it with later revisions and invoices.")
    sponsor_committee: str = Field(description="The campaign or committee paying for the airtime, used to group spending by sponsor.")
    buy_gross_dollars: Decimal = Field(description="The gross dollar total of the buy before agency commission, summed into spending reports.")
    airing_opens: dt.date = Field(description="The first day the spots are scheduled to run, used to place the buy on a timeline.")
    airing_closes: dt.date = Field(description="The last day the spots are scheduled to run, used to close the buy's window on the timeline.")
