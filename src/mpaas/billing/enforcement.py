"""Usage against thresholds, and what the thresholds do.

- Alert: the crossing is recorded once per period as a threshold event (listed by
  GET /ext/v1/billing/threshold-events); nothing is refused.
- Pause: from the crossing until the next period starts, the number's messaging is refused with a clear error.
  For an SMS threshold of N messages, the first N messages of the period go out and the next is refused.
- Restrict: recorded the same way; `is_restricted` tells the data path to throttle until the period ends.

Usage kinds: SMS (messages, unit Count), Data (bytes; thresholds in MB or GB, 1 MB = 1,048,576 bytes as in
the numbers data plans, so one usage figure means the same in both),
Voice (minutes, unit Count). A new period starts every counter at zero and lifts every Pause/Restrict, because
counters and events are keyed by period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import engine, repository
from mpaas.core.errors import bad_request, missing
from mpaas.models import PhoneNumber, Subscription, Threshold, ThresholdEvent
from mpaas.webhooks.service import emit

UNIT_SCALE = {"Count": 1, "MB": 1 << 20, "GB": 1 << 30}


def limit_of(threshold: Threshold) -> int:
    return threshold.amount * UNIT_SCALE.get(threshold.unit, 1)


def _paused_error(number: str, subscription_id: str, name: str, period: str) -> Exception:
    resumes = engine.period_start(engine.next_period(period)).date().isoformat()
    return bad_request(
        f"Messaging from {number} is paused: subscription {subscription_id} reached its threshold "
        f'"{name}" for {period}. Sending resumes when the next billing period starts on {resumes}.'
    )


async def _evaluate(
    session: AsyncSession,
    sub: Subscription,
    kind: str,
    total: int,
    period: str,
    now: datetime,
    thresholds: list[Threshold],
) -> None:
    for threshold in thresholds:
        if threshold.threshold_type != kind or total < limit_of(threshold):
            continue
        if await repository.record_event(
            session, threshold=threshold, subscription=sub, period=period, usage_value=total, now=now
        ):
            # The notification: account webhooks subscribed to Threshold_Alert (an mpaas extension).
            await emit(
                session,
                sub.account_id,
                "Threshold_Alert",
                {
                    "SubscriptionId": sub.id,
                    "ThresholdId": threshold.id,
                    "ThresholdName": threshold.name,
                    "ThresholdType": threshold.threshold_type,
                    "ThresholdAction": threshold.action,
                    "Period": period,
                    "Usage": total,
                    "Limit": limit_of(threshold),
                },
                now,
            )


async def check_can_send(session: AsyncSession, number: PhoneNumber, now: datetime, messages: int = 1) -> None:
    """Called by send_outbound before a message is stored: refuses a paused number, counts the messages
    against SMS thresholds (in the sender's transaction, so a refused or failed send counts nothing)."""
    sub = await repository.live_subscription_for_number(session, number.id)
    if sub is None:
        return
    period = engine.period_of(now)
    thresholds = await repository.assigned_thresholds(session, sub.id)
    if not thresholds:
        return
    by_id = {t.id: t for t in thresholds}
    for event in await repository.events(session, sub.id, period):
        if event.action == "Pause":
            name = by_id[event.threshold_id].name if event.threshold_id in by_id else event.threshold_id
            raise _paused_error(number.number, sub.id, name, period)
    used = await repository.usage(session, sub.id, period, "SMS")
    for threshold in thresholds:
        if threshold.threshold_type == "SMS" and threshold.action == "Pause" and used + messages > limit_of(threshold):
            # The refusal rolls the sender's transaction back; the counter already stands at the limit, so
            # every later send of the period is refused the same way.
            raise _paused_error(number.number, sub.id, threshold.name, period)
    total = await repository.add_usage(session, sub.id, period, "SMS", messages)
    await _evaluate(session, sub, "SMS", total, period, now, [t for t in thresholds if t.action != "Pause"])


async def record_usage(
    session: AsyncSession, subscription: Subscription, kind: str, amount: int, now: datetime, period: str | None = None
) -> int:
    """Add Data (bytes) or Voice (minutes) or SMS usage and apply every threshold it crosses. `period`: the one the
    usage belongs to when it is not `now`'s (a call that ended before the month turned, counted after)."""
    period = period or engine.period_of(now)
    total = await repository.add_usage(session, subscription.id, period, kind, amount)
    await _evaluate(
        session, subscription, kind, total, period, now, await repository.assigned_thresholds(session, subscription.id)
    )
    return total


async def report_usage(
    session: AsyncSession, subscription_id: str, kind: str, amount: int, now: datetime
) -> tuple[Subscription, int]:
    """Usage reported by the operator for a live subscription: (the subscription, its period's new total)."""
    sub = await repository.live_subscription(session, subscription_id)
    if sub is None:
        raise missing("subscription", subscription_id)
    return sub, await record_usage(session, sub, kind, amount, now)


async def threshold_events(session: AsyncSession, account_ids: Sequence[str], period: str) -> list[ThresholdEvent]:
    """The crossings recorded for these accounts in `period` (GET /ext/v1/billing/threshold-events)."""
    return await repository.account_events(session, account_ids, period)


async def is_restricted(session: AsyncSession, number: PhoneNumber, now: datetime) -> bool:
    sub = await repository.live_subscription_for_number(session, number.id)
    if sub is None:
        return False
    return any(e.action == "Restrict" for e in await repository.events(session, sub.id, engine.period_of(now)))


async def record_number_usage(
    session: AsyncSession, number: PhoneNumber, kind: str, amount: int, now: datetime
) -> None:
    """Usage measured on a number (data from the network) counts against its live subscription's thresholds."""
    sub = await repository.live_subscription_for_number(session, number.id)
    if sub is not None and amount > 0:
        await record_usage(session, sub, kind, amount, now)
