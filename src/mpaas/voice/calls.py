"""Call records: made by the routing decision (voice/routing, V2) through `start_call`, then moved along by the
progress events Kamailio reports (voice/events.py); read through GET /ext/v1/calls (`search`). Interface:
/work/notes/voice-protocol.md; documented in docs/voice.md."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.db import fastmany
from mpaas.core.errors import bad_request
from mpaas.core.ids import CALL, new_id
from mpaas.core.wire import MAX_PAGE_NUMBER, check_date, iso
from mpaas.models.calls import Call, CallEvent

# Call.status values
ROUTING = "routing"
RINGING = "ringing"
IN_PROGRESS = "in-progress"
ON_HOLD = "on-hold"
COMPLETED = "completed"
STATUSES = (ROUTING, RINGING, IN_PROGRESS, ON_HOLD, COMPLETED)

INBOUND = "inbound"
OUTBOUND = "outbound"
DIRECTIONS = (INBOUND, OUTBOUND)

# Call.disposition values, set when the call ends. `lost`: Kamailio no longer knew the call (it crashed, or its
# end was never reported) and mpaas closed it (voice/reconcile.py).
LOST = "lost"
DISPOSITIONS = ("answered", "busy", "no-answer", "failed", "rejected", "cancelled", LOST)

# The event a routing decision's rejection is recorded as (never sent by Kamailio: a stateless reply has none).
REJECTED_EVENT = "rejected"
# The event a reconciliation closes a lost call with (never sent by Kamailio either).
LOST_EVENT = "lost"

# Column widths (models/calls.py): values from SIP are cut to fit rather than refused.
NUMBER_WIDTH = 64
SIP_CALL_ID_WIDTH = 255
TEXT_WIDTH = 255


def clip(value: str | None, width: int = TEXT_WIDTH) -> str | None:
    return value[:width] if value else None


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
    record_id: str | None = None,
    route_id: str | None = None,
) -> str:
    """The call record of SIP Call-ID `call_id`, made in the caller's transaction (status "routing"), and its
    CALL- id. Asking again for the same Call-ID (an INVITE asked about twice) returns the record already made.

    `account_id`/`number_id` may be None for a call rejected before a number was found. With `reject_code` the
    decision was a rejection: the record is final at once (disposition "rejected", the SIP code and reason;
    Kamailio's stateless reply reports no event) and the account's webhooks get Call_Completed. `record_id`: the
    CALL- id to give a new record (one told to a VoiceUrl before the record was made), else a new one; `route_id`:
    the voice route the decision routed the call by (its CallbackVoiceUrl gets the call's status)."""
    call_id = call_id[:SIP_CALL_ID_WIDTH]
    at = now or datetime.now(UTC)
    values = routed_record(
        call_id=call_id,
        account_id=account_id,
        number_id=number_id,
        direction=direction,
        from_number=from_number,
        to_number=to_number,
        now=at,
        record_id=record_id,
        route_id=route_id,
    )
    if reject_code is not None:
        values |= {
            "status": COMPLETED,
            "ended_at": at,
            "disposition": "rejected",
            "sip_code": reject_code,
            "sip_reason": clip(reject_reason),
        }
    # One statement on the routing decision's path (p99 <= 5 ms): the insert, which a record already made for
    # this Call-ID (an INVITE asked about twice, or two decisions racing) turns into nothing.
    made = await session.execute(_INSERT_CALL[session.get_bind().dialect.name == "postgresql"], values)
    if made.first() is None:
        existing = await _id_of(session, call_id)
        assert existing is not None  # the conflict was on this Call-ID
        return existing
    if reject_code is not None:
        call = Call(**values)  # kept out of the session: it only carries the record to the Call_Completed event
        rejection = CallEvent(
            call_id=call.id,
            event=REJECTED_EVENT,
            occurred_at=at,
            sip_code=reject_code,
            reason=call.sip_reason,
            received_at=at,
        )
        session.add(rejection)
        if account_id is not None:
            # deferred: voice.events imports this module (the record's shape and the webhook names live there)
            from mpaas.voice import events

            await events.notify(session, call, [(rejection, present(call))], at)
    return values["id"]


# Built once, on the table (Core, not the ORM's bulk insert path), the values bound per call: building and
# coercing `.values(...)` per call was most of the decision's Python time (bench/voice_route.py profile).
_CALLS = cast(Table, Call.__table__)
_INSERT_CALL = {
    postgres: (postgresql.insert if postgres else sqlite.insert)(_CALLS)
    .on_conflict_do_nothing(index_elements=["sip_call_id"])
    .returning(_CALLS.c.id)
    for postgres in (False, True)
}


# The routing decision's usual record, written apart from the decision (voice/routing.py `decide_call`): concurrent
# decisions' records go in one transaction (core/db/group_commit.py) and each decision answers once its record has
# committed. A record already made for a Call-ID (an INVITE asked about twice, two decisions racing) is kept and
# its id answered, as start_call does.
_INSERT_RECORD = {
    postgres: (postgresql.insert if postgres else sqlite.insert)(_CALLS).on_conflict_do_nothing(
        index_elements=["sip_call_id"]
    )
    for postgres in (False, True)
}
_IDS_OF = select(_CALLS.c.sip_call_id, _CALLS.c.id).where(
    _CALLS.c.sip_call_id.in_(bindparam("sip_call_ids", expanding=True))
)
_NO_VALUES = dict.fromkeys(_CALLS.c.keys())


def routed_record(
    *,
    call_id: str,
    account_id: str | None,
    number_id: str | None,
    direction: str,
    from_number: str,
    to_number: str,
    now: datetime,
    record_id: str | None = None,
    route_id: str | None = None,
) -> dict[str, Any]:
    """The row of a call's new record (status routing): start_call's, and the routing decision's for `insert_records`."""
    return _NO_VALUES | {
        "id": record_id or new_id(CALL),
        "account_id": account_id,
        "number_id": number_id,
        "route_id": route_id,
        "direction": direction,
        "from_number": from_number[:NUMBER_WIDTH],
        "to_number": to_number[:NUMBER_WIDTH],
        "sip_call_id": call_id[:SIP_CALL_ID_WIDTH],
        "status": ROUTING,
        "created_at": now,
        "updated_at": now,
    }


async def insert_records(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Write `routed_record` rows in the caller's transaction; each row's record id, in order: its own, or the
    one of the record its Call-ID already had. One INSERT for all (core/db/fastmany.py), and a read of the ids
    only when some row was not inserted."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and len(rows) == 1:
        # One row alone (the usual case but under load): RETURNING says whether it went in (the driver's row
        # count of this statement is -1 there).
        inserted = int((await session.execute(_INSERT_CALL[True], rows[0])).first() is not None)
    else:
        inserted = await fastmany.executemany(session, _INSERT_RECORD[postgres], rows)
    if inserted == len(rows):
        return [row["id"] for row in rows]
    found = await session.execute(_IDS_OF, {"sip_call_ids": sorted({row["sip_call_id"] for row in rows})})
    ids = {sip_call_id: id_ for sip_call_id, id_ in found.all()}
    return [ids[row["sip_call_id"]] for row in rows]


async def _id_of(session: AsyncSession, sip_call_id: str) -> str | None:
    return (await session.execute(select(Call.id).where(Call.sip_call_id == sip_call_id))).scalar_one_or_none()


def present(call: Any, state: Any = None) -> dict[str, Any]:
    """A call record on the wire (GET /ext/v1/calls, and the Data of every Call_* webhook). `state`: the fields its
    events decide (voice/call_state.py CallState) when they are not the record's own yet."""
    s = call if state is None else state
    return {
        "CallRecordId": call.id,
        "SipCallId": call.sip_call_id,
        "AccountId": call.account_id,
        "NumberId": call.number_id,
        "Direction": call.direction,
        "From": call.from_number,
        "To": call.to_number,
        "Status": s.status,
        "Branch": s.branch,
        "CreatedOn": iso(call.created_at),
        "RingingOn": iso(s.ringing_at),
        "AnsweredOn": iso(s.answered_at),
        "EndedOn": iso(s.ended_at),
        "DurationSeconds": s.duration_seconds,
        "Disposition": s.disposition,
        "SipCode": s.sip_code,
        "SipReason": s.sip_reason,
    }


# ------------------------------------------------------------------------------------------ search

MAX_RESULTS = 1000
DEFAULT_RESULTS = 25


def _date(raw: str | None, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.strptime(raw.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise bad_request(f"The {field} field must be a date in YYYY-MM-DD form.") from None
    check_date(parsed.date(), field)
    return parsed


def _choice(raw: str | None, allowed: Sequence[str], field: str) -> str | None:
    if not raw or not raw.strip():
        return None
    value = raw.strip().lower()
    if value not in allowed:
        raise bad_request(f"The {field} field must be one of: {', '.join(allowed)}.")
    return value


async def search(
    session: AsyncSession,
    account_ids: Sequence[str],
    *,
    call_record_id: str | None = None,
    phone_number: str | None = None,
    number_id: str | None = None,
    direction: str | None = None,
    disposition: str | None = None,
    status: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    page: int | None = None,
    results: int | None = None,
) -> dict[str, Any]:
    """Call records of `account_ids` (the caller's accounts, or the one it named), newest first. Dates are UTC
    days of the record's creation (when the call was routed), both ends included, as in the message search."""
    page = 1 if page is None else page
    results = DEFAULT_RESULTS if results is None else results
    if not 1 <= page <= MAX_PAGE_NUMBER:
        raise bad_request(f"The Page field must be between 1 and {MAX_PAGE_NUMBER}.")
    if not 1 <= results <= MAX_RESULTS:
        raise bad_request(f"The Results field must be between 1 and {MAX_RESULTS}.")
    start, end = _date(start_date, "StartDate"), _date(end_date, "EndDate")
    if start and end and end < start:
        raise bad_request("The EndDate field must not be before StartDate.")
    conditions: list[Any] = [Call.account_id.in_(account_ids)]
    if call_record_id and call_record_id.strip():
        head, _, rest = call_record_id.strip().partition("-")  # any casing, as every id (CALL-<lowercase uuid>)
        conditions.append(Call.id == f"{head.upper()}-{rest.lower()}")
    number = (phone_number or "").strip()
    if number:
        conditions.append(or_(Call.from_number == number, Call.to_number == number))
    if number_id and number_id.strip():
        conditions.append(func.lower(Call.number_id) == number_id.strip().lower())
    if wanted := _choice(direction, DIRECTIONS, "Direction"):
        conditions.append(Call.direction == wanted)
    if wanted := _choice(disposition, DISPOSITIONS, "Disposition"):
        conditions.append(Call.disposition == wanted)
    if wanted := _choice(status, STATUSES, "Status"):
        conditions.append(Call.status == wanted)
    if start is not None:
        conditions.append(Call.created_at >= start)
    if end is not None:
        conditions.append(Call.created_at < end + timedelta(days=1))
    total = int((await session.execute(select(func.count()).select_from(Call).where(*conditions))).scalar_one())
    rows = await session.execute(
        select(Call)
        .where(*conditions)
        .order_by(Call.created_at.desc(), Call.id.desc())
        .offset((page - 1) * results)
        .limit(results)
    )
    return {
        "ResultsTotalRecords": total,
        "ResultsPages": math.ceil(total / results),
        "Page": page,
        "Results": [present(c) for c in rows.scalars().all()],
    }
