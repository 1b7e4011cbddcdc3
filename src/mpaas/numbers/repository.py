"""SQL for the number inventory, its per-area stock, account numbers and orders.

Claiming is one UPDATE ... WHERE status='available' ... RETURNING: atomic on SQLite (the write
transaction holds the lock) and on PostgreSQL (SKIP LOCKED picks a row nobody else is claiming, and
the outer status check settles any race)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.errors import ApiError, bad_request
from mpaas.models import (
    Base,
    DataPlan,
    InventoryNumber,
    NumberAreaStock,
    NumberE911,
    NumberOrder,
    NumberVoicemail,
    PhoneNumber,
)
from mpaas.models.numbers import ASSIGNED, AVAILABLE


def _first_available_by_index(stmt, area_code: str | None, zipcode: str | None):
    """Make a search without AreaCode or ZipCode read the (status, area_code) index in order.

    Without an ORDER BY, PostgreSQL plans a Seq Scan + LIMIT, which reads past every row ahead of the first
    available one in the table's physical order; and since unfiltered claims take exactly that row, assigned
    rows pile up at the front. When scans start at block 0 (a table under a quarter of shared_buffers, or
    synchronize_seqscans off), 3M assigned numbers of 10M made an unfiltered claim take ~275 ms
    (bench/README.md). Ordering by the index's second column makes both databases start at the first
    available index entry. A search by area or ZIP already uses its own index."""
    if area_code or zipcode:
        return stmt
    return stmt.order_by(InventoryNumber.area_code)


def _capability_filter(model, message_enabled: bool, voice_enabled: bool) -> list:
    conditions = []
    if message_enabled:
        conditions.append(model.message_capable.is_(True))
    if voice_enabled:
        conditions.append(model.voice_capable.is_(True))
    return conditions


async def claim_one(
    session: AsyncSession,
    now: datetime,
    *,
    message_enabled: bool,
    voice_enabled: bool,
    area_code: str | None = None,
    zipcode: str | None = None,
    number: str | None = None,
) -> InventoryNumber | None:
    """Take one available number matching the filter, or None when there is none."""
    conditions = [
        InventoryNumber.status == AVAILABLE,
        *_capability_filter(InventoryNumber, message_enabled, voice_enabled),
    ]
    if area_code:
        conditions.append(InventoryNumber.area_code == area_code)
    if zipcode:
        conditions.append(InventoryNumber.zipcode == zipcode)
    if number:
        # A named number waits for a concurrent claimer instead of skipping it, so the loser sees the
        # winner's committed row ("already in use"), not a row that merely looked busy.
        target = InventoryNumber.number == number
    else:
        pick = _first_available_by_index(select(InventoryNumber.number).where(*conditions), area_code, zipcode)
        target = InventoryNumber.number == pick.limit(1).with_for_update(skip_locked=True).scalar_subquery()
    stmt = (
        update(InventoryNumber)
        .where(target, *conditions)
        .values(status=ASSIGNED, updated_at=now)
        .returning(InventoryNumber)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is not None:
        await adjust_stock(session, row, -1)
    return row


async def adjust_stock(session: AsyncSession, row: InventoryNumber, delta: int) -> None:
    """Add `delta` to the available count of the row's stock key, in the caller's transaction.

    An increment upserts: a number returning to the inventory may be the first of its key ever to be
    available (a ported-in number the inventory did not have gets a row of its own, ngp PORT), and a
    plain UPDATE would miss it. A decrement always follows the claim of an available number, so its key
    exists."""
    if delta > 0:
        await _add_to_stock(session, row, delta)
        return
    key = and_(
        NumberAreaStock.ngp == row.ngp,
        NumberAreaStock.area_code == row.area_code,
        NumberAreaStock.zipcode == row.zipcode,
        NumberAreaStock.number_type == row.number_type,
        NumberAreaStock.message_capable == row.message_capable,
        NumberAreaStock.voice_capable == row.voice_capable,
    )
    await session.execute(update(NumberAreaStock).where(key).values(available=NumberAreaStock.available + delta))


async def _add_to_stock(session: AsyncSession, row: InventoryNumber, delta: int) -> None:
    dialect_insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(NumberAreaStock).values(
        ngp=row.ngp,
        area_code=row.area_code,
        zipcode=row.zipcode,
        number_type=row.number_type,
        message_capable=row.message_capable,
        voice_capable=row.voice_capable,
        available=delta,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["ngp", "area_code", "zipcode", "number_type", "message_capable", "voice_capable"],
        set_={"available": NumberAreaStock.available + stmt.excluded.available},
    )
    await session.execute(stmt)


async def inventory_status(session: AsyncSession, number: str) -> str | None:
    result = await session.execute(select(InventoryNumber.status).where(InventoryNumber.number == number))
    return result.scalar_one_or_none()


async def get_order(session: AsyncSession, order_id: str, account_ids: Sequence[str]) -> NumberOrder | None:
    result = await session.execute(
        select(NumberOrder).where(
            func.lower(NumberOrder.id) == order_id.lower(), NumberOrder.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def find_number(
    session: AsyncSession, account_ids: Sequence[str], *, number: str | None = None, iccid: str | None = None
) -> PhoneNumber | None:
    stmt = select(PhoneNumber).where(PhoneNumber.account_id.in_(account_ids))
    if number:
        stmt = stmt.where(PhoneNumber.number == number)
    if iccid:
        stmt = stmt.where(PhoneNumber.iccid == iccid)
    result = await session.execute(stmt.limit(1))
    return result.scalar_one_or_none()


async def page_numbers(
    session: AsyncSession, account_ids: Sequence[str], *, status: str | None, offset: int, limit: int
) -> tuple[int, list[PhoneNumber]]:
    base = select(PhoneNumber).where(PhoneNumber.account_id.in_(account_ids))
    if status:
        base = base.where(func.lower(PhoneNumber.status) == status.lower())
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    rows = await session.execute(base.order_by(PhoneNumber.created_at, PhoneNumber.number).offset(offset).limit(limit))
    return int(total), list(rows.scalars().all())


async def existing_numbers(session: AsyncSession, numbers: Iterable[str]) -> set[str]:
    result = await session.execute(select(InventoryNumber.number).where(InventoryNumber.number.in_(list(numbers))))
    return set(result.scalars().all())


# --- lifecycle (issue 4) -------------------------------------------------------------------------


async def iccid_holder(session: AsyncSession, iccid: str) -> PhoneNumber | None:
    """The number holding a SIM, in any account (an ICCID is one physical card)."""
    result = await session.execute(select(PhoneNumber).where(PhoneNumber.iccid == iccid).limit(1))
    return result.scalar_one_or_none()


def iccid_taken(iccid: str) -> ApiError:
    """The one answer whoever holds the SIM (the caller, another of its accounts, another distributor): it
    says the ICCID is taken and nothing of who holds it."""
    return bad_request(f"ICCID {iccid} is already assigned to another number.")


async def ensure_iccid_free(session: AsyncSession, iccid: str) -> None:
    if await iccid_holder(session, iccid) is not None:
        raise iccid_taken(iccid)


async def flush_iccid(session: AsyncSession, iccid: str | None) -> None:
    """Write the pending rows now; a concurrent request that took the same ICCID after our check loses to the
    database's unique index (uq_phone_numbers_iccid) with the same 400, not a 500."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if iccid and "iccid" in str(exc.orig).lower():
            raise iccid_taken(iccid) from None
        raise


