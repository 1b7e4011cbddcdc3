"""Call progress from Kamailio (POST /sip/v1/events): each event is stored once (call_events, keyed by the
protocol's idempotency key), the call record is recomputed from all of its events in time order, and the
account's webhooks get the matching Call_* event (docs/voice.md, "Call records and events").

Recomputing from the whole (short) history rather than patching the record makes the result independent of
the order events arrive in: an `ended` that arrives before its `answered` still ends with the answered call's
duration once the `answered` comes. A `failed` followed (in time) by `ringing` or `answered` was one branch
failing over to the next: the call is open again. A `lost` (voice/reconcile.py: Kamailio no longer knew the call) is
superseded the same way by any event Kamailio reports after it."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.ids import CALL, has_prefix
from mpaas.core.wire import Required, WireDateTime, WireModel, WireResponse, iso, one_of
from mpaas.models import AccountWebhook
from mpaas.models.calls import Call, CallEvent
from mpaas.voice import call_hooks, calls
from mpaas.webhooks import repository as webhook_repository
from mpaas.webhooks.service import emit

log = logging.getLogger("mpaas.voice.events")

RINGING, ANSWERED, HOLD, RESUME, ENDED, FAILED = "ringing", "answered", "hold", "resume", "ended", "failed"
EVENTS = (RINGING, ANSWERED, HOLD, RESUME, ENDED, FAILED)
TERMINAL = (ENDED, FAILED, calls.REJECTED_EVENT, calls.LOST_EVENT)
# Events at the same instant apply in the order a call goes through them; a `lost` after what Kamailio reported.
RANK = {RINGING: 0, ANSWERED: 1, HOLD: 2, RESUME: 3, ENDED: 4, FAILED: 4, calls.REJECTED_EVENT: 4, calls.LOST_EVENT: 5}
WEBHOOK_EVENT = {
    RINGING: "Call_Ringing",
    ANSWERED: "Call_In_Progress",
    RESUME: "Call_In_Progress",
    HOLD: "Call_On_Hold",
    ENDED: "Call_Completed",
    FAILED: "Call_Completed",
    calls.REJECTED_EVENT: "Call_Completed",
    calls.LOST_EVENT: "Call_Completed",
}
MAX_BATCH = 1000

# The disposition of a call that ends without being answered, by the final SIP code.
CODE_DISPOSITION = {486: "busy", 600: "busy", 487: "cancelled", 408: "no-answer", 480: "no-answer", 603: "rejected"}


def disposition_of(code: int | None) -> str:
    return CODE_DISPOSITION.get(code or 0, "failed")


# ------------------------------------------------------------------------------------------ the request


def as_utc(value: datetime) -> datetime:
    """Kamailio's times are UTC; one without an offset is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


_utc = as_utc


def _clip(width: int):
    """A text from SIP (a user part, a reason phrase, a URI) longer than its column is cut to fit, not refused."""

    def clip(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()[:width]
            return value or None
        return value

    return BeforeValidator(clip)


_Text64 = Annotated[str | None, _clip(64)]
_Text255 = Annotated[str | None, _clip(255)]


class CallEventIn(WireModel):
    """One event as Kamailio reports it (/work/notes/voice-protocol.md)."""

    event: Annotated[str, one_of(*EVENTS)] = Field(alias="Event")
    # Cut as start_call cuts the Call-ID it records.
    call_id: Annotated[Required, _clip(calls.SIP_CALL_ID_WIDTH)] = Field(alias="CallId")
    call_record_id: _Text64 = Field(default=None, alias="CallRecordId")
    code: int | None = Field(default=None, alias="Code", ge=100, le=699)
    reason: _Text255 = Field(default=None, alias="Reason")
    timestamp: Annotated[WireDateTime, AfterValidator(_utc)] = Field(alias="Timestamp")
    branch: _Text255 = Field(default=None, alias="Branch")
    from_: _Text64 = Field(default=None, alias="From")
    to: _Text64 = Field(default=None, alias="To")


class EventsRequest(WireModel):
    """One event, or several as {"Events": [...]}: a single event is read as a batch of one.

    Each event is validated on its own (`parse`): Kamailio sends a batch again until it is taken, so one event
    mpaas cannot read must not hold back the others (it is counted, logged and dropped). Only a body that is not
    a batch at all is 400."""

    events: list[Any] = Field(alias="Events", min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="before")
    @classmethod
    def _single_event(cls, data: Any) -> Any:
        if isinstance(data, dict) and not any(str(k).lower() == "events" for k in data):
            return {"Events": [data]}
        return data

    def parse(self) -> tuple[list[CallEventIn], int]:
        """The events that are valid, and how many were not."""
        valid: list[CallEventIn] = []
        for raw in self.events:
            try:
                valid.append(CallEventIn.model_validate(raw))
            except ValidationError as exc:
                log.warning("call event dropped, it is not valid: %s: %s", _short(raw), _problems(exc))
        return valid, len(self.events) - len(valid)


def _short(raw: Any) -> str:
    return repr(raw)[:300]


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])


