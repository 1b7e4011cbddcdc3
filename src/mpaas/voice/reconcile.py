"""Calls Kamailio no longer knows are closed (docs/voice.md, "Durability"): Kamailio keeps its dialogs and its queue
of call events in memory, so when it dies (a crash, SIGKILL) the calls under way would stay open for ever, never
ended and never billed. The supervisor (voice/supervisor.py) lists Kamailio's live dialogs after every start (the
first one, and each restart after a crash) and periodically, lets Kamailio send the events it still queues, and
POSTs the list to /sip/v1/dialogs; here every call mpaas believes live that the list does not name is closed.

Closing one is an event like the others (`lost`, stored in call_events, keyed by its time), applied through
voice/events.py: the record becomes `completed` with disposition `lost`, the account's webhooks get
Call_Completed (Data.Event "lost"), and the call hooks run (the URL route's status callback, Voice usage: an
answered call counts its minutes, once). The end time is when Kamailio was seen dead when the supervisor saw it
die (`LostAt`), else the call's last known event (nobody can vouch for the time after it). A `lost` is mpaas's
conclusion, not Kamailio's report: any event Kamailio reports for the call afterwards supersedes it (the record
follows Kamailio's events again, and usage is corrected by the difference), so a call closed in a race with its
own `ended` still ends as reported.

Only calls made before the listing (less a margin for the clocks of two hosts) are looked at: a call decided after
it may not be in it yet."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.jobs.queue import jobs_written
from mpaas.models.calls import Call, CallEvent
from mpaas.roles.platform import Platform
from mpaas.voice import calls, events

log = logging.getLogger("mpaas.voice.reconcile")

# A call must be this much older than the listing to be closed: the supervisor's clock (the listing) and the API's
# (the record's creation) may be two hosts'.
CLOCK_MARGIN = timedelta(seconds=2)
# The reason the `lost` event carries (call_events.reason), by how the loss was found.
REASON_CRASH = "Kamailio stopped unexpectedly; its dialogs were lost"
REASON_UNKNOWN = "Kamailio no longer tracks this call"
# Records closed per write transaction (SQLite's one write lock is not held for long).
CHUNK = 200


@dataclass
class Reconciled:
    open: int = 0  # calls mpaas believed live, made before the listing
    closed: list[str] = field(default_factory=list)  # CALL- ids closed as lost


def open_calls_made_before(cutoff: datetime) -> Select:
    """(id, SIP Call-ID) of every call not completed made before `cutoff`: read through the partial index of the
    open calls (models/calls.py ix_calls_open), so its cost is what is open, not the whole call history."""
    return select(Call.id, Call.sip_call_id).where(Call.status != calls.COMPLETED, Call.created_at < cutoff)


async def reconcile(
    platform: Platform,
    live_call_ids: Collection[str],
    *,
    listed_at: datetime,
    lost_at: datetime | None,
    now: datetime,
) -> Reconciled:
    """Close every open call made before `listed_at` (less CLOCK_MARGIN) whose SIP Call-ID is not in
    `live_call_ids` (Kamailio's dialogs at `listed_at`). `lost_at`: when Kamailio was seen dead, if it was."""
    live = {c[: calls.SIP_CALL_ID_WIDTH] for c in live_call_ids}
    cutoff = listed_at - CLOCK_MARGIN
    # The candidates from a read session (no write lock while the calls are scanned), each checked again under
    # its lock below: an event may have ended it meanwhile.
    async with platform.db.read() as session:
        rows = await session.execute(open_calls_made_before(cutoff))
        candidates = rows.all()
    out = Reconciled(open=len(candidates))
    lost = sorted(call_id for call_id, sip_call_id in candidates if sip_call_id not in live)
    for start in range(0, len(lost), CHUNK):
        async with platform.db.write() as session:
            out.closed += await _close(session, lost[start : start + CHUNK], lost_at, now)
        if jobs_written(session):
            platform.jobs.notify()  # the Call_Completed deliveries (and callbacks) queued
    if out.closed:
        log.warning(
            "%d call(s) Kamailio no longer knows closed as lost%s: %s",
            len(out.closed),
            " (Kamailio crashed)" if lost_at else "",
            ", ".join(out.closed[:20]) + (" ..." if len(out.closed) > 20 else ""),
        )
    return out


async def _close(session: AsyncSession, call_ids: list[str], lost_at: datetime | None, now: datetime) -> list[str]:
    rows = await session.execute(
        select(Call).where(Call.id.in_(call_ids), Call.status != calls.COMPLETED).order_by(Call.id).with_for_update()
    )
    open_calls = list(rows.scalars())
    if not open_calls:
        return []
    stored: dict[str, list[CallEvent]] = defaultdict(list)
    result = await session.execute(select(CallEvent).where(CallEvent.call_id.in_([c.id for c in open_calls])))
    for e in result.scalars():
        stored[e.call_id].append(e)
    hooks = await events._hooks(session, {c.account_id for c in open_calls})
    closed = []
    for call in open_calls:
        known = [e.occurred_at for e in stored[call.id]] + [call.created_at]
        ended = max(known) if lost_at is None else max(lost_at, *known)
        lost = CallEvent(
            call_id=call.id,
            event=calls.LOST_EVENT,
            occurred_at=ended,
            reason=REASON_CRASH if lost_at is not None else REASON_UNKNOWN,
            received_at=now,
        )
        if any(e.event == lost.event and e.occurred_at == lost.occurred_at for e in stored[call.id]):
            continue  # closed as lost at this time already, and reopened by Kamailio since: its reports win
        session.add(lost)
        stored[call.id].append(lost)
        await events.settle(session, call, stored[call.id], [lost], now, hooks.get(call.account_id or "", []))
        closed.append(call.id)
    return closed
