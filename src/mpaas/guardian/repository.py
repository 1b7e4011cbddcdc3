"""SQL for Guardian features, relations and call filters: scoped to the caller's accounts where a tenant asks,
and the screening's one read per call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import CallFilter, GuardianFeatures, GuardianRelation, PhoneNumber, Subscriber


async def subscriber(session: AsyncSession, subscriber_id: str, account_ids: Sequence[str]) -> Subscriber | None:
    result = await session.execute(
        select(Subscriber).where(
            func.lower(Subscriber.id) == subscriber_id.strip().lower(), Subscriber.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def numbers_of(session: AsyncSession, owner: Subscriber) -> set[str]:
    """The subscriber's own numbers: those it lists and those assigned to it at provisioning."""
    assigned = await session.execute(select(PhoneNumber.number).where(PhoneNumber.subscriber_id == owner.id))
    return {*(owner.phone_numbers or []), *assigned.scalars().all()}


async def holders_of(session: AsyncSession, phone: str, account_ids: Sequence[str]) -> list[Subscriber]:
    """Subscribers of the caller's accounts whose number `phone` is (assigned, or listed)."""
    assigned = select(PhoneNumber.subscriber_id).where(
        PhoneNumber.number == phone, PhoneNumber.subscriber_id.is_not(None)
    )
    rows = await session.execute(
        select(Subscriber).where(Subscriber.account_id.in_(account_ids), Subscriber.id.in_(assigned))
    )
    found = list(rows.scalars().all())
    if not found:  # listed only (Subscriber.phone_numbers, a JSON list): read for the caller's accounts
        rows = await session.execute(select(Subscriber).where(Subscriber.account_id.in_(account_ids)))
        found = [s for s in rows.scalars().all() if phone in (s.phone_numbers or [])]
    return found


# --- features ---


async def features(session: AsyncSession, subscriber_id: str) -> GuardianFeatures | None:
    return await session.get(GuardianFeatures, subscriber_id)


# --- relations ---


async def relation(session: AsyncSession, parent_id: str, child_id: str) -> GuardianRelation | None:
    return await session.get(GuardianRelation, (parent_id, child_id))


async def relations_of_parent(session: AsyncSession, parent_id: str) -> list[GuardianRelation]:
    rows = await session.execute(
        select(GuardianRelation)
        .where(GuardianRelation.parent_id == parent_id)
        .order_by(GuardianRelation.created_at, GuardianRelation.child_id)
    )
    return list(rows.scalars().all())


async def relations_of_child(session: AsyncSession, child_id: str) -> list[GuardianRelation]:
    rows = await session.execute(
        select(GuardianRelation)
        .where(GuardianRelation.child_id == child_id)
        .order_by(GuardianRelation.created_at, GuardianRelation.parent_id)
    )
    return list(rows.scalars().all())


async def delete_relation(session: AsyncSession, parent_id: str, child_id: str) -> None:
    await session.execute(
        delete(GuardianRelation).where(GuardianRelation.parent_id == parent_id, GuardianRelation.child_id == child_id)
    )


# --- call filters ---


async def call_filter(session: AsyncSession, filter_id: str, account_ids: Sequence[str]) -> CallFilter | None:
    result = await session.execute(
        select(CallFilter).where(
            func.lower(CallFilter.id) == filter_id.strip().lower(), CallFilter.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def call_filter_exists(session: AsyncSession, subscriber_id: str, phone: str) -> bool:
    row = await session.execute(
        select(CallFilter.id).where(CallFilter.subscriber_id == subscriber_id, CallFilter.phone == phone)
    )
    return row.first() is not None


async def call_filters(
    session: AsyncSession, account_ids: Sequence[str], subscriber_ids: Sequence[str] | None, phone: str | None
) -> list[CallFilter]:
    stmt = select(CallFilter).where(CallFilter.account_id.in_(account_ids))
    if subscriber_ids is not None:
        stmt = stmt.where(CallFilter.subscriber_id.in_(subscriber_ids))
    if phone is not None:
        stmt = stmt.where(CallFilter.phone == phone)
    rows = await session.execute(stmt.order_by(CallFilter.created_at, CallFilter.id))
    return list(rows.scalars().all())


# The screening's read, built once on the tables (Core, not an ORM entity select: on the routing decision's path,
# the ORM's per-execute work cost about a millisecond of CPU even when no row comes back).
_FILTERS = cast(Table, CallFilter.__table__)
_FEATURES = cast(Table, GuardianFeatures.__table__)
SCREENING = (
    select(
        *(
            _FILTERS.c[name]
            for name in (
                "id",
                "subscriber_id",
                "phone",
                "filter_mode",
                "enforcement",
                "allowed_numbers",
                "blocked_numbers",
                "notification_phones",
                "apply_to_inbound",
                "apply_to_outbound",
                "block_unknown_numbers",
                "block_international",
            )
        )
    )
    .join_from(_FILTERS, _FEATURES, _FEATURES.c.subscriber_id == _FILTERS.c.subscriber_id)
    .where(
        _FILTERS.c.account_id == bindparam("account_id"),
        _FILTERS.c.phone == bindparam("phone"),
        _FEATURES.c.calls.is_(True),
    )
    .order_by(_FILTERS.c.created_at, _FILTERS.c.id)
)


async def screening_filters(session: AsyncSession, account_id: str, phone: str) -> Sequence[Row[Any]]:
    """The call filters that act on a call of `phone` (the account's number): those of subscribers whose
    Guardian calls feature is on, as rows of the columns screening reads. One indexed read (account, phone)."""
    return (await session.execute(SCREENING, {"account_id": account_id, "phone": phone})).all()
