"""Loading rows into the number inventory, keeping the per-area stock aggregate exact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.db.database import Database
from mpaas.models import InventoryNumber, NumberAreaStock
from mpaas.numbers.inventory.data import InventoryRow

BATCH = 5_000


def _upsert(dialect_name: str):
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


async def _add_stock(session: AsyncSession, counts: Counter) -> None:
    if not counts:
        return
    dialect_insert = _upsert(session.bind.dialect.name)
    rows = [
        {
            "ngp": k[0],
            "area_code": k[1],
            "zipcode": k[2],
            "number_type": "mobile",
            "message_capable": True,
            "voice_capable": True,
            "available": n,
        }
        for k, n in counts.items()
    ]
    stmt = dialect_insert(NumberAreaStock).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["ngp", "area_code", "zipcode", "number_type", "message_capable", "voice_capable"],
        set_={"available": NumberAreaStock.available + stmt.excluded.available},
    )
    await session.execute(stmt)


async def existing_numbers(db: Database) -> set[str]:
    async with db.read() as session:
        return set((await session.execute(select(InventoryNumber.number))).scalars().all())


async def inventory_is_empty(db: Database) -> bool:
    """Whether the inventory has no number at all: one index probe, where a count would read every row
    (half a second at 10M numbers, on every start)."""
    async with db.read() as session:
        return (await session.execute(select(InventoryNumber.number).limit(1))).first() is None


async def load(
    db: Database, rows: Iterable[InventoryRow], now: datetime, progress: Callable[[int], None] | None = None
) -> int:
    """Insert new available numbers in batches (one transaction each); numbers already present are skipped.
    Returns how many were added."""
    known = await existing_numbers(db)
    added = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        fresh = []
        for row in batch:
            if row.number not in known:
                known.add(row.number)
                fresh.append(row)
        if fresh:
            async with db.write() as session:
                await session.execute(
                    insert(InventoryNumber),
                    [
                        {
                            "number": r.number,
                            "ngp": r.ngp,
                            "area_code": r.area_code,
                            "zipcode": r.zipcode,
                            "state": r.state,
                            "rate_center": r.rate_center,
                            "number_type": "mobile",
                            "message_capable": True,
                            "voice_capable": True,
                            "status": "available",
                            "updated_at": now,
                        }
                        for r in fresh
                    ],
                )
                await _add_stock(session, Counter((r.ngp, r.area_code, r.zipcode) for r in fresh))
            added += len(fresh)
        if progress:
            progress(len(batch))
    return added
