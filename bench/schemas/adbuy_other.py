"""A second plain ad-order schema in other words, for checking only (issue 17): written before it
was first measured (d3de26c); that measurement found generic gaps fixed next (party synonyms,
idioms said outside a description's first phrase), so it is no longer an untouched check; field
names differ from the labels' (see bench/plain.py's `adbuy-other` set for the mapping)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class TvAdBuy(BaseModel):
    """Paperwork from a TV station for a political ad buy."""

    order_id: str = Field(description="Identifier of the order or contract.")
    client: str = Field(description="Who bought the airtime.")
    total: Decimal = Field(description="Total cost before agency commission.")
    first_air_date: dt.date = Field(description="Date the schedule begins.")
    last_air_date: dt.date = Field(description="Date the schedule ends.")
