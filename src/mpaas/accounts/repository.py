"""SQL for distributors, accounts and platform secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.hashing import new_secret
from mpaas.models import Account, Distributor, PlatformSecret


async def get_or_create_secret(session: AsyncSession, name: str) -> str:
    row = await session.get(PlatformSecret, name)
    if row is None:
        row = PlatformSecret(name=name, value=new_secret(48))
        session.add(row)
        await session.flush()
    return row.value


async def get_distributor(session: AsyncSession, distributor_id: str) -> Distributor | None:
    return await session.get(Distributor, distributor_id)


async def find_distributor_by_name(session: AsyncSession, name: str) -> Distributor | None:
    result = await session.execute(select(Distributor).where(Distributor.name == name).limit(1))
    return result.scalar_one_or_none()


async def account_ids_of(session: AsyncSession, distributor_id: str) -> list[str]:
    result = await session.execute(
        select(Account.id).where(Account.distributor_id == distributor_id, Account.active.is_(True))
        .order_by(Account.created_at, Account.id)
    )
    return list(result.scalars().all())


async def accounts_of(session: AsyncSession, distributor_id: str) -> list[Account]:
    result = await session.execute(
        select(Account).where(Account.distributor_id == distributor_id).order_by(Account.created_at, Account.id)
    )
    return list(result.scalars().all())


def add_distributor(session: AsyncSession, *, id: str, name: str, secret_hash: str, rate_limit: int | None,
                    now: datetime) -> Distributor:
    row = Distributor(id=id, name=name, secret_hash=secret_hash, rate_limit_per_minute=rate_limit, active=True,
                      created_at=now)
    session.add(row)
    return row


def add_account(session: AsyncSession, *, id: str, distributor_id: str, company_name: str, now: datetime) -> Account:
    row = Account(id=id, distributor_id=distributor_id, company_name=company_name,
                  webhook_signing_secret=new_secret(32), active=True, created_at=now)
    session.add(row)
    return row
