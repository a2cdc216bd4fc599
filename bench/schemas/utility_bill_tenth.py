"""Plain user schema, tenth wording: operations clerk (written before its first measurement)."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class EnergyBill(BaseModel):
    """The basic details we key in from each electricity or gas bill."""

    utility_name: str = Field(description="Name of the company that sent us the bill.")
    account_num: str = Field(description="Our account number with that company.")
    date_on_bill: Optional[dt.date] = Field(default=None, description="The date the bill was made out.")
    pay_by_date: Optional[dt.date] = Field(default=None, description="The last day we can pay without being late.")
    amount_owed: Decimal = Field(description="How much we have to pay in total on this bill.")
    billed_from: Optional[dt.date] = Field(default=None, description="First day of the time period the bill charges for.")
    billed_to: Optional[dt.date] = Field(default=None, description="Last day of the time period the bill charges for.")
