"""Hooks where number events leave the numbers domain.

`order_changed` is called, in the caller's transaction, every time a number order is created or its
status changes (provision, update, status, reactivate, port-in and port-out).
It queues `Order_Update` for the account webhooks subscribed to it.
`usage_threshold_crossed` is called when a number's usage first crosses its NotifyValue, ThrottleValue
or LimitValue in a period; it too is a hook for notifications."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import NumberOrder
from mpaas.numbers import presenters
from mpaas.webhooks.service import emit

log = logging.getLogger("mpaas.numbers.events")


async def order_changed(session: AsyncSession, order: NumberOrder, now: datetime) -> None:
    """Order_Update to the account webhooks subscribed to it; the event's Data is the order as
    GET /v1.0/numbers/order shows it."""
    log.debug("order %s (%s) is %s", order.id, order.order_type, order.status)
    await emit(session, order.account_id, "Order_Update", presenters.order(order), now)


async def usage_threshold_crossed(
    session: AsyncSession, account_id: str, number: str, level: str, used_bytes: int, now: datetime
) -> None:
    """`level` is Notify, Throttle or Limit: the notification goes to account webhooks subscribed to the
    `Usage_Threshold` event (an mpaas extension; docs/webhooks.md)."""
    log.info("data usage of %s crossed its %s value (%d bytes used)", number, level, used_bytes)
    await emit(
        session, account_id, "Usage_Threshold", {"PhoneNumber": number, "Level": level, "UsedBytes": used_bytes}, now
    )
