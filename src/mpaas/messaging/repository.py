"""SQL for messages and the numbers and routes the pipeline needs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import Account, Message, MessageRoute, PhoneNumber


async def number_in_accounts(session: AsyncSession, number: str, account_ids: Sequence[str]) -> PhoneNumber | None:
    result = await session.execute(select(PhoneNumber).where(PhoneNumber.number == number,
                                                             PhoneNumber.account_id.in_(account_ids)))
    return result.scalar_one_or_none()


async def provisioned_number(session: AsyncSession, number: str) -> PhoneNumber | None:
    result = await session.execute(select(PhoneNumber).where(PhoneNumber.number == number))
    return result.scalar_one_or_none()


async def get_message(session: AsyncSession, message_id: str, account_ids: Sequence[str] | None = None) -> Message | None:
    stmt = select(Message).where(func.lower(Message.id) == message_id.lower())
    if account_ids is not None:
        stmt = stmt.where(Message.account_id.in_(account_ids))
    return (await session.execute(stmt)).scalar_one_or_none()


async def message_by_carrier_id(session: AsyncSession, carrier_id: str) -> Message | None:
    result = await session.execute(select(Message).where(Message.carrier_id == carrier_id).limit(1))
    return result.scalar_one_or_none()


async def route(session: AsyncSession, route_id: str | None) -> MessageRoute | None:
    return await session.get(MessageRoute, route_id) if route_id else None


async def signing_secret(session: AsyncSession, account_id: str) -> str:
    result = await session.execute(select(Account.webhook_signing_secret).where(Account.id == account_id))
    return result.scalar_one()
