"""SQL of URL routes and voice status callbacks: a route's wire fields read within its account (a route's URL only
ever sees its own account's calls), the account's signing secrets, and the route a call's number is on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import PhoneNumber, VoiceRoute
from mpaas.models.calls import Call, CallEvent
from mpaas.voice.calls import SIP_CALL_ID_WIDTH
from mpaas.webhooks.delivery import SECRETS, _secrets

_ROUTE = select(VoiceRoute.route_enabled, VoiceRoute.attributes).where(
    VoiceRoute.id == bindparam("route_id"), VoiceRoute.account_id == bindparam("account_id")
)

# The voice route of a call's number, in the call's account (a number and its route are one account's).
_NUMBER_ROUTE = (
    select(VoiceRoute.id, VoiceRoute.attributes)
    .join(PhoneNumber, PhoneNumber.voice_route_id == VoiceRoute.id)
    .where(
        PhoneNumber.id == bindparam("number_id"),
        PhoneNumber.account_id == bindparam("account_id"),
        VoiceRoute.account_id == bindparam("account_id"),
    )
)

_CALL_RECORD_ID = select(Call.id).where(Call.sip_call_id == bindparam("sip_call_id"))

_ANY_URL_ROUTE = (
    select(VoiceRoute.id).where(VoiceRoute.route_type == "URL", VoiceRoute.route_enabled.is_(True)).limit(1)
)

_ROUTES = select(VoiceRoute.id, VoiceRoute.account_id, VoiceRoute.route_enabled, VoiceRoute.attributes).where(
    VoiceRoute.id.in_(bindparam("b_ids", expanding=True))
)


async def route(session: AsyncSession, route_id: str, account_id: str) -> tuple[bool, dict[str, Any]] | None:
    """(enabled, wire fields) of `route_id` if it is `account_id`'s."""
    row = (await session.execute(_ROUTE, {"route_id": route_id, "account_id": account_id})).one_or_none()
    return None if row is None else (bool(row.route_enabled), row.attributes or {})


async def signing_secrets(session: AsyncSession, account_id: str, now: datetime) -> tuple[str, ...] | None:
    """What signs the account's webhooks now: its secret, and the previous one during a rotation's grace."""
    row = (await session.execute(SECRETS, {"b_ids": [account_id]})).one_or_none()
    return None if row is None else _secrets(row, now)


async def number_route(session: AsyncSession, number_id: str, account_id: str) -> tuple[str, dict[str, Any]] | None:
    """(route id, wire fields) of the voice route number `number_id` is on, both `account_id`'s."""
    row = (await session.execute(_NUMBER_ROUTE, {"number_id": number_id, "account_id": account_id})).one_or_none()
    return None if row is None else (row.id, row.attributes or {})


async def rejected_call(session: AsyncSession, call_record_id: str) -> tuple[Call | None, CallEvent | None]:
    """A call record and the rejection the routing decision recorded for it (voice.calls.REJECTED_EVENT)."""
    call = await session.get(Call, call_record_id)
    if call is None:
        return None, None
    rejection = await session.scalar(
        select(CallEvent).where(CallEvent.call_id == call_record_id, CallEvent.event == "rejected")
    )
    return call, rejection


async def call_record_id(session: AsyncSession, sip_call_id: str) -> str | None:
    """The CALL- id of the record already made for SIP Call-ID `sip_call_id` (an INVITE asked about again)."""
    params = {"sip_call_id": sip_call_id[:SIP_CALL_ID_WIDTH]}
    return (await session.execute(_CALL_RECORD_ID, params)).scalar_one_or_none()


async def any_url_route(session: AsyncSession) -> bool:
    """Whether any enabled URL route exists (of any account)."""
    return (await session.execute(_ANY_URL_ROUTE)).first() is not None


async def routes(session: AsyncSession, route_ids: set[str]) -> dict[str, Any]:
    """Rows (id, account_id, route_enabled, attributes) by id."""
    if not route_ids:
        return {}
    result = await session.execute(_ROUTES, {"b_ids": sorted(route_ids)})
    return {row.id: row for row in result.all()}
