"""`RouteType: URL` voice routes: mpaas asks the route's `VoiceUrl` what to do with the call (a small
instruction set, docs/voice.md) and `CallbackVoiceUrl` receives the call's status changes.

Not built yet: refuses URL-routed calls with 501."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings
from mpaas.voice.reject import Reject


async def route(
    session: AsyncSession,
    settings: Settings,
    *,
    route_id: str,
    account_id: str,
    number_id: str,
    number: str,
    caller: str,
    sip_call_id: str,
    now: datetime,
) -> tuple[str, list[dict[str, Any]]]:
    """(rtjson routing mode "serial" | "parallel", branches) for a call to `number` on URL route `route_id`.
    Raise voice.reject.Reject to refuse the call."""
    raise Reject(501, "URL Routing Not Implemented Yet")


async def after_events(session: AsyncSession, call: Any, snapshots: Sequence[Any], now: datetime) -> None:
    """A call's new events, for the route's CallbackVoiceUrl."""
    return None
