"""SQL for message and voice routes; every lookup is scoped to the caller's accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import MessageRoute, PhoneNumber, VoiceRoute


async def get_message_route(session: AsyncSession, route_id: str, account_ids: Sequence[str]) -> MessageRoute | None:
    result = await session.execute(
        select(MessageRoute).where(
            func.lower(MessageRoute.id) == route_id.lower(), MessageRoute.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def list_message_routes(session: AsyncSession, account_ids: Sequence[str]) -> list[MessageRoute]:
    result = await session.execute(
        select(MessageRoute)
        .where(MessageRoute.account_id.in_(account_ids))
        .order_by(MessageRoute.created_at, MessageRoute.id)
    )
    return list(result.scalars().all())


async def get_voice_route(session: AsyncSession, route_id: str, account_ids: Sequence[str]) -> VoiceRoute | None:
    result = await session.execute(
        select(VoiceRoute).where(func.lower(VoiceRoute.id) == route_id.lower(), VoiceRoute.account_id.in_(account_ids))
    )
    return result.scalar_one_or_none()


async def list_voice_routes(session: AsyncSession, account_ids: Sequence[str]) -> list[VoiceRoute]:
    result = await session.execute(
        select(VoiceRoute).where(VoiceRoute.account_id.in_(account_ids)).order_by(VoiceRoute.created_at, VoiceRoute.id)
    )
    return list(result.scalars().all())


async def count_numbers_on_message_route(session: AsyncSession, route_id: str) -> int:
    result = await session.execute(select(func.count()).where(PhoneNumber.message_route_id == route_id))
    return int(result.scalar_one())


async def count_numbers_on_voice_route(session: AsyncSession, route_id: str) -> int:
    result = await session.execute(select(func.count()).where(PhoneNumber.voice_route_id == route_id))
    return int(result.scalar_one())
