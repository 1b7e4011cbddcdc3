"""AI Guardian call filters applied at call setup (the subscriber's Guardian calls feature on). Called by the
routing decision after admission, in both directions: `own_number` is our subscriber's number, `other_number`
the other party (the caller of an inbound call, the called number of an outbound one).

Not built yet: lets every call through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


async def screen(
    session: AsyncSession,
    *,
    account_id: str,
    number_id: str,
    direction: str,
    own_number: str,
    other_number: str,
    now: datetime,
) -> None:
    """Return to let the call through; raise voice.reject.Reject to refuse it."""
    return None