async def get_inventory(session: AsyncSession, number: str) -> InventoryNumber | None:
    return await session.get(InventoryNumber, number)


async def get_phone_number(session: AsyncSession, phone_number_id: str) -> PhoneNumber | None:
    return await session.get(PhoneNumber, phone_number_id)


async def get_order_by_id(session: AsyncSession, order_id: str) -> NumberOrder | None:
    return await session.get(NumberOrder, order_id)


async def rename_number_refs(session: AsyncSession, old: str, new: str) -> None:
    """Rows keyed by the number's digits follow it to its new MSISDN (swap, replace)."""
    await session.execute(update(DataPlan).where(DataPlan.number == old).values(number=new))


async def return_to_inventory(session: AsyncSession, row: InventoryNumber, now: datetime) -> None:
    """Make an inventory number available again and count it back into its area's stock."""
    result = await session.execute(
        update(InventoryNumber)
        .where(InventoryNumber.number == row.number, InventoryNumber.status != AVAILABLE)
        .values(status=AVAILABLE, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        await adjust_stock(session, row, +1)


async def detach_number(session: AsyncSession, row: PhoneNumber) -> None:
    """Delete an account number and what hangs off it. Our own side tables go with it; any other table
    that points at the number (a catalog subscription, say) keeps its row with the reference cleared."""
    for model in (DataPlan, NumberE911, NumberVoicemail):
        await session.execute(delete(model).where(model.phone_number_id == row.id))
    own = {"data_plans", "number_e911", "number_voicemail"}
    for table in Base.metadata.tables.values():
        if table.name in own:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "phone_numbers" and fk.parent.nullable:
                await session.execute(table.update().where(fk.parent == row.id).values({fk.parent.name: None}))
    await session.execute(
        delete(PhoneNumber).where(PhoneNumber.id == row.id).execution_options(synchronize_session=False)
    )
    if row in session:
        session.expunge(row)


async def release_number(session: AsyncSession, row: PhoneNumber, now: datetime) -> None:
    """A cancelled number leaves the account and becomes available to provision again."""
    inventory_row = await get_inventory(session, row.number)
    await detach_number(session, row)
    if inventory_row is not None:
        await return_to_inventory(session, inventory_row, now)
