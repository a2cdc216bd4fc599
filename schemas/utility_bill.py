"""A residential or business utility bill (electricity, gas, water)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class UtilityBill(BaseModel):
    """A utility bill: who bills whom, for which period, and how much is due."""

    model_config = ConfigDict(extra="forbid")

    provider_name: str = Field(max_length=80, description="Utility company that issued the bill",
                               json_schema_extra={"labels": ["utility", "provider", "remit to"]})
    account_number: str = Field(max_length=40, description='Customer account number, "Account No", "Account #"',
                                json_schema_extra={"labels": ["account", "acct", "customer number"]})
    customer_name: str = Field(max_length=80, description='Name of the customer billed, "Customer", "Bill to"',
                               json_schema_extra={"labels": ["customer name", "name", "service for", "account holder"]})
    statement_date: dt.date = Field(description='Date the bill was issued, "Bill date", "Statement date"',
                                    json_schema_extra={"labels": ["bill date", "issue date", "date issued", "invoice date"]})
    period_start: dt.date = Field(description='First day of the billing/service period, "Service from"',
                                  json_schema_extra={"labels": ["billing period", "service period", "from", "service from", "period from"]})
    period_end: dt.date = Field(description='Last day of the billing/service period, "Service to"',
                                json_schema_extra={"labels": ["billing period", "service period", "to", "through", "service to", "period to"]})
    due_date: dt.date = Field(description='Date payment is due, "Due date", "Pay by"',
                              json_schema_extra={"labels": ["due date", "pay by", "payment due", "due by"]})
    current_charges: Decimal = Field(max_digits=12, decimal_places=2, description='New charges for this period, "Current charges"',
                                     json_schema_extra={"labels": ["current charges", "new charges", "total current charges", "charges this period"]})
    amount_due: Decimal = Field(max_digits=12, decimal_places=2, description='Total amount to pay, "Amount due", "Total due"',
                                json_schema_extra={"labels": ["amount due", "total amount due", "total due", "please pay", "balance due"]})

    @model_validator(mode="after")
    def _rules(self):
        if self.period_end < self.period_start:
            raise ValueError("period_end: billing period ends before it starts")
        if self.amount_due < 0 or self.current_charges < 0:
            raise ValueError("amount_due: negative amounts need review")
        return self
