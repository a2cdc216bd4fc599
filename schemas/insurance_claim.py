"""A health insurance claim as printed on a CMS-1500 form."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

IcdCode = Annotated[str, StringConstraints(pattern=r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")]


def npi_is_valid(npi: str) -> bool:
    """NPI check digit: Luhn over the 9 digits prefixed by 80840."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


class InsuranceClaim(BaseModel):
    """A CMS-1500 health insurance claim: patient, insured, payer, provider, services, charges."""

    model_config = ConfigDict(extra="forbid")

    patient_name: str = Field(max_length=80, description='Patient name, box 2 "Patient\'s name"',
                              json_schema_extra={"labels": ["2 patient's name", "patient's name", "patient name", "patient"]})
    patient_dob: dt.date = Field(description='Patient birth date, box 3 "Patient\'s birth date"',
                                 json_schema_extra={"labels": ["birth date", "date of birth", "dob", "patient's birth date"]})
    insured_id: str = Field(max_length=30, description='Insured\'s ID number, box 1a "Insured\'s I.D. Number"',
                            json_schema_extra={"kind": "id", "labels": ["insured's id number", "insured id", "member id", "subscriber id", "subscriber", "policy number", "id number", "1a"]})
    payer_name: str = Field(max_length=80, description="Insurance carrier the claim is sent to (top of the form)",
                            json_schema_extra={"labels": ["carrier", "payer", "insurance plan name", "plan name", "insurance"]})
    provider_name: str = Field(max_length=80, description='Billing provider, box 33 "Billing provider info"',
                               json_schema_extra={"labels": ["33 billing provider info", "billing provider name", "billing provider info", "billing provider", "provider", "physician", "33"]})
    provider_npi: str = Field(max_length=10, description='Billing provider NPI, box 33a, 10 digits',
                              json_schema_extra={"kind": "id", "labels": ["33a npi", "billing provider npi", "billing npi", "npi", "33a", "npi #"], "pattern": r"\d{10}"})
    service_date_from: dt.date = Field(description='First date of service, box 24A "From"',
                                       json_schema_extra={"labels": ["date of service", "dates of service", "from", "service date"]})
    service_date_to: dt.date = Field(description='Last date of service, box 24A "To"',
                                     json_schema_extra={"labels": ["date of service", "dates of service", "to", "service date"]})
    diagnosis_codes: list[IcdCode] = Field(max_length=12, description='ICD-10 diagnosis codes, box 21',
                                           json_schema_extra={"labels": ["diagnosis", "icd", "21"]})
    total_charge: Decimal = Field(max_digits=12, decimal_places=2, description='Total charge, box 28 "Total charge"',
                                  json_schema_extra={"labels": ["total charge", "total charges", "28", "total"]})

    @model_validator(mode="after")
    def _rules(self):
        if self.service_date_to < self.service_date_from:
            raise ValueError("service_date_to: last date of service is before the first")
        if not npi_is_valid(self.provider_npi):
            raise ValueError("provider_npi: NPI check digit is wrong")
        if self.patient_dob > self.service_date_from:
            raise ValueError("patient_dob: patient born after the date of service")
        return self
