"""Call records: made by the routing decision (voice/routing, V2) through `start_call`, then moved along by the
progress events Kamailio reports (voice/events.py). Interface: /work/notes/voice-protocol.md, docs/voice.md."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.ids import CALL, new_id
from mpaas.models.calls import Call

# Call.status values
ROUTING = "routing"
RINGING = "ringing"
IN_PROGRESS = "in-progress"
ON_HOLD = "on-hold"
COMPLETED = "completed"

INBOUND = "inbound"
OUTBOUND = "outbound"

# Column widths (models/calls.py): values from SIP are cut to fit rather than refused.
NUMBER_WIDTH = 64
SIP_CALL_ID_WIDTH = 255


async def start_call(
    session: AsyncSession,
    *,
    call_id: str,
    account_id: str | None,
    number_id: str | None,
    direction: str,
    from_number: str,
    to_number: str,
    reject_code: int | None = None,
    reject_reason: str | None = None,
    now: datetime | None = None,
) -> str:
    """The call record of SIP Call-ID `call_id`, made in the caller's transaction (status "routing"), and its
    CALL- id. Asking again for the same Call-ID (an INVITE asked about twice) returns the record already made.

    `account_id`/`number_id` may be None for a call rejected before a number was found. With `reject_code` the
    decision was a rejection: the record is final at once (disposition "rejected", the SIP code and reason),
    as Kamailio's stateless reply reports no event for it."""
    call_id = call_id[:SIP_CALL_ID_WIDTH]
    existing = await _id_of(session, call_id)
    if existing is not None:
        return existing
    at = now or datetime.now(UTC)
    call = Call(
        id=new_id(CALL),
        account_id=account_id,
        number_id=number_id,
        direction=direction,
        from_number=from_number[:NUMBER_WIDTH],
        to_number=to_number[:NUMBER_WIDTH],
        sip_call_id=call_id,
        status=ROUTING,
        created_at=at,
        updated_at=at,
    )
    if reject_code is not None:
        call.status = COMPLETED
        call.ended_at = at
        call.disposition = "rejected"
        call.sip_code = reject_code
        call.sip_reason = (reject_reason or "")[:255] or None
    try:
        async with session.begin_nested():  # a concurrent decision for the same Call-ID loses to the unique index
            session.add(call)
    except IntegrityError:
        existing = await _id_of(session, call_id)
        if existing is None:
            raise
        return existing
    return call.id


async def _id_of(session: AsyncSession, sip_call_id: str) -> str | None:
    return (await session.execute(select(Call.id).where(Call.sip_call_id == sip_call_id))).scalar_one_or_none()