class EventsAccepted(WireResponse):
    accepted: int = Field(alias="Accepted")  # events taken in: new ones and repeats of stored ones
    duplicates: int = Field(alias="Duplicates")  # of those, repeats (already stored: nothing changed)
    ignored: int = Field(alias="Ignored")  # events of a Call-ID with no record and no CallRecordId
    invalid: int = Field(alias="Invalid")  # events that could not be read (logged, dropped)


# ------------------------------------------------------------------------------------------ the record


@dataclass
class _State:
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
    final: CallEvent | None = field(default=None)  # the terminal event that ended the call

    def apply(self, e: CallEvent) -> bool:
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

    def _reopens(self, e: CallEvent) -> bool:
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

    def write(self, call: Call) -> None:
        call.status = self.status
        call.ringing_at, call.answered_at, call.held_at = self.ringing_at, self.answered_at, self.held_at
        call.ended_at, call.disposition = self.ended_at, self.disposition
        call.duration_seconds = self.duration_seconds
        call.sip_code, call.sip_reason, call.branch = self.sip_code, self.sip_reason, self.branch


_FIRST = datetime.min.replace(tzinfo=UTC)


def _order(e: CallEvent) -> tuple[datetime, int]:
    # A rejection by the routing decision comes first whatever the clocks say (mpaas stamped it, Kamailio stamps
    # the rest): the call never went anywhere, so an event Kamailio reports for it changes nothing.
    if e.event == calls.REJECTED_EVENT:
        return (_FIRST, -1)
    return (e.occurred_at, RANK.get(e.event, 9))


def _key(e: CallEvent) -> tuple[str, datetime]:
    return (e.event, e.occurred_at)


# ------------------------------------------------------------------------------------------ applying a batch


@dataclass
class Outcome:
    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0


async def apply_events(session: AsyncSession, items: Sequence[CallEventIn], now: datetime) -> Outcome:
    """Store and apply a batch of events in the caller's transaction. A few queries per batch whatever its
    size: the records, their stored events, the accounts' webhooks."""
    out = Outcome()
    if not items:
        return out
    by_sip: dict[str, Call] = {}
    sip_ids = sorted({i.call_id for i in items})
    # FOR UPDATE (PostgreSQL; SQLite's write transaction is already exclusive): two batches about the same call
    # apply one after the other, the second seeing the first's events.
    rows = await session.execute(select(Call).where(Call.sip_call_id.in_(sip_ids)).order_by(Call.id).with_for_update())
    for call in rows.scalars():
        by_sip[call.sip_call_id] = call
    await _adopt_unknown(session, [i for i in items if i.call_id not in by_sip], by_sip, now)

    call_ids = sorted({c.id for c in by_sip.values()})
    stored: dict[str, dict[tuple[str, datetime], CallEvent]] = defaultdict(dict)
    if call_ids:
        result = await session.execute(select(CallEvent).where(CallEvent.call_id.in_(call_ids)))
        for e in result.scalars():
            stored[e.call_id][_key(e)] = e

    new: dict[str, list[CallEvent]] = defaultdict(list)
    for item in items:
        target = by_sip.get(item.call_id)
        if target is None:
            out.ignored += 1
            log.info(
                "call event %s for unknown Call-ID %r ignored (no record, no CallRecordId)", item.event, item.call_id
            )
            continue
        out.accepted += 1
        key = (item.event, item.timestamp)
        if key in stored[target.id]:
            out.duplicates += 1
            continue
        event = CallEvent(
            call_id=target.id,
            event=item.event,
            occurred_at=item.timestamp,
            sip_code=item.code,
            reason=item.reason,
            branch=item.branch,
            received_at=now,
        )
        stored[target.id][key] = event
        new[target.id].append(event)
        session.add(event)

    changed = {c.id: c for c in by_sip.values() if c.id in new}  # a record may be named by two Call-IDs
    hooks = await _hooks(session, {c.account_id for c in changed.values()})
    for call in changed.values():
        await settle(session, call, stored[call.id].values(), new[call.id], now, hooks.get(call.account_id or "", []))
    return out


