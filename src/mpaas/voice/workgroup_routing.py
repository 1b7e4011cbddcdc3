"""Calls to a number a workgroup answers: its members as branches (simultaneous: parallel; round-robin: serial,
starting after the last member who answered), its schedule choosing OnHours/OffHours routing.

Not built yet: no number belongs to a workgroup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings


async def route(
    session: AsyncSession,
    settings: Settings,
    *,
    account_id: str,
    number_id: str,
    number: str,
    caller: str,
    now: datetime,
) -> tuple[str, list[dict[str, Any]]] | None:
    """None when no workgroup answers `number`; else (rtjson routing mode "serial" | "parallel", branches).
    Raise voice.reject.Reject to refuse the call."""
    return None


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """A call's new events (e.g. which member answered, for round-robin)."""
    return None
