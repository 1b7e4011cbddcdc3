"""The sandbox carrier: accepts every submit, and delivers a receipt after a delay.

Destinations starting with a configured prefix (default `+1500555`) fail with UNDELIV, so a client can
exercise its failure path. Receipts are durable jobs, so a restart does not lose them: the sandbox reports
the outcome in its SubmitResult (receipt_state/receipt_delay_seconds) rather than through CarrierEvents."""

from __future__ import annotations

import uuid

from mpaas.carriers.base import CarrierEvents, OutboundSms, SubmitResult


class SandboxConnector:
    name = "sandbox"

    def __init__(self, receipt_delay_seconds: float, fail_prefixes: list[str]):
        self.receipt_delay_seconds = receipt_delay_seconds
        self.fail_prefixes = tuple(fail_prefixes)
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

    async def submit(self, sms: OutboundSms) -> SubmitResult:
        state = "UNDELIV" if self.fail_prefixes and sms.destination.startswith(self.fail_prefixes) else "DELIVRD"
        self.submitted += 1
        return SubmitResult(
            carrier_id=uuid.uuid4().hex[:20],
            receipt_state=state,
            receipt_delay_seconds=self.receipt_delay_seconds,
            carrier=self.name,
        )
