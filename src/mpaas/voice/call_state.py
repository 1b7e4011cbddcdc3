"""What a call's events make of its record (voice/events.py recomputes a record from all of its events).

Recomputing from the whole (short) history rather than patching the record makes the result independent of
the order events arrive in: an `ended` that arrives before its `answered` still ends with the answered call's
duration once the `answered` comes. A `failed` followed (in time) by `ringing` or `answered` was one branch
failing over to the next: the call is open again. A `lost` (voice/reconcile.py: Kamailio no longer knew the call) is
superseded the same way by any event Kamailio reports after it.

Events here are read by attribute (`event`, `occurred_at`, `sip_code`, `reason`, `branch`): the ORM's CallEvent
(reconcile) or `Event`, the same columns without the ORM's bookkeeping, which POST /sip/v1/events reads and writes
by the thousand (building a CallEvent per event was a tenth of a batch's time, py-spy over bench/voice.py)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mpaas.models.calls import Call
from mpaas.voice import calls

RINGING, ANSWERED, HOLD, RESUME, ENDED, FAILED = "ringing", "answered", "hold", "resume", "ended", "failed"
EVENTS = (RINGING, ANSWERED, HOLD, RESUME, ENDED, FAILED)
TERMINAL = (ENDED, FAILED, calls.REJECTED_EVENT, calls.LOST_EVENT)
# Events at the same instant apply in the order a call goes through them; a `lost` after what Kamailio reported.
RANK = {RINGING: 0, ANSWERED: 1, HOLD: 2, RESUME: 3, ENDED: 4, FAILED: 4, calls.REJECTED_EVENT: 4, calls.LOST_EVENT: 5}

# The disposition of a call that ends without being answered, by the final SIP code.
CODE_DISPOSITION = {486: "busy", 600: "busy", 487: "cancelled", 408: "no-answer", 480: "no-answer", 603: "rejected"}


def disposition_of(code: int | None) -> str:
    return CODE_DISPOSITION.get(code or 0, "failed")


@dataclass(slots=True)
class Event:
    """One row of call_events (models/calls.py CallEvent's columns), as a plain object."""

    call_id: str
    event: str
    occurred_at: datetime
    sip_code: int | None
    reason: str | None
    branch: str | None
    received_at: datetime


@dataclass(slots=True)
class Record:
    """One row of calls (models/calls.py Call's columns), as a plain object: a batch of events reads its calls'
    records as these and writes them back with one UPDATE (loading, changing and expunging a Call per record was a
    fifth of a batch's time)."""

    id: str
    account_id: str | None
    number_id: str | None
    route_id: str | None
    direction: str
    from_number: str
    to_number: str
    sip_call_id: str
    branch: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    ringing_at: datetime | None
    answered_at: datetime | None
    held_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    disposition: str | None
    sip_code: int | None
    sip_reason: str | None


# The record's columns a call's events decide (CallState.write), besides updated_at.
RECORD_FIELDS = (
    "status",
    "ringing_at",
    "answered_at",
    "held_at",
    "ended_at",
    "disposition",
    "duration_seconds",
    "sip_code",
    "sip_reason",
    "branch",
)


@dataclass(slots=True)
class CallState:
    """What a call's events make of its record."""

    status: str = calls.ROUTING
    ringing_at: datetime | None = None
    answered_at: datetime | None = None
    held_at: datetime | None = None
    ended_at: datetime | None = None
    disposition: str | None = None
    sip_code: int | None = None
    sip_reason: str | None = None
    branch: str | None = None
    final: Any = None  # the terminal event that ended the call

    def apply(self, e: Any) -> bool:
        """Whether the event counts: one that comes (in time) after the call ended changes nothing, except after a
        `failed` (a branch's: the next one rang or answered) or a `lost` (mpaas's guess: Kamailio's reports win)."""
        if self.final is not None and not self._reopens(e):
            return False
        if e.sip_code is not None:
            self.sip_code, self.sip_reason = e.sip_code, e.reason
        if e.branch:
            self.branch = e.branch
        if self.final is not None:  # a branch failed and the next one rang or answered, or a lost call was not
            self.final = self.ended_at = self.disposition = None
            self.status = calls.RINGING if self.answered_at is None else calls.IN_PROGRESS
        if e.event == RINGING:
            self.ringing_at = self.ringing_at or e.occurred_at
            if self.status == calls.ROUTING:
                self.status = calls.RINGING
        elif e.event == ANSWERED:
            self.answered_at = self.answered_at or e.occurred_at
            if self.status in (calls.ROUTING, calls.RINGING):
                self.status = calls.IN_PROGRESS
        elif e.event == HOLD:
            self.status, self.held_at = calls.ON_HOLD, e.occurred_at
        elif e.event == RESUME:
            if self.status == calls.ON_HOLD:
                self.status, self.held_at = calls.IN_PROGRESS, None
        elif e.event in TERMINAL:
            self.final, self.status, self.ended_at, self.held_at = e, calls.COMPLETED, e.occurred_at, None
        self._settle()
        return True

    def _reopens(self, e: Any) -> bool:
        assert self.final is not None
        if self.final.event == calls.LOST_EVENT:
            return e.event in EVENTS
        return e.event in (RINGING, ANSWERED) and self.final.event == FAILED

    def _settle(self) -> None:
        """The disposition follows from what is known now (a late `answered` changes it)."""
        if self.final is None:
            return
        code = self.sip_code
        if self.final.event == calls.REJECTED_EVENT:
            self.disposition = "rejected"
        elif self.final.event == calls.LOST_EVENT:
            self.disposition = calls.LOST
        elif self.final.event == ENDED:
            # a dialog that ended was answered, even if its `answered` has not arrived; an `ended` carrying
            # a failure code is a call torn down before answer (a CANCEL: 487)
            self.disposition = "answered" if self.answered_at or not code or code < 300 else disposition_of(code)
        else:
            self.disposition = disposition_of(code) if not self.answered_at else "failed"

    @property
    def duration_seconds(self) -> int | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, math.ceil((self.ended_at - self.answered_at).total_seconds()))

    def copy(self) -> CallState:
        return CallState(
            self.status,
            self.ringing_at,
            self.answered_at,
            self.held_at,
            self.ended_at,
            self.disposition,
            self.sip_code,
            self.sip_reason,
            self.branch,
            self.final,
        )

    def write(self, call: Call | Record) -> None:
        call.status = self.status
        call.ringing_at, call.answered_at, call.held_at = self.ringing_at, self.answered_at, self.held_at
        call.ended_at, call.disposition = self.ended_at, self.disposition
        call.duration_seconds = self.duration_seconds
        call.sip_code, call.sip_reason, call.branch = self.sip_code, self.sip_reason, self.branch


class RecordAt(Mapping[str, Any]):
    """The call record on the wire (calls.present) as one event left it, built when first read: the Call_* webhooks
    and the CallbackVoiceUrl read it, and most accounts and routes have neither, so most are never built."""

    __slots__ = ("_call", "_state", "_data")

    def __init__(self, call: Call | Record, state: CallState) -> None:
        self._call, self._state = call, state
        self._data: dict[str, Any] | None = None

    def _record(self) -> dict[str, Any]:
        if self._data is None:
            self._data = calls.present(self._call, self._state)
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._record()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._record())

    def __len__(self) -> int:
        return len(self._record())


_FIRST = datetime.min.replace(tzinfo=UTC)


def order(e: Any) -> tuple[datetime, int]:
    # A rejection by the routing decision comes first whatever the clocks say (mpaas stamped it, Kamailio stamps
    # the rest): the call never went anywhere, so an event Kamailio reports for it changes nothing.
    if e.event == calls.REJECTED_EVENT:
        return (_FIRST, -1)
    return (e.occurred_at, RANK.get(e.event, 9))


def key(e: Any) -> tuple[str, datetime]:
    return (e.event, e.occurred_at)
