"""Plain user schema, ninth wording: NDA (written before its first measurement)."""

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class NdaSummary(BaseModel):
    """Key terms a paralegal notes when logging a confidentiality agreement."""

    effective_as_of: Optional[dt.date] = Field(default=None, description="Date on which the agreement takes effect.")
    governed_by_state: Optional[str] = Field(default=None, description="US state whose laws control the interpretation of the agreement.")
    named_parties: list[str] = Field(description="Names of every person or organization that is a party to the agreement.")
    nda_term: Optional[str] = Field(default=None, description="How long the agreement stays in force, written as a length of time.")
