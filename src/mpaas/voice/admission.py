"""Whether an account may place or take a call now: the subscription's thresholds (docs/voice.md, "Usage and
thresholds"). Called by the routing decision after the number checks, in both directions.

A Pause crossed in the current period by the live subscription of the call's number (ours: the called number
inbound, the caller id outbound) refuses the call with 403 and a reason naming the kind of usage that paused it:
`Voice Usage Paused` (a Voice threshold), `SMS Usage Paused`, `Data Usage Paused`. Any Pause pauses the
subscription's calls, as any Pause pauses its messaging (billing/enforcement.py): the contract's Pause is
"pausing service". A number with no live subscription, or an inactive or deleted one, is not limited, as for
SMS. Alert and Restrict never refuse a call. The Pause lifts when the next period starts (events are keyed by
period).

One indexed read per decision (the subscription by its number, its Pause events of the period), no cache: a
Pause recorded by the call that just ended applies to the very next one, in every API process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import engine
from mpaas.models import Subscription, Threshold, ThresholdEvent
from mpaas.voice.reject import Reject

PAUSED_CODE = 403
# Reason phrases by the paused threshold's type; they become the SIP reply's reason phrase and its RFC 3326
# `Reason: SIP;cause=403;text="..."` header (Kamailio's route[REJECT]), so no double quotes in them.
PAUSED_REASON = {"voice": "Voice Usage Paused", "sms": "SMS Usage Paused", "data": "Data Usage Paused"}
PAUSED_OTHER = "Subscription Paused"

_SUBSCRIPTIONS, _EVENTS, _THRESHOLDS = Subscription.__table__, ThresholdEvent.__table__, Threshold.__table__
# Built once (the decision's p99 budget is 5 ms): subscriptions by phone_number_id (indexed), then its events
# (indexed by subscription_id) of the period that are a Pause, with the threshold's type (primary key).
PAUSES = (
    select(_THRESHOLDS.c.threshold_type)
    .select_from(
        _SUBSCRIPTIONS.join(_EVENTS, _EVENTS.c.subscription_id == _SUBSCRIPTIONS.c.id).outerjoin(
            _THRESHOLDS, _THRESHOLDS.c.id == _EVENTS.c.threshold_id
        )
    )
    .where(
        _SUBSCRIPTIONS.c.phone_number_id == bindparam("b_number"),
        _SUBSCRIPTIONS.c.deleted_at.is_(None),
        _SUBSCRIPTIONS.c.active.is_(True),
        _EVENTS.c.period == bindparam("b_period"),
        _EVENTS.c.action == "Pause",
    )
)


def paused_reason(types: list[str | None]) -> str:
    """The reason phrase for the Pause events' threshold types (a Voice one first)."""
    kinds = [(t or "").lower() for t in types]
    for kind in ("voice", "sms", "data"):
        if kind in kinds:
            return PAUSED_REASON[kind]
    return PAUSED_OTHER


async def admit(session: AsyncSession, *, account_id: str, number_id: str, direction: str, now: datetime) -> None:
    """Return to admit the call; raise voice.reject.Reject to refuse it."""
    if not number_id:
        return
    types = list((await session.execute(PAUSES, {"b_number": number_id, "b_period": engine.period_of(now)})).scalars())
    if types:
        raise Reject(PAUSED_CODE, paused_reason(types))
