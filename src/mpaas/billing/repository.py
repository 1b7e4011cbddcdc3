"""SQL for charges, billing runs, usage counters and threshold events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing.engine import PackagePrice, package_price
from mpaas.models import (
    Account,
    BillingRun,
    Charge,
    Package,
    PackageItem,
    Subscription,
    Threshold,
    ThresholdAssignment,
    ThresholdEvent,
    UsageCounter,
)


def _insert(session: AsyncSession, table):
    dialect = session.bind.dialect.name
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


async def insert_charges(session: AsyncSession, rows: list[dict]) -> int:
    """Insert ledger lines; a line whose key exists is skipped (that is what makes billing idempotent).
    Returns how many were new."""
    if not rows:
        return 0
    # Count what RETURNING hands back: an executemany's rowcount is not reliable across drivers (psycopg
    # reports -1 for SQLAlchemy's batched multi-row inserts).
    table = Charge.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    return len((await session.execute(stmt, rows)).all())


async def charge_exists(session: AsyncSession, key: str) -> bool:
    return (await session.execute(select(Charge.id).where(Charge.key == key))).first() is not None


async def package_prices(session: AsyncSession, package_ids: Iterable[str]) -> dict[str, PackagePrice]:
    ids_ = list(set(package_ids))
    if not ids_:
        return {}
    packages = (
        await session.execute(
            select(Package.id, Package.name, Package.price, Package.monthly).where(Package.id.in_(ids_))
        )
    ).all()
    items = (
        await session.execute(
            select(PackageItem.package_id, PackageItem.price, PackageItem.monthly).where(
                PackageItem.package_id.in_(ids_), PackageItem.deleted_at.is_(None), PackageItem.active.is_(True)
            )
        )
    ).all()
    by_package: dict[str, list[tuple[Decimal, bool]]] = {}
    for package_id, price, monthly in items:
        by_package.setdefault(package_id, []).append((price, monthly))
    return {
        pid: package_price(pid, name, price, monthly, by_package.get(pid, [])) for pid, name, price, monthly in packages
    }


async def billable_batch(session: AsyncSession, period_end: datetime, after_id: str, limit: int):
    """Live subscriptions created before the period ends, in id order (keyset pagination)."""
    result = await session.execute(
        select(Subscription.id, Subscription.account_id, Subscription.package_id)
        .where(
            Subscription.deleted_at.is_(None),
            Subscription.active.is_(True),
            Subscription.created_at < period_end,
            Subscription.id > after_id,
        )
        .order_by(Subscription.id)
        .limit(limit)
    )
    return result.all()


async def billing_run(session: AsyncSession, period: str) -> BillingRun | None:
    return await session.get(BillingRun, period)


async def charges(session: AsyncSession, account_id: str, period: str) -> list[Charge]:
    result = await session.execute(
        select(Charge).where(Charge.account_id == account_id, Charge.period == period).order_by(Charge.id)
    )
    return list(result.scalars().all())


async def account(session: AsyncSession, account_id: str) -> Account | None:
    return await session.get(Account, account_id)


# Built once, and asks for the id only: every send runs it inside the write transaction, and most numbers
# have no subscription (an ORM entity query costs its machinery even when it finds nothing).
_SUBSCRIPTIONS = Subscription.__table__
LIVE_SUBSCRIPTION_ID = (
    select(_SUBSCRIPTIONS.c.id)
    .where(
        _SUBSCRIPTIONS.c.phone_number_id == bindparam("b_number"),
        _SUBSCRIPTIONS.c.deleted_at.is_(None),
        _SUBSCRIPTIONS.c.active.is_(True),
    )
    .limit(1)
)


async def live_subscription_for_number(session: AsyncSession, phone_number_id: str) -> Subscription | None:
    found = (await session.execute(LIVE_SUBSCRIPTION_ID, {"b_number": phone_number_id})).scalar()
    return await session.get(Subscription, found) if found is not None else None


async def events(session: AsyncSession, subscription_id: str, period: str) -> list[ThresholdEvent]:
    result = await session.execute(
        select(ThresholdEvent).where(ThresholdEvent.subscription_id == subscription_id, ThresholdEvent.period == period)
    )
    return list(result.scalars().all())


async def account_events(session: AsyncSession, account_ids: Sequence[str], period: str) -> list[ThresholdEvent]:
    result = await session.execute(
        select(ThresholdEvent)
        .where(ThresholdEvent.account_id.in_(account_ids), ThresholdEvent.period == period)
        .order_by(ThresholdEvent.id)
    )
    return list(result.scalars().all())


async def assigned_thresholds(session: AsyncSession, subscription_id: str) -> list[Threshold]:
    result = await session.execute(
        select(Threshold)
        .join(ThresholdAssignment, ThresholdAssignment.threshold_id == Threshold.id)
        .where(
            ThresholdAssignment.subscription_id == subscription_id,
            ThresholdAssignment.deleted_at.is_(None),
            ThresholdAssignment.active.is_(True),
            Threshold.deleted_at.is_(None),
            Threshold.active.is_(True),
        )
        .order_by(Threshold.id)
    )
    return list(result.scalars().unique().all())


async def add_usage(session: AsyncSession, subscription_id: str, period: str, kind: str, amount: int) -> int:
    """Add to a usage counter and return the new total."""
    row = await session.get(UsageCounter, (subscription_id, period, kind))
    if row is None:
        row = UsageCounter(subscription_id=subscription_id, period=period, kind=kind, amount=0)
        session.add(row)
    row.amount = (row.amount or 0) + amount
    await session.flush()
    return row.amount


async def usage(session: AsyncSession, subscription_id: str, period: str, kind: str) -> int:
    row = await session.get(UsageCounter, (subscription_id, period, kind))
    return row.amount if row else 0


async def record_event(
    session: AsyncSession,
    *,
    threshold: Threshold,
    subscription: Subscription,
    period: str,
    usage_value: int,
    now: datetime,
) -> bool:
    """Record a crossing once per threshold, subscription and period; True if it is new."""
    table = ThresholdEvent.__table__
    stmt = (
        _insert(session, table)
        .on_conflict_do_nothing(index_elements=["threshold_id", "subscription_id", "period"])
        .returning(table.c.threshold_id)
    )
    result = await session.execute(
        stmt,
        [
            {
                "threshold_id": threshold.id,
                "subscription_id": subscription.id,
                "account_id": subscription.account_id,
                "period": period,
                "action": threshold.action,
                "usage": usage_value,
                "created_at": now,
            }
        ],
    )
    return bool(result.all())


async def count_subscriptions(session: AsyncSession) -> int:
    """Live subscriptions: what a run examines (for progress bars)."""
    return (
        await session.execute(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.deleted_at.is_(None), Subscription.active.is_(True))
        )
    ).scalar_one()


async def live_subscription(session: AsyncSession, subscription_id: str) -> Subscription | None:
    result = await session.execute(
        select(Subscription).where(
            func.lower(Subscription.id) == subscription_id.lower(), Subscription.deleted_at.is_(None)
        )
    )
    return result.scalar_one_or_none()
