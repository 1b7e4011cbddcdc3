"""SQL for data plans, usage records and RADIUS accounting sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import DataPlan, PhoneNumber, RadiusSession, UsageRecord


def _insert(session: AsyncSession, model):
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


async def imei_of(session: AsyncSession, phone_number_id: str) -> str | None:
    result = await session.execute(select(DataPlan.imei).where(DataPlan.phone_number_id == phone_number_id))
    return result.scalar_one_or_none()


async def plans_for(session: AsyncSession, numbers: Sequence[str]) -> dict[str, tuple[DataPlan | None, PhoneNumber]]:
    """Account numbers among `numbers`, each with its plan (None when it has none yet)."""
    result = await session.execute(
        select(PhoneNumber, DataPlan)
        .outerjoin(DataPlan, DataPlan.phone_number_id == PhoneNumber.id)
        .where(PhoneNumber.number.in_(list(numbers)))
    )
    return {row.number: (plan, row) for row, plan in result.all()}


async def get_plan(session: AsyncSession, phone_number_id: str) -> DataPlan | None:
    return await session.get(DataPlan, phone_number_id)


async def insert_new_records(session: AsyncSession, records: list[dict]) -> set[str]:
    """Insert usage records, skipping ids already stored; returns the ids that were new."""
    if not records:
        return set()
    # Core executemany of one cached statement (SQLAlchemy batches it into multi-row INSERTs, "insertmanyvalues"),
    # not the ORM and not .values(list), whose per-call compile of N value tuples dominated the profile.
    table = UsageRecord.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["record_id"]).returning(table.c.record_id)
    return set((await session.execute(stmt, records)).scalars().all())


async def get_radius_session(session: AsyncSession, session_id: str, number: str) -> RadiusSession | None:
    return await session.get(RadiusSession, (session_id, number))


async def radius_sessions(
    session: AsyncSession, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], RadiusSession]:
    """The stored sessions among `keys` (session id, number), in one query."""
    if not keys:
        return {}
    ids = list({k[0] for k in keys})
    result = await session.execute(select(RadiusSession).where(RadiusSession.session_id.in_(ids)))
    wanted = set(keys)
    return {(r.session_id, r.number): r for r in result.scalars().all() if (r.session_id, r.number) in wanted}
