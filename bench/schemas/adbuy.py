"""Plain user schema: political TV ad orders (written before tuning; see README.md here)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class AdOrder(BaseModel):
    """An order, contract or invoice from a TV station for political advertising."""

    contract_num: str = Field(description="The contract or order number of the ad buy.")
    advertiser: str = Field(description="The advertiser or campaign committee paying for the ads.")
    gross_amount: Decimal = Field(description="Gross total amount of the order.")
    flight_from: dt.date = Field(description="Start date of the flight (first day the ads air).")
    flight_to: dt.date = Field(description="End date of the flight (last day the ads air).")
