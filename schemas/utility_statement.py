"""A multi-account summary utility statement: one bill covering many service accounts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ServiceAccount(BaseModel):
    """One service account of a summary statement (its own address, period and charges)."""

    model_config = ConfigDict(extra="forbid")

    account_number: str = Field(max_length=40, description='Service account number, "Account Number", "Account #"',
                                json_schema_extra={"kind": "id", "labels": ["account number", "account no", "account #", "service account", "account", "acct"]})
    service_address: Optional[str] = Field(default=None, max_length=160, description='Where the service is delivered, "Service Address"',
                                           json_schema_extra={"labels": ["service address", "service location", "premises", "address"]})
    period_start: Optional[dt.date] = Field(default=None, description='First day of the account\'s service period, "Service Period"',
                                            json_schema_extra={"labels": ["service period", "billing period", "period", "service from", "from"]})
    period_end: Optional[dt.date] = Field(default=None, description='Last day of the account\'s service period, "Service Period"',
                                          json_schema_extra={"labels": ["service period", "billing period", "period", "service to", "to", "through"]})
    current_charges: Decimal = Field(max_digits=12, decimal_places=2, description='The account\'s charges this period, "Current Charges"',
                                     json_schema_extra={"labels": ["account current charges", "current charges", "charges", "amount", "total"]})

    @model_validator(mode="after")
    def _rules(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end: service period ends before it starts")
        return self


class UtilityStatement(BaseModel):
    """A summary billing statement: one customer, one amount due, many service accounts."""

    model_config = ConfigDict(extra="forbid")

    provider_name: Optional[str] = Field(default=None, max_length=80, description="Utility company that issued the statement",
                                         json_schema_extra={"labels": ["utility", "provider", "remit to"]})
    customer_name: str = Field(max_length=80, description='Customer billed, "Customer", "Bill to"',
                               json_schema_extra={"labels": ["customer", "customer name", "bill to", "account holder"]})
    summary_account_number: str = Field(max_length=40, description='The summary (parent) account, "Summary Account"',
                                        json_schema_extra={"kind": "id", "labels": ["summary account", "summary account number", "master account", "parent account", "main account"]})
    statement_date: dt.date = Field(description='Date the statement was issued, "Statement date"',
                                    json_schema_extra={"labels": ["statement date", "bill date", "issue date", "date issued"]})
    due_date: dt.date = Field(description='Date payment is due, "Payment due date"',
                              json_schema_extra={"labels": ["payment due date", "due date", "pay by", "payment due"]})
    total_amount_due: Decimal = Field(max_digits=14, decimal_places=2, description='Total to pay for all accounts, "Total amount due"',
                                      json_schema_extra={"labels": ["total amount due", "amount due", "total due", "please pay", "balance due"]})
    accounts: list[ServiceAccount] = Field(min_length=1, description="The service accounts the statement covers (at least one)",
                                           json_schema_extra={"labels": ["account summary", "service accounts", "summary of accounts", "accounts"]})

    @model_validator(mode="after")
    def _rules(self):
        if self.due_date < self.statement_date:
            raise ValueError("due_date: due before the statement date")
        return self
