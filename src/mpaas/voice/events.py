"""Call progress from Kamailio (POST /sip/v1/events): each event is stored once (call_events, keyed by the
protocol's idempotency key), the call record is recomputed from all of its events in time order (voice/call_state.py
says why and how), and the account's webhooks get the matching Call_* event (docs/voice.md, "Call records and
events")."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.db import fastmany
from mpaas.core.ids import CALL, has_prefix
from mpaas.core.wire import Required, WireDateTime, WireModel, WireResponse, iso, one_of
from mpaas.models import AccountWebhook
from mpaas.models.calls import Call, CallEvent
from mpaas.voice import batch_reads, call_hooks, calls
from mpaas.voice.call_state import (  # noqa: F401 (CODE_DISPOSITION, disposition_of, RANK: this module's names before)
    ANSWERED,
    CODE_DISPOSITION,
    ENDED,
    EVENTS,
    FAILED,
    HOLD,
    RANK,
    RECORD_FIELDS,
    RESUME,
    RINGING,
    TERMINAL,
    CallState,
    Event,
    Record,
    RecordAt,
    disposition_of,
    key,
    order,
)
from mpaas.webhooks import repository as webhook_repository
from mpaas.webhooks.service import emit

log = logging.getLogger("mpaas.voice.events")

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
    by_sip: dict[str, Call | Record] = {}
    sip_ids = sorted({i.call_id for i in items})
    # FOR UPDATE (PostgreSQL; SQLite's write transaction is already exclusive): two batches about the same call
    # apply one after the other, the second seeing the first's events.
    rows = await session.execute(_CALLS_BY_SIP, {"sip_ids": sip_ids})
    for row in rows.all():
        record = Record(*row)
        by_sip[record.sip_call_id] = record
    await _adopt_unknown(session, [i for i in items if i.call_id not in by_sip], by_sip, now)

    call_ids = sorted({c.id for c in by_sip.values()})
    stored: dict[str, dict[tuple[str, datetime], Event]] = defaultdict(dict)
    if call_ids:
        result = await session.execute(_EVENTS_OF, {"call_ids": call_ids})
        for row in result.all():
            e = Event(*row)
            stored[e.call_id][key(e)] = e

    new: dict[str, list[Event]] = defaultdict(list)
    rows_in: list[dict[str, Any]] = []
    for item in items:
        target = by_sip.get(item.call_id)
        if target is None:
            out.ignored += 1
            log.info(
                "call event %s for unknown Call-ID %r ignored (no record, no CallRecordId)", item.event, item.call_id
            )
            continue
        out.accepted += 1
        event_key = (item.event, item.timestamp)
        if event_key in stored[target.id]:
            out.duplicates += 1
            continue
        event = Event(target.id, item.event, item.timestamp, item.code, item.reason, item.branch, now)
        stored[target.id][event_key] = event  # written below, all in one INSERT
        new[target.id].append(event)
        rows_in.append(
            {
                "call_id": event.call_id,
                "event": event.event,
                "occurred_at": event.occurred_at,
                "sip_code": event.sip_code,
                "reason": event.reason,
                "branch": event.branch,
                "received_at": now,
            }
        )
    if rows_in:
        if session.new:
            await session.flush()  # records made here (_adopt_unknown) first: the events' foreign key
        await fastmany.executemany(session, _INSERT_EVENTS, rows_in)

    changed = {c.id: c for c in by_sip.values() if c.id in new}  # a record may be named by two Call-IDs
    hooks = await _hooks(session, {c.account_id for c in changed.values()})
    # What the calls' hooks read, for all of them at once; no statement runs in the loop below in the usual batch,
    # so the new events and records are flushed once, at the commit (the session's autoflush is for queries).
    batch = await batch_reads.read(session, changed.values())
    try:
        for call in changed.values():
            await settle(
                session, call, stored[call.id].values(), new[call.id], now, hooks.get(call.account_id or "", [])
            )
    finally:
        batch_reads.forget(session)
    # The recomputed records in one UPDATE, then out of the session: the ORM's unit of work, row by row, was most
    # of a batch's time (py-spy over bench/voice.py), and nothing after this reads them through the session.
    await fastmany.executemany(
        session,
        _UPDATE_CALL,
        [{"b_id": c.id, **{f"b_{k}": getattr(c, k) for k in _RECORD_FIELDS}} for c in changed.values()],
    )
    for call in changed.values():
        if isinstance(call, Call):  # a record _adopt_unknown made or read
            session.expunge(call)
    if batch.new_usage:  # the usage rows of calls that ended answered (voice/usage.py), in one INSERT
        await fastmany.executemany(session, batch_reads.INSERT_USAGE, batch.new_usage)
    return out


# The batch's statements, built once (an IN of literal values was rebuilt and coerced value by value per batch).
_EVENTS_TABLE = cast(Table, CallEvent.__table__)
# Rows, not ORM objects (call_state.Event's fields, in its order).
_EVENTS_OF = select(*(_EVENTS_TABLE.c[name] for name in Event.__dataclass_fields__)).where(
    _EVENTS_TABLE.c.call_id.in_(bindparam("call_ids", expanding=True))
)
_INSERT_EVENTS = insert(_EVENTS_TABLE)
# What settle() changes on a record (CallState.write, and updated_at).
_RECORD_FIELDS = (*RECORD_FIELDS, "updated_at")
_CALLS_TABLE = cast(Table, Call.__table__)
# Rows, not ORM objects (call_state.Record's fields, in its order).
_CALLS_BY_SIP = (
    select(*(_CALLS_TABLE.c[name] for name in Record.__dataclass_fields__))
    .where(_CALLS_TABLE.c.sip_call_id.in_(bindparam("sip_ids", expanding=True)))
    .order_by(_CALLS_TABLE.c.id)
    .with_for_update()
)
_UPDATE_CALL = (
    update(_CALLS_TABLE)
    .where(_CALLS_TABLE.c.id == bindparam("b_id"))
    .values({k: bindparam(f"b_{k}") for k in _RECORD_FIELDS})
)


async def settle(
    session: AsyncSession,
    call: Call | Record,
    events: Collection[Any],
    fresh_events: Sequence[Any],
    now: datetime,
    hooks: Sequence[AccountWebhook],
) -> None:
    """Recompute `call` from all of its `events` (stored and new: call_state.Event or CallEvent), then queue the
    Call_* webhooks of the new ones (`fresh_events`, already stored or about to be) and run the call hooks
    (billing, callbacks), in the caller's transaction. Each new event goes with the record as it left it
    (call_state.RecordAt, built only if a webhook or a callback reads it)."""
    fresh = {id(e) for e in fresh_events}
    state = CallState()
    snapshots: list[tuple[Any, Mapping[str, Any]]] = []
    for e in sorted(events, key=order):
        if state.apply(e) and id(e) in fresh:
            snapshots.append((e, RecordAt(call, state.copy())))
    state.write(call)
    call.updated_at = now
    # One Call_Completed per end: not for a `failed` that a later event reopened (a branch failing over),
    # nor for a second terminal event of an ended call.
    snapshots = [(e, s) for e, s in snapshots if e.event not in TERMINAL or e is state.final]
    if call.account_id:
        await notify(session, call, snapshots, now, hooks)
        await call_hooks.after_events(session, call, snapshots, now)


async def _adopt_unknown(
    session: AsyncSession, items: Sequence[CallEventIn], by_sip: dict[str, Call | Record], now: datetime
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
    if wanted:  # webhooks.repository.list_for_account's read, built once
        for hook in (await session.execute(_HOOKS_OF, {"accounts": wanted})).scalars():
            out[hook.account_id].append(hook)
    return out


_HOOKS_OF = (
    select(AccountWebhook)
    .where(AccountWebhook.account_id.in_(bindparam("accounts", expanding=True)))
    .order_by(AccountWebhook.created_at, AccountWebhook.id)
)


async def notify(
    session: AsyncSession,
    call: Call | Record,
    snapshots: Sequence[tuple[Any, Mapping[str, Any]]],
    now: datetime,
    hooks: Sequence[AccountWebhook] | None = None,
) -> None:
    """Queue the Call_* webhook of each new event, with the record as that event left it. The delivery's
    event id derives from the event's idempotency key: the same event always has the same id."""
    assert call.account_id is not None
    if hooks is None:
        hooks = await webhook_repository.list_for_account(session, call.account_id)
    if not hooks:
        return  # an account without webhooks (emit would queue nothing)
    for event, record in snapshots:
        data = {**record, "Event": event.event, "Timestamp": iso(event.occurred_at)}
        key = f"{call.id}|{event.event}|{iso(event.occurred_at)}"
        await emit(session, call.account_id, WEBHOOK_EVENT[event.event], data, now, hooks=hooks, event_key=key)
