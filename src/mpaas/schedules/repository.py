"""SQL of schedules; every lookup is scoped to the caller's accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import Schedule, Workgroup


async def get(session: AsyncSession, schedule_id: str, account_ids: Sequence[str]) -> Schedule | None:
    result = await session.execute(
        select(Schedule).where(func.lower(Schedule.id) == schedule_id.lower(), Schedule.account_id.in_(account_ids))
    )
    return result.scalar_one_or_none()


async def listing(session: AsyncSession, account_ids: Sequence[str]) -> list[Schedule]:
    result = await session.execute(
        select(Schedule).where(Schedule.account_id.in_(account_ids)).order_by(Schedule.created_at, Schedule.id)
    )
    return list(result.scalars().all())


async def workgroups_using(session: AsyncSession, schedule_id: str) -> int:
    result = await session.execute(select(func.count()).where(Workgroup.schedule_id == schedule_id))
    return int(result.scalar_one())
