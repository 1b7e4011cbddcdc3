"""SQL for subscribers, scoped to the caller's accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import Account, PhoneNumber, Subscriber, Subscription


async def get(session: AsyncSession, subscriber_id: str, account_ids: Sequence[str]) -> Subscriber | None:
    result = await session.execute(
        select(Subscriber).where(
            func.lower(Subscriber.id) == subscriber_id.lower(), Subscriber.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def email_taken(session: AsyncSession, email_key: str) -> bool:
    result = await session.execute(select(Subscriber.id).where(Subscriber.email_key == email_key).limit(1))
    return result.first() is not None


async def assigned_numbers(session: AsyncSession, subscriber_id: str) -> list[str]:
    result = await session.execute(
        select(PhoneNumber.number).where(PhoneNumber.subscriber_id == subscriber_id).order_by(PhoneNumber.number)
    )
    return list(result.scalars().all())


async def numbers_held(session: AsyncSession, numbers: Sequence[str], account_ids: Sequence[str]) -> set[str]:
    """Which of `numbers` are provisioned to one of `account_ids`."""
    result = await session.execute(
        select(PhoneNumber.number).where(PhoneNumber.number.in_(numbers), PhoneNumber.account_id.in_(account_ids))
    )
    return set(result.scalars().all())


async def company_name(session: AsyncSession, account_id: str) -> str:
    result = await session.execute(select(Account.company_name).where(Account.id == account_id))
    return result.scalar_one()


async def move_to_account(session: AsyncSession, subscriber: Subscriber, from_account: str, to_account: str) -> None:
    """Transfer: the subscriber, the numbers it holds (assigned to it, or listed on it and unassigned) and its
    subscriptions move together, in the caller's transaction."""
    listed = list(subscriber.phone_numbers or [])
    await session.execute(
        update(PhoneNumber)
        .where(
            PhoneNumber.account_id == from_account,
            or_(
                PhoneNumber.subscriber_id == subscriber.id,
                and_(PhoneNumber.number.in_(listed), PhoneNumber.subscriber_id.is_(None)),
            ),
        )
        .values(account_id=to_account)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Subscription)
        .where(Subscription.subscriber_id == subscriber.id)
        .values(account_id=to_account)
        .execution_options(synchronize_session=False)
    )
    subscriber.account_id = to_account