async def settle(
    session: AsyncSession,
    call: Call,
    events: Collection[CallEvent],
    fresh_events: Sequence[CallEvent],
    now: datetime,
    hooks: Sequence[AccountWebhook],
) -> None:
    """Recompute `call` from all of its `events` (stored and new), then queue the Call_* webhooks of the new ones
    (`fresh_events`, already added to the session) and run the call hooks (billing, callbacks), in the caller's
    transaction."""
    fresh = {id(e) for e in fresh_events}
    state = _State()
    snapshots: list[tuple[CallEvent, dict[str, Any]]] = []
    for e in sorted(events, key=_order):
        if state.apply(e) and id(e) in fresh:
            state.write(call)
            snapshots.append((e, calls.present(call)))
    state.write(call)
    call.updated_at = now
    # One Call_Completed per end: not for a `failed` that a later event reopened (a branch failing over),
    # nor for a second terminal event of an ended call.
    snapshots = [(e, s) for e, s in snapshots if e.event not in TERMINAL or e is state.final]
    if call.account_id:
        await notify(session, call, snapshots, now, hooks)
        await call_hooks.after_events(session, call, snapshots, now)


async def _adopt_unknown(
    session: AsyncSession, items: Sequence[CallEventIn], by_sip: dict[str, Call], now: datetime
) -> None:
    """Events of a Call-ID with no record: the record named by CallRecordId (the route answer's id, when the
    Call-ID it was made for differs), or a new one of that id when it carries one; otherwise none (ignored)."""
    named = {i.call_record_id for i in items if i.call_record_id and has_prefix(i.call_record_id, CALL)}
    existing: dict[str, Call] = {}
    if named:
        rows = await session.execute(select(Call).where(Call.id.in_(sorted(named))).with_for_update())
        existing = {c.id: c for c in rows.scalars()}
    for item in items:
        if item.call_id in by_sip or not item.call_record_id or not has_prefix(item.call_record_id, CALL):
            continue
        call = existing.get(item.call_record_id)
        if call is None:
            # No route decision was recorded for it (its record was lost): the record still exists from here on,
            # with no account (nobody's to read) until an operator looks.
            log.warning("call event for %s with no record: a record without account is made", item.call_record_id)
            call = Call(
                id=item.call_record_id,
                account_id=None,
                number_id=None,
                direction="unknown",
                from_number=item.from_ or "",
                to_number=item.to or "",
                sip_call_id=item.call_id,
                status=calls.ROUTING,
                created_at=item.timestamp,
                updated_at=now,
            )
            session.add(call)
            existing[call.id] = call
        by_sip[item.call_id] = call


async def _hooks(session: AsyncSession, account_ids: set[str | None]) -> dict[str, list[AccountWebhook]]:
    out: dict[str, list[AccountWebhook]] = defaultdict(list)
    wanted = sorted(a for a in account_ids if a)
    if wanted:
        for hook in await webhook_repository.list_for_account(session, wanted):
            out[hook.account_id].append(hook)
    return out


async def notify(
    session: AsyncSession,
    call: Call,
    snapshots: Sequence[tuple[CallEvent, dict[str, Any]]],
    now: datetime,
    hooks: Sequence[AccountWebhook] | None = None,
) -> None:
    """Queue the Call_* webhook of each new event, with the record as that event left it. The delivery's
    event id derives from the event's idempotency key: the same event always has the same id."""
    assert call.account_id is not None
    if hooks is None:
        hooks = await webhook_repository.list_for_account(session, call.account_id)
    for event, record in snapshots:
        data = {**record, "Event": event.event, "Timestamp": iso(event.occurred_at)}
        key = f"{call.id}|{event.event}|{iso(event.occurred_at)}"
        await emit(session, call.account_id, WEBHOOK_EVENT[event.event], data, now, hooks=hooks, event_key=key)
