"""SQL for account/distributor profiles and the distributor-wide lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import Account, Profile, Subscriber


async def profile(session: AsyncSession, owner_id: str) -> Profile | None:
    return await session.get(Profile, owner_id)


async def subscriber_counts(session: AsyncSession, account_ids: Sequence[str]) -> dict[str, int]:
    if not account_ids:
        return {}
    result = await session.execute(
        select(Subscriber.account_id, func.count())
        .where(Subscriber.account_id.in_(account_ids))
        .group_by(Subscriber.account_id)
    )
    return {row[0]: row[1] for row in result.all()}


async def profiles(session: AsyncSession, owner_ids: Sequence[str]) -> dict[str, Profile]:
    if not owner_ids:
        return {}
    result = await session.execute(select(Profile).where(Profile.owner_id.in_(owner_ids)))
    return {p.owner_id: p for p in result.scalars().all()}


async def account(session: AsyncSession, account_id: str) -> Account | None:
    return await session.get(Account, account_id)


async def count_accounts(session: AsyncSession, distributor_id: str) -> int:
    result = await session.execute(
        select(func.count()).select_from(Account).where(Account.distributor_id == distributor_id)
    )
    return result.scalar_one()


async def subscribers_page(
    session: AsyncSession, account_ids: Sequence[str], offset: int, limit: int
) -> tuple[int, list[Subscriber]]:
    if not account_ids:
        return 0, []
    total = (
        await session.execute(
            select(func.count()).select_from(Subscriber).where(Subscriber.account_id.in_(account_ids))
        )
    ).scalar_one()
    rows = await session.execute(
        select(Subscriber)
        .where(Subscriber.account_id.in_(account_ids))
        .order_by(Subscriber.created_at, Subscriber.id)
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows.scalars().all())
