"""The sandbox carrier: accepts every submit, and delivers a receipt after a delay.

Destinations starting with a configured prefix (default `+1500555`) fail with UNDELIV, so a client can
exercise its failure path. Receipts are durable jobs, so a restart does not lose them: the sandbox reports
the outcome in its SubmitResult (receipt_state/receipt_delay_seconds) rather than through CarrierEvents.

Destinations starting with a no-receipt prefix (default `+1500556`) are accepted but never get a receipt, as
if the carrier dropped it: asked about, they stay ENROUTE, and the receipt sweep gives them `Expired` when
their validity period ends (messaging/receipt_sweep.py).

Asked about a message (query_sm's equivalent, by the receipt sweep) it answers the outcome its receipt
carries, decided by the destination as at submit time, so a late receipt job and a query agree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from mpaas.carriers.base import CarrierEvents, OutboundSms, QueryResult, SubmitResult


class SandboxConnector:
    name = "sandbox"

    def __init__(self, receipt_delay_seconds: float, fail_prefixes: list[str], no_receipt_prefixes: Sequence[str] = ()):
        self.receipt_delay_seconds = receipt_delay_seconds
        self.fail_prefixes = tuple(fail_prefixes)
        self.no_receipt_prefixes = tuple(no_receipt_prefixes)
        self.events: CarrierEvents | None = None
        self.submitted = 0

    async def start(self, events: CarrierEvents) -> None:
        self.events = events

    async def stop(self) -> None:
        self.events = None

    def state(self) -> dict:
        return {
            "name": self.name,
            "kind": "sandbox",
            "bound": True,
            "host": None,
            "window": None,
            "in_flight": 0,
            "throughput": None,
            "submitted": self.submitted,
        }

    def outcome(self, destination: str) -> str:
        if self.no_receipt_prefixes and destination.startswith(self.no_receipt_prefixes):
            return "ENROUTE"  # never settles: no receipt is sent
        return "UNDELIV" if self.fail_prefixes and destination.startswith(self.fail_prefixes) else "DELIVRD"

    async def query(self, carrier: str, carrier_message_id: str, source: str, destination: str) -> QueryResult | None:
        if carrier != self.name:
            return None
        return QueryResult(self.outcome(destination))  # no error code, as its receipt jobs carry none

    async def submit(self, sms: OutboundSms) -> SubmitResult:
        state = self.outcome(sms.destination)
        self.submitted += 1
        silent = state == "ENROUTE"
        return SubmitResult(
            carrier_id=uuid.uuid4().hex[:20],
            receipt_state=None if silent else state,
            receipt_delay_seconds=None if silent else self.receipt_delay_seconds,
            carrier=self.name,
        )
