"""Plain user schema, tenth wording: compliance analyst (written before its first measurement)."""
import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class PoliticalAdvertisingAgreement(BaseModel):
    """Key terms of a political advertising agreement filed in a station's public inspection file."""

    contract_identifier: str = Field(description="The identifier the station or its sales agent assigned to this advertising agreement.")
    purchasing_political_entity: str = Field(description="The candidate campaign, party or political committee that purchased the airtime.")
    gross_contract_value: Decimal = Field(description="The aggregate dollar value of the agreement before agency commission or other deductions.")
    broadcast_period_commencement: dt.date = Field(description="The earliest calendar date on which the purchased advertisements are scheduled to air.")
    broadcast_period_conclusion: dt.date = Field(description="The latest calendar date on which the purchased advertisements are scheduled to air.")
