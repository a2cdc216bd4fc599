"""Plain user schema, eighth wording: terse (written before its first measurement)."""

import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class Nda(BaseModel):
    """NDA key terms."""

    eff_dt: Optional[dt.date] = Field(default=None, description="Effective date.")
    gov_st: Optional[str] = Field(default=None, description="US state whose law governs.")
    party_list: list[str] = Field(description="Names of the parties.")
    term_len: Optional[str] = Field(default=None, description="How long the agreement runs, as text.")
