"""Call minutes as `Voice` usage against the subscription's thresholds.

Not built yet: counts nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """A call's new events (a call that ended answered counts its minutes)."""
    return None
