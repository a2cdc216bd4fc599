"""A fourth plain ad-order schema in other words (issue 17, session 11): written before it was first
measured, to find what other wordings still miss while the third wording stays held out (see
bench/plain.py's `adbuy-fourth` set for the field mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class BroadcastOrder(BaseModel):
    """Broadcast order for political spots from a television station."""

    order_no: str = Field(description="Number the station assigned to this order.")
    buyer: str = Field(description="Candidate, committee or organization buying the spots.")
    order_total: Decimal = Field(description="Total dollars for all spots, gross.")
    spots_begin: dt.date = Field(description="When the spots start running.")
    spots_end: dt.date = Field(description="When the spots stop running.")
