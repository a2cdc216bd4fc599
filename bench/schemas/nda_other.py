"""A second plain NDA schema in other words, for checking only (issue 18): written before it was
first measured and never tuned on; field names differ from the labels' (see bench/plain.py's
`nda-other` set for the mapping)."""
import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class Confidentiality(BaseModel):
    """A confidentiality agreement between companies or people."""

    start_date: Optional[dt.date] = Field(None, description="When the contract starts.")
    governing_law: Optional[str] = Field(None, description="State law that applies.")
    parties: list[str] = Field(default_factory=list, description="Who signed it.")
    duration: Optional[str] = Field(None, description="How long it runs.")
