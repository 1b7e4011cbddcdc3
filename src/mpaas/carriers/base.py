"""The carrier connector interface: how the pipeline hands a message to a carrier and hears back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutboundSms:
    message_id: str
    source: str  # E.164
    destination: str  # E.164
    body: str


@dataclass(frozen=True)
class SubmitResult:
    carrier_id: str
    # A carrier that already knows the outcome (the sandbox) says when the receipt will arrive and what
    # it will say; real carriers leave these None and report receipts on their own.
    receipt_state: str | None = None
    receipt_delay_seconds: float | None = None


class CarrierRejected(Exception):
    """The carrier refused the message for good (invalid destination and the like)."""


class Connector(Protocol):
    name: str

    async def submit(self, sms: OutboundSms) -> SubmitResult: ...
