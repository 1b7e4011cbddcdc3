"""Call records in tests: a record made as the routing decision makes it (voice.calls.start_call), and
Kamailio's progress events POSTed to /sip/v1/events with the shared secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx2

from mpaas.roles.platform import Platform
from mpaas.voice.calls import start_call

SIP_SECRET = "test-sip-secret"
T0 = datetime(2026, 12, 3, 22, 0, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    """Kamailio's timestamp `seconds` after T0, in its wire form (UTC, milliseconds, Z)."""
    value = T0 + timedelta(seconds=seconds)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


async def new_call(
    platform: Platform,
    account_id: str | None,
    sip_call_id: str,
    *,
    number_id: str | None = "NID-0193",
    direction: str = "inbound",
    from_number: str = "+18015550100",
    to_number: str = "+18015557000",
    now: datetime | None = None,
    **kwargs,
) -> str:
    async with platform.db.write() as session:
        return await start_call(
            session,
            call_id=sip_call_id,
            account_id=account_id,
            number_id=number_id,
            direction=direction,
            from_number=from_number,
            to_number=to_number,
            now=now or platform.clock.now(),
            **kwargs,
        )


def event(kind: str, sip_call_id: str, seconds: float, **fields) -> dict:
    return {"Event": kind, "CallId": sip_call_id, "Timestamp": at(seconds), **fields}


async def post_events(http: httpx2.AsyncClient, *events: dict, secret: str | None = SIP_SECRET) -> httpx2.Response:
    """One event as itself, several as {"Events": [...]}."""
    body = events[0] if len(events) == 1 else {"Events": list(events)}
    headers = {"X-Mpaas-Sip-Secret": secret} if secret is not None else {}
    return await http.post("/sip/v1/events", json=body, headers=headers)
