"""Call minutes as `Voice` usage against the subscription's thresholds (docs/voice.md, "Usage and thresholds").

A call counts once it has ended after being answered (its record has a duration): its minutes go to the usage
counter of the live subscription of the call's number (ours: the called number inbound, the caller id outbound;
both directions count), in the period of the call's end, through billing.enforcement.record_usage, the same path
SMS and Data take, so Alert notifies (Threshold_Alert) and Pause is recorded the same way; voice/admission.py
refuses the next call.

Minutes are per started minute, as carriers bill (60/60): an answered call counts at least one, 61 s count two.

Once per call: each counted call has a `voice_usage` row keyed by its record. Events Kamailio sends again are not
new events (voice/events.py stores each once), and events out of order are settled by the record, which is
recomputed from every event: an `ended` before its `answered` counts when the `answered` arrives. Should a late
event change a counted call's duration (an earlier `answered` arriving after a later one), only the difference in
minutes is added (or taken back) in the period first counted; a threshold already crossed stays crossed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import enforcement, engine
from mpaas.billing import repository as billing_repository
from mpaas.models import Subscription
from mpaas.models.calls import Call
from mpaas.models.voice_usage import VoiceUsage
from mpaas.voice import batch_reads
from mpaas.voice.call_state import Record

KIND = "Voice"
BILLING_INCREMENT_SECONDS = 60


def minutes_of(seconds: int) -> int:
    """Per started minute: an answered call is at least one minute (0 s -> 1, 60 s -> 1, 61 s -> 2)."""
    return max(1, math.ceil(seconds / BILLING_INCREMENT_SECONDS))


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """A call's new events (a call that ended answered counts its minutes, once)."""
    if (
        not isinstance(call, (Call, Record))
        or call.duration_seconds is None
        or call.ended_at is None
        or not call.number_id
    ):
        return  # not answered, not ended (yet), or nobody's number
    minutes = minutes_of(call.duration_seconds)
    batch = batch_reads.known(session)
    if batch is not None and call.id in batch.usage_looked:
        counted = batch.usage.get(call.id)
    else:
        counted = await session.get(VoiceUsage, call.id)
    if counted is not None:
        if counted.minutes == minutes and counted.seconds == call.duration_seconds:
            return  # the usual case of a repeated or late event: already counted
        delta = minutes - counted.minutes
        counted.seconds, counted.minutes = call.duration_seconds, minutes
        if delta and counted.subscription_id is not None:
            sub = await session.get(Subscription, counted.subscription_id)
            if sub is not None:
                await enforcement.record_usage(session, sub, KIND, delta, now, period=counted.period)
        return
    if batch is not None and call.number_id in batch.subscription_looked and call.number_id not in batch.subscribed:
        sub = None  # the batch found no live subscription for the number
    else:
        sub = await billing_repository.live_subscription_for_number(session, call.number_id)
    period = engine.period_of(call.ended_at)
    row = {
        "call_id": call.id,
        "subscription_id": sub.id if sub is not None else None,
        "period": period,
        "seconds": call.duration_seconds,
        "minutes": minutes,
        "counted_at": now,
    }
    if batch is not None:
        batch.new_usage.append(row)  # the batch writes its calls' rows in one INSERT (voice/events.py)
    else:
        session.add(VoiceUsage(**row))
    if sub is not None:
        await enforcement.record_usage(session, sub, KIND, minutes, now, period=period)


async def minutes_by_call(session: AsyncSession, call_ids: Sequence[str]) -> dict[str, int]:
    """The Voice minutes each of these calls counted (calls that counted nothing are left out)."""
    if not call_ids:
        return {}
    rows = await session.execute(
        select(VoiceUsage.call_id, VoiceUsage.minutes).where(VoiceUsage.call_id.in_(list(call_ids)))
    )
    return {call_id: minutes for call_id, minutes in rows.all()}
