"""Guardian relations: one-way parent -> child links between subscribers of one account. A guardian (parent)
gets the child's filter alerts (guardian/alerts.py) and may manage the child's filters (docs/guardian.md,
"Guardians managing a child's filters")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import GuardianRelation


async def guardians_of(session: AsyncSession, subscriber_id: str) -> list[str]:
    """The parent subscriber ids of `subscriber_id`, oldest relation first."""
    rows = await session.execute(
        select(GuardianRelation.parent_id)
        .where(GuardianRelation.child_id == subscriber_id)
        .order_by(GuardianRelation.created_at, GuardianRelation.parent_id)
    )
    return list(rows.scalars().all())


async def children_of(session: AsyncSession, parent_id: str) -> list[str]:
    rows = await session.execute(
        select(GuardianRelation.child_id)
        .where(GuardianRelation.parent_id == parent_id)
        .order_by(GuardianRelation.created_at, GuardianRelation.child_id)
    )
    return list(rows.scalars().all())


async def is_guardian(session: AsyncSession, parent_id: str, child_id: str) -> bool:
    row = await session.execute(
        select(GuardianRelation.parent_id).where(
            GuardianRelation.parent_id == parent_id, GuardianRelation.child_id == child_id
        )
    )
    return row.first() is not None
