"""SQL for port requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import NumberOrder, PortRequest

OPEN = ("Pending", "InProgress", "ResolutionRequired")


async def get(session: AsyncSession, order_id: str) -> PortRequest | None:
    return await session.get(PortRequest, order_id)


async def open_port_for(session: AsyncSession, number: str) -> NumberOrder | None:
    result = await session.execute(
        select(NumberOrder)
        .join(PortRequest, PortRequest.order_id == NumberOrder.id)
        .where(PortRequest.number == number, PortRequest.direction == "in", NumberOrder.status.in_(OPEN))
        .limit(1)
    )
    return result.scalar_one_or_none()
