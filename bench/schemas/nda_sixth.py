"""Plain user schema, sixth wording: descriptions phrased as questions (written before its first measurement)."""

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class ConfidentialityAgreement(BaseModel):
    """Main terms of a US non-disclosure agreement."""

    takes_effect_on: Optional[dt.date] = Field(default=None, description="On what date does this agreement become effective?")
    choice_of_law_state: Optional[str] = Field(default=None, description="Which US state's laws govern this agreement?")
    contracting_parties: list[str] = Field(description="Who are the parties entering into this agreement?")
    how_long_it_lasts: Optional[str] = Field(default=None, description="For how long does the agreement remain in force, in words such as a number of years?")
