"""What else happens when a call's record changes (after its Call_* webhooks are queued), in the same
transaction: the URL route's status callback, usage and billing, the workgroup's round-robin position.

`snapshots`: the new events applied to `call`, each with the record as that event left it
(voice/events.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models.calls import Call
from mpaas.voice import url_routing, usage, workgroup_routing
from mpaas.voice.call_state import Record


async def after_events(
    session: AsyncSession, call: Call | Record, snapshots: Sequence[tuple[Any, Mapping[str, Any]]], now: datetime
) -> None:
    if not snapshots:
        return
    await url_routing.after_events(session, call, snapshots, now)
    await usage.after_events(session, call, snapshots, now)
    await workgroup_routing.after_events(session, call, snapshots, now)
