"""Whether an account may place or take a call now: the subscription's Voice thresholds (`Pause` refuses new
calls, `Alert` notifies). Called by the routing decision after the number checks, in both directions.

Not built yet: admits every call."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


async def admit(session: AsyncSession, *, account_id: str, number_id: str, direction: str, now: datetime) -> None:
    """Return to admit the call; raise voice.reject.Reject to refuse it."""
    return None
