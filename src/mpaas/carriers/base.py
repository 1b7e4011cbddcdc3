"""The carrier connector interface: how the pipeline hands a message to a carrier and hears back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MediaItem:
    """One media item of an MMS: a link (`MmsMedia`) or the content itself (`MmsBase64`, with its MIME type)."""

    url: str | None = None
    content_type: str | None = None
    base64: str | None = None


@dataclass(frozen=True)
class OutboundSms:
    message_id: str
    source: str  # E.164
    destination: str  # E.164
    body: str
    # How long the carrier should keep trying (sent as submit_sm's validity_period); None: the carrier's default.
    validity_seconds: float | None = None
    # An MMS's media (empty for an SMS). A connector that cannot carry media refuses the message
    # (CarrierRejected "MEDIA_UNSUPPORTED") rather than sending the text alone: docs/carriers.md "Media".
    media: tuple[MediaItem, ...] = ()


@dataclass(frozen=True)
class SubmitResult:
    carrier_id: str  # the carrier's id of the first (or only) part
    # A carrier that already knows the outcome (the sandbox) says when the receipt will arrive and what
    # it will say; real carriers leave these None and report receipts through CarrierEvents.on_receipt.
    receipt_state: str | None = None
    receipt_delay_seconds: float | None = None
    # One carrier id per submitted part, in order (empty = just carrier_id). Each part gets its own receipt.
    part_ids: tuple[str, ...] = ()
    # The carrier that took it, by the name its receipts will carry: behind a CarrierDispatcher, the member
    # carrier, not the router. None: the submitting connector's own name.
    carrier: str | None = None

    @property
    def all_ids(self) -> tuple[str, ...]:
        return self.part_ids or (self.carrier_id,)


@dataclass(frozen=True)
class QueryResult:
    """The carrier's answer to "what became of this part?" (SMPP query_sm). `known` False: the carrier no
    longer knows the id (ESME_RQUERYFAIL and the like, named in `error_code`); else `state` is a canonical
    7-letter stat (carriers/receipts.py), final or not, with the carrier's error code if it gave one."""

    state: str | None
    error_code: str | None = None
    known: bool = True


class CarrierEvents(Protocol):
    async def on_receipt(self, carrier: str, carrier_message_id: str, state: str, error_code: str | None) -> None: ...

    # source and destination in E.164; concatenated parts already reassembled.
    async def on_inbound(self, carrier: str, source: str, destination: str, body: str) -> None: ...


class NullEvents:
    """Events sink that drops everything (for tools that only submit, e.g. `mpaas carriers list`)."""

    async def on_receipt(self, carrier, carrier_message_id, state, error_code) -> None:
        return None

    async def on_inbound(self, carrier, source, destination, body) -> None:
        return None


class CarrierThrottled(Exception):
    """The carrier is over its throughput or queue limit (ESME_RTHROTTLED, ESME_RMSGQFUL): retry later."""

    def __init__(self, retry_after_seconds: float, message: str = ""):
        super().__init__(message or f"carrier throttled; retry after {retry_after_seconds:g}s")
        self.retry_after_seconds = retry_after_seconds


class CarrierUnavailable(Exception):
    """Not bound, connection lost, no response, or a transient carrier error: retry later."""


class CarrierRejected(Exception):
    """The carrier refused the message for good (invalid destination and the like)."""

    def __init__(self, code: str = "REJECTED", message: str = ""):
        super().__init__(message or f"carrier rejected the message: {code}")
        self.code = code


class InboundRefused(Exception):
    """Raised by CarrierEvents.on_inbound for a message the platform will never take (no such number, a number
    that is Parked or Cancelled, one that cannot receive SMS): the connector refuses it for good (SMPP:
    deliver_sm_resp ESME_RINVDSTADR) instead of asking the carrier to deliver it again."""


class CarrierBindError(Exception):
    """The carrier refused our bind for a reason retrying will not fix (bad system_id or password)."""


class Connector(Protocol):
    name: str

    async def start(self, events: CarrierEvents) -> None: ...

    async def stop(self) -> None: ...

    def state(self) -> dict: ...  # name, bound, host, window in use, throughput

    async def submit(self, sms: OutboundSms) -> SubmitResult: ...


class Queryable(Protocol):
    """A connector that can be asked about a message it accepted (optional: the receipt sweep asks only
    connectors that have `query`). `carrier` is the name the part was recorded under (behind a dispatcher, the
    member carrier). Returns None when this carrier cannot be asked (no such carrier, or it does not support
    queries); raises CarrierUnavailable when it cannot be asked now."""

    async def query(
        self, carrier: str, carrier_message_id: str, source: str, destination: str
    ) -> QueryResult | None: ...
