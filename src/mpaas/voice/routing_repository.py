"""SQL of the routing decision: a few indexed reads per call (docs/voice.md, "Routing decision").

The statements are built once: a decision runs per INVITE and its budget is 5 ms at p99 on SQLite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import InventoryNumber, PhoneNumber, VoiceRoute

# A number of the platform's inventory and what decides its route: the inventory status (a number no account
# holds has no PhoneNumber), the account's number's own columns, read fresh on every call (never cached), and its
# voice route's type, switch and version (updated_at), all through primary and unique keys.
_NUMBER_INPUTS = (
    select(
        InventoryNumber.status.label("inventory_status"),
        PhoneNumber.id,
        PhoneNumber.account_id,
        PhoneNumber.status,
        PhoneNumber.voice_enabled,
        PhoneNumber.product_type,
        PhoneNumber.voice_route_id,
        VoiceRoute.route_type,
        VoiceRoute.route_enabled,
        VoiceRoute.updated_at,
    )
    .outerjoin(PhoneNumber, PhoneNumber.number == InventoryNumber.number)
    .outerjoin(VoiceRoute, VoiceRoute.id == PhoneNumber.voice_route_id)
    .where(InventoryNumber.number == bindparam("number"))
)

_ROUTE_ATTRIBUTES = select(VoiceRoute.attributes).where(VoiceRoute.id == bindparam("route_id"))

# The version of an account's voice routes as a whole: a route created, changed or deleted changes it.
_ACCOUNT_ROUTES_VERSION = select(func.count(VoiceRoute.id), func.max(VoiceRoute.updated_at)).where(
    VoiceRoute.account_id == bindparam("account_id")
)

_ACCOUNT_ROUTES = select(VoiceRoute.route_enabled, VoiceRoute.attributes).where(
    VoiceRoute.account_id == bindparam("account_id")
)


async def number_inputs(session: AsyncSession, number: str) -> Any:
    """The row of `_NUMBER_INPUTS` (attributes by column name), or None for a number not in the inventory."""
    return (await session.execute(_NUMBER_INPUTS, {"number": number})).one_or_none()


async def route_attributes(session: AsyncSession, route_id: str) -> dict[str, Any] | None:
    return (await session.execute(_ROUTE_ATTRIBUTES, {"route_id": route_id})).scalar_one_or_none()


async def account_routes_version(session: AsyncSession, account_id: str) -> tuple[int, datetime | None]:
    count, latest = (await session.execute(_ACCOUNT_ROUTES_VERSION, {"account_id": account_id})).one()
    return int(count), latest


async def account_routes(session: AsyncSession, account_id: str) -> list[tuple[bool, dict[str, Any]]]:
    result = await session.execute(_ACCOUNT_ROUTES, {"account_id": account_id})
    return [(bool(enabled), attributes or {}) for enabled, attributes in result.all()]
