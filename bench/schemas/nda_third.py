"""A third plain NDA schema in other words (issue 17/18, session 11): written before it was first
measured, to find what other wordings still miss (see bench/plain.py's `nda-third` set for the
field mapping)."""
import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class NonDisclosure(BaseModel):
    """Mutual or one-way NDA."""

    agreement_date: Optional[dt.date] = Field(None, description="Date from which the NDA applies.")
    governing_state: Optional[str] = Field(None, description="Jurisdiction whose laws apply to the contract.")
    signatories: list[str] = Field(default_factory=list, description="Names of the contracting parties.")
    confidentiality_period: Optional[str] = Field(None, description="Length of the agreement.")
