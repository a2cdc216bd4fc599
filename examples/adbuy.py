"""User schema for TV political ad orders / contracts / invoices (as an operations user writes it)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class AdBuy(BaseModel):
    """A TV station's order, contract or invoice for political advertising time."""

    model_config = ConfigDict(extra="forbid")

    contract_num: str = Field(max_length=30, description='Contract or order number, "Contract #", "Order #"',
                              json_schema_extra={"kind": "id", "labels": ["contract #", "contract number", "contract", "contract / revision", "invoice #", "order #", "order number", "order / rev", "order"]})
    advertiser: str = Field(max_length=80, description='Advertiser / candidate committee that buys the ads, "Advertiser"',
                            json_schema_extra={"labels": ["advertiser", "advertiser name", "client", "candidate"]})
    gross_amount: Decimal = Field(max_digits=12, decimal_places=2, description='Total gross amount of the order, "Gross Amount", "Total"',
                                  json_schema_extra={"labels": ["gross", "gross amount", "gross total", "total gross", "total", "grand total", "order total", "total cost", "amount due"]})
    flight_from: dt.date = Field(description='First air date of the flight, "Flight Dates", "Start Date"',
                                 json_schema_extra={"labels": ["flight dates", "flight", "contract dates", "air dates", "start date", "flight start", "from", "schedule dates", "period"]})
    flight_to: dt.date = Field(description='Last air date of the flight, "Flight Dates", "End Date"',
                               json_schema_extra={"labels": ["flight dates", "flight", "contract dates", "air dates", "end date", "flight end", "to", "schedule dates", "period"]})
