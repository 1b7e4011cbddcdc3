"""Which Guardian filters act for a subscriber (POST /v1.0/subscribers/guardian-features): calls and messages,
toggled independently. A subscriber without a row has both off: nothing filters until Guardian is enabled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import GuardianFeatures


@dataclass(frozen=True, slots=True)
class GuardianFlags:
    messages: bool
    calls: bool

    @property
    def any(self) -> bool:
        return self.messages or self.calls


OFF = GuardianFlags(messages=False, calls=False)


async def flags(session: AsyncSession, subscriber_id: str) -> GuardianFlags:
    """The subscriber's Guardian features (both off when never configured). Not scoped: the caller has already
    found the subscriber through its tenancy (or is the pipeline, acting for the subscriber's own number)."""
    row = (
        await session.execute(
            select(GuardianFeatures.messages, GuardianFeatures.calls).where(
                GuardianFeatures.subscriber_id == subscriber_id
            )
        )
    ).first()
    if row is None:
        return OFF
    return GuardianFlags(messages=bool(row.messages), calls=bool(row.calls))
