"""SQL for distributors, accounts and platform secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.security.hashing import new_secret
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
        select(Account.id)
        .where(Account.distributor_id == distributor_id, Account.active.is_(True))
        .order_by(Account.created_at, Account.id)
    )
    return list(result.scalars().all())


_DISTRIBUTORS, _ACCOUNTS = Distributor.__table__, Account.__table__
# Every request's principal: the distributor (active?) and its active accounts in one statement, built once.
PRINCIPAL_ACCOUNTS = (
    select(_DISTRIBUTORS.c.active, _DISTRIBUTORS.c.credential_generation, _ACCOUNTS.c.id)
    .select_from(
        _DISTRIBUTORS.outerjoin(
            _ACCOUNTS, and_(_ACCOUNTS.c.distributor_id == _DISTRIBUTORS.c.id, _ACCOUNTS.c.active.is_(True))
        )
    )
    .where(_DISTRIBUTORS.c.id == bindparam("b_distributor"))
    .order_by(_ACCOUNTS.c.created_at, _ACCOUNTS.c.id)
)


async def active_account_ids(session: AsyncSession, distributor_id: str, generation: int = 0) -> list[str] | None:
    """The active accounts of an active distributor, oldest first (as account_ids_of); None when the
    distributor is missing or inactive, or its credential generation is no longer `generation` (the token's:
    the secret was rotated or the distributor deactivated since). The generation rides on the statement every
    request already runs, so refusing old tokens costs no round trip."""
    rows = (await session.execute(PRINCIPAL_ACCOUNTS, {"b_distributor": distributor_id})).all()
    if not rows or not rows[0].active or rows[0].credential_generation != generation:
        return None
    return [row.id for row in rows if row.id is not None]


async def accounts_of(session: AsyncSession, distributor_id: str) -> list[Account]:
    result = await session.execute(
        select(Account).where(Account.distributor_id == distributor_id).order_by(Account.created_at, Account.id)
    )
    return list(result.scalars().all())


async def set_credential(
    session: AsyncSession,
    distributor_id: str,
    *,
    secret_hash: str | None = None,
    active: bool | None = None,
    new_generation: bool = True,
) -> None:
    """Change a distributor's secret or active flag; `new_generation` refuses every token minted before (the
    increment is done by the database, so two concurrent changes both count)."""
    values: dict = {}
    if secret_hash is not None:
        values["secret_hash"] = secret_hash
    if active is not None:
        values["active"] = active
    if new_generation:
        values["credential_generation"] = Distributor.credential_generation + 1
    await session.execute(
        update(Distributor)
        .where(Distributor.id == distributor_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )


def add_distributor(
    session: AsyncSession, *, id: str, name: str, secret_hash: str, rate_limit: int | None, now: datetime
) -> Distributor:
    row = Distributor(
        id=id, name=name, secret_hash=secret_hash, rate_limit_per_minute=rate_limit, active=True, created_at=now
    )
    session.add(row)
    return row


def add_account(session: AsyncSession, *, id: str, distributor_id: str, company_name: str, now: datetime) -> Account:
    row = Account(
        id=id,
        distributor_id=distributor_id,
        company_name=company_name,
        webhook_signing_secret=new_secret(32),
        active=True,
        created_at=now,
    )
    session.add(row)
    return row
