"""SQL of workgroups and their members; every lookup by id is scoped to the caller's accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import InventoryNumber, PhoneNumber, Workgroup, WorkgroupMember


async def get(session: AsyncSession, workgroup_id: str, account_ids: Sequence[str]) -> Workgroup | None:
    result = await session.execute(
        select(Workgroup).where(func.lower(Workgroup.id) == workgroup_id.lower(), Workgroup.account_id.in_(account_ids))
    )
    return result.scalar_one_or_none()


async def listing(session: AsyncSession, account_ids: Sequence[str]) -> list[Workgroup]:
    result = await session.execute(
        select(Workgroup).where(Workgroup.account_id.in_(account_ids)).order_by(Workgroup.created_at, Workgroup.id)
    )
    return list(result.scalars().all())


async def answering(session: AsyncSession, account_id: str, number: str) -> Workgroup | None:
    """The account's workgroup whose TelegentPhone is `number` (the oldest, should there be two)."""
    result = await session.execute(
        select(Workgroup)
        .where(Workgroup.account_id == account_id, Workgroup.telegent_phone == number)
        .order_by(Workgroup.created_at, Workgroup.id)
        .limit(1)
    )
    return result.scalar_one_or_none()


async def workgroups_of(session: AsyncSession, account_id: str) -> dict[str, Workgroup]:
    result = await session.execute(select(Workgroup).where(Workgroup.account_id == account_id))
    return {w.id: w for w in result.scalars().all()}


async def members(session: AsyncSession, workgroup_ids: Sequence[str]) -> list[WorkgroupMember]:
    """Members of the workgroups, in ring order: DigitOrder (unset last), then creation."""
    if not workgroup_ids:
        return []
    result = await session.execute(
        select(WorkgroupMember)
        .where(WorkgroupMember.workgroup_id.in_(workgroup_ids))
        .order_by(
            WorkgroupMember.digit_order.is_(None),
            WorkgroupMember.digit_order,
            WorkgroupMember.created_at,
            WorkgroupMember.id,
        )
    )
    return list(result.scalars().all())


async def account_members(session: AsyncSession, account_id: str) -> list[WorkgroupMember]:
    result = await session.execute(select(WorkgroupMember).where(WorkgroupMember.account_id == account_id))
    return list(result.scalars().all())


async def get_member(session: AsyncSession, member_id: str, account_ids: Sequence[str]) -> WorkgroupMember | None:
    result = await session.execute(
        select(WorkgroupMember).where(
            func.lower(WorkgroupMember.id) == member_id.lower(), WorkgroupMember.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def references_to(session: AsyncSession, workgroup_id: str) -> int:
    """Other workgroups that use this one: as a nested member, or as their on-hours or off-hours target."""
    nested = await session.execute(
        select(func.count()).where(
            WorkgroupMember.reference_workgroup_id == workgroup_id, WorkgroupMember.workgroup_id != workgroup_id
        )
    )
    targets = await session.execute(
        select(func.count()).where(
            Workgroup.id != workgroup_id,
            or_(
                (Workgroup.on_hours_type == "Workgroup") & (Workgroup.on_hours_id == workgroup_id),
                (Workgroup.off_hours_type == "Workgroup") & (Workgroup.off_hours_id == workgroup_id),
            ),
        )
    )
    return int(nested.scalar_one()) + int(targets.scalar_one())


async def number_owner(session: AsyncSession, number: str) -> tuple[bool, str | None, str | None]:
    """(in our inventory, the account holding it, its status)."""
    result = await session.execute(
        select(InventoryNumber.number, PhoneNumber.account_id, PhoneNumber.status)
        .outerjoin(PhoneNumber, PhoneNumber.number == InventoryNumber.number)
        .where(InventoryNumber.number == number)
    )
    row = result.first()
    if row is None:
        return False, None, None
    return True, row.account_id, row.status


async def hours_targets(session: AsyncSession, member_id: str) -> int:
    """Workgroups whose on-hours or off-hours target (Type User) is this member."""
    result = await session.execute(
        select(func.count()).where(
            or_(
                (Workgroup.on_hours_type == "User") & (Workgroup.on_hours_id == member_id),
                (Workgroup.off_hours_type == "User") & (Workgroup.off_hours_id == member_id),
            )
        )
    )
    return int(result.scalar_one())
