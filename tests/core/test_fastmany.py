"""fastmany.executemany stores exactly what SQLAlchemy's own executemany stores: every column type the
pipeline writes (UTC datetimes, JSON, Decimal money, nulls), statement constants, bindparams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, bindparam, or_, select, text, update

from mpaas.core.db import fastmany
from mpaas.models.base import Money, UTCDateTime

metadata = MetaData()
PLAIN = Table(
    "fastmany_plain",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("n", Integer),
    Column("at", UTCDateTime),
    Column("doc", JSON),
    Column("cost", Money),
    Column("state", String(16)),
)
FAST = Table("fastmany_fast", metadata, *(Column(c.name, c.type, primary_key=c.primary_key) for c in PLAIN.c))

NOW = datetime(2026, 11, 27, 13, 0, 0, 123456, tzinfo=UTC)
ROWS = [
    {"id": "a", "n": 1, "at": NOW, "doc": {"k": [1, "x"], "u": "é"}, "cost": Decimal("0.0075"), "state": "Queued"},
    {
        "id": "b",
        "n": None,
        "at": NOW.astimezone(timezone(timedelta(hours=-7))),
        "doc": None,
        "cost": None,
        "state": "Sent",
    },
    {"id": "c", "n": 3, "at": NOW + timedelta(seconds=1), "doc": [], "cost": Decimal("12.5"), "state": "Queued"},
]


def _update(table):
    """Bindparams from the rows and literal constants of the statement (the OR of open states)."""
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"), or_(table.c.state == "Queued", table.c.state == "Sent"))
        .values(state=bindparam("b_state"), at=bindparam("b_now"), cost=bindparam("b_cost"))
    )


UPDATE_PLAIN, UPDATE_FAST = _update(PLAIN), _update(FAST)
INSERT_FAST = FAST.insert()


@pytest.fixture
async def db(platform):
    await platform.start()
    async with platform.db.write() as session:
        await session.run_sync(lambda s: metadata.create_all(s.connection()))
    yield platform.db
    async with platform.db.write() as session:
        await session.run_sync(lambda s: metadata.drop_all(s.connection()))
    await platform.close()


async def _raw(db, table) -> list[tuple]:
    """The stored values as the database holds them, not as the types read them back."""
    async with db.read() as session:
        names = ", ".join(f"CAST({c.name} AS TEXT)" for c in table.c)
        return [tuple(r) for r in (await session.execute(text(f"SELECT {names} FROM {table.name} ORDER BY id"))).all()]


async def test_inserts_and_updates_store_what_the_plain_path_stores(db):
    later = NOW + timedelta(minutes=5)
    updates = [
        {"b_id": "a", "b_state": "Delivered", "b_now": later, "b_cost": Decimal("0.01")},
        {"b_id": "c", "b_state": "Failed", "b_now": later, "b_cost": None},
        {"b_id": "zz", "b_state": "Failed", "b_now": later, "b_cost": None},
    ]
    async with db.write() as session:
        await session.execute(PLAIN.insert(), ROWS)
        await session.execute(UPDATE_PLAIN, updates)
        await fastmany.executemany(session, INSERT_FAST, ROWS)
        await fastmany.executemany(session, UPDATE_FAST, updates)  # "zz" matches nothing
    assert await _raw(db, FAST) == await _raw(db, PLAIN)
    async with db.read() as session:
        rows = {r.id: r for r in (await session.execute(select(FAST))).all()}
    assert rows["a"].state == "Delivered" and rows["a"].at == later and rows["a"].cost == Decimal("0.01")
    assert rows["b"].at == NOW and rows["b"].doc is None and rows["b"].state == "Sent"
    assert rows["c"].doc == [] and rows["c"].cost is None


async def test_a_statement_serves_other_column_sets_and_empty_batches(db):
    async with db.write() as session:
        await fastmany.executemany(session, INSERT_FAST, [])
        await fastmany.executemany(session, INSERT_FAST, [{"id": "x", "state": "Queued"}])
        await fastmany.executemany(session, INSERT_FAST, [{"id": "y", "n": 7, "at": NOW}])
    async with db.read() as session:
        rows = {r.id: r for r in (await session.execute(select(FAST))).all()}
    assert rows["x"].state == "Queued" and rows["x"].n is None
    assert rows["y"].n == 7 and rows["y"].at == NOW and rows["y"].state is None


async def test_a_failing_batch_raises_and_its_transaction_rolls_back(db):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await fastmany.executemany(session, INSERT_FAST, ROWS[:1])
            await fastmany.executemany(session, INSERT_FAST, ROWS[:1])  # the same primary key again
    assert await _raw(db, FAST) == []
