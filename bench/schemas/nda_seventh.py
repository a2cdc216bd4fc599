"""Plain user schema, seventh wording: descriptions explaining the business meaning (written before its first measurement)."""

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class ConfidentialityAgreement(BaseModel):
    """Terms of a non-disclosure agreement that legal review tracks in its contract register."""

    agreement_effective_on: Optional[dt.date] = Field(None, description="The date from which the confidentiality obligations bind the parties.")
    governing_law_state: Optional[str] = Field(None, description="The US state whose laws a court would apply if the agreement were disputed.")
    party_names: list[str] = Field(default_factory=list, description="The companies or people who signed up to the agreement and owe each other confidentiality.")
    agreement_term: Optional[str] = Field(None, description="How long the agreement stays in force, so we know when the obligations expire.")
