"""Plain user schema: non-disclosure agreements (written before tuning; see README.md here)."""
import datetime as dt
from typing import Optional

from pydantic import BaseModel, Field


class NDA(BaseModel):
    """A non-disclosure (confidentiality) agreement."""

    effective_date: Optional[dt.date] = Field(None, description="Date the agreement takes effect.")
    jurisdiction: Optional[str] = Field(None, description="The US state whose law governs the agreement.")
    party: list[str] = Field(default_factory=list, description="The companies or persons who sign the agreement.")
    term: Optional[str] = Field(None, description="How long the agreement lasts, e.g. 2 years.")
