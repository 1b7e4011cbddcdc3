"""Wire shapes of the billing extension (/ext/v1/billing, /ops/v1/billing): request bodies and responses.

Money on the extension API is a string with two decimals (`statement.amount_text`), never a float; times are
ISO 8601 strings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mpaas.core.wire import Required, WireModel, WireResponse, one_of

USAGE_KINDS = ("Data", "SMS", "Voice")


class RunRequest(WireModel):
    period: Required = Field(alias="Period", examples=["2026-01"])


class UsageReport(WireModel):
    subscription_id: Required = Field(alias="SubscriptionId")
    kind: Annotated[str, one_of(*USAGE_KINDS)] = Field(alias="Kind")
    amount: int = Field(alias="Amount", gt=0, le=10**12, description="Data: bytes; Voice: minutes; SMS: messages")


# Responses (field order is the presenters', which is the order on the wire).


class ChargeOut(WireResponse):
    charge_id: int
    subscription_id: str
    package_id: str
    package_name: str
    period: str
    kind: str
    description: str
    amount: str
    currency: str
    created_on: str


class Charges(WireResponse):
    account_id: str
    period: str
    total_charges: int
    charges: list[ChargeOut]


class StatementLine(WireResponse):
    package_id: str
    package_name: str
    subscriptions: int
    amount: str


class StatementOut(WireResponse):
    account_id: str
    account_name: str
    period: str
    currency: str
    rounding: str
    lines: list[StatementLine]
    total_charges: int
    total: str


class ThresholdEventOut(WireResponse):
    threshold_id: str
    subscription_id: str
    account_id: str
    action: str
    usage: int
    created_on: str


class ThresholdEvents(WireResponse):
    period: str
    events: list[ThresholdEventOut]


class RunQueued(WireResponse):
    period: str
    status: str


class RunOut(WireResponse):
    period: str
    status: str
    subscriptions_billed: int
    completed_on: str | None


class UsageRecorded(WireResponse):
    subscription_id: str
    kind: str
    period: str
    usage: int
