"""The one-hop and inline aiosqlite dialects behave as the stock one: rows, row counts, RETURNING,
executemany, errors, streaming; a read costs one trip to the connection's thread and a write none."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from mpaas.core.db.database import Database
from mpaas.core.db.sqlite_driver import DRIVER, INLINE_DRIVER, inline_url, one_hop_url


def test_only_aiosqlite_urls_are_rewritten():
    assert one_hop_url("sqlite+aiosqlite:////tmp/a.db") == f"sqlite+{DRIVER}:////tmp/a.db"
    assert one_hop_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert inline_url("sqlite+aiosqlite:////tmp/a.db") == f"sqlite+{INLINE_DRIVER}:////tmp/a.db"
    assert inline_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'mpaas.db'}")
    async with database.write() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield database
    await database.dispose()


async def test_writes_use_the_inline_dialect_and_reads_the_one_hop_one(db):
    assert db.write_engine.dialect.driver == INLINE_DRIVER
    assert db.read_engine.dialect.driver == DRIVER
    assert db.quick_read_engine.dialect.driver == INLINE_DRIVER  # quick reads: inline, as writes


async def test_rows_counts_returning_and_executemany(db):
    async with db.write() as session:
        await session.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "a"}, {"n": "b"}, {"n": "c"}])
        returned = (await session.execute(text("INSERT INTO t (name) VALUES ('d') RETURNING id, name"))).all()
        assert [tuple(r) for r in returned] == [(4, "d")]
        updated = await session.execute(text("UPDATE t SET name = name || '!' WHERE id <= 2"))
        assert updated.rowcount == 2
    async with db.read() as session:
        rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a!"), (2, "b!"), (3, "c"), (4, "d")]
        assert (await session.execute(text("SELECT name FROM t WHERE id = 99"))).first() is None
        streamed = await session.stream(text("SELECT id FROM t ORDER BY id"))  # the server-side cursor
        assert [row.id async for row in streamed] == [1, 2, 3, 4]


async def test_errors_reach_sqlalchemy_as_dbapi_errors_and_roll_back(db):
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('x')"))
            await session.execute(text("INSERT INTO t (name) VALUES ('x')"))
    with pytest.raises(OperationalError):
        async with db.read() as session:
            await session.execute(text("SELECT nope FROM t"))
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 0


async def test_a_read_statement_is_one_trip_to_the_connection_thread(db, trips):
    async with db.read() as session:
        await session.execute(text("SELECT 1"))  # the connection and BEGIN come with the first statement
        before = trips["n"]
        await session.execute(text("SELECT id, name FROM t"))
        assert trips["n"] - before == 1  # the stock adapter: cursor, execute, fetchall, close = 4


@pytest.fixture
def trips(monkeypatch):
    """How many calls went to a connection's thread ("n"), and on which aiosqlite connection each ("on")."""
    import aiosqlite

    count = {"n": 0, "on": []}
    original = aiosqlite.Connection._execute

    async def counting(self, fn, *args, **kwargs):
        count["n"] += 1
        count["on"].append(self)
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return count


async def test_a_write_transaction_never_leaves_the_event_loop_thread(db, trips):
    async with db.write() as session:  # opens the pool's connection (a hop of aiosqlite's own, uncounted)
        await session.execute(text("SELECT 1"))
    before = len(trips["on"])
    async with db.write() as session:
        writer = (await (await session.connection()).get_raw_connection()).driver_connection
        await session.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "a"}, {"n": "b"}])
        rows = (await session.execute(text("UPDATE t SET name = name || '!' RETURNING name"))).all()
    # BEGIN IMMEDIATE, the statements and COMMIT ran right here. (Counted on this connection only: a call of
    # some other connection's, such as one an earlier test left to the garbage collector, once made CI count
    # one more.)
    assert [c for c in trips["on"][before:] if c is writer] == []
    assert sorted(r.name for r in rows) == ["a!", "b!"]
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 2


async def test_an_inline_write_rolls_back_on_error_and_the_connection_stays_usable(db):
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('gone')"))
            raise RuntimeError("abort")
    async with db.write() as session:
        await session.execute(text("INSERT INTO t (name) VALUES ('kept')"))
    async with db.read() as session:
        assert [r.name for r in (await session.execute(text("SELECT name FROM t"))).all()] == ["kept"]


async def test_a_quick_read_never_leaves_the_event_loop_thread(db, trips):
    async with db.write() as session:
        await session.execute(text("INSERT INTO t (name) VALUES ('a')"))
    async with db.quick_read() as session:  # opens the pool's connection (a hop of aiosqlite's own, uncounted)
        await session.execute(text("SELECT 1"))
    before = len(trips["on"])
    async with db.quick_read() as session:
        reader = (await (await session.connection()).get_raw_connection()).driver_connection
        rows = (await session.execute(text("SELECT name FROM t"))).all()
    # BEGIN, the statement and the end of the transaction ran right here, on no thread of the connection's.
    assert [c for c in trips["on"][before:] if c is reader] == []
    assert [r.name for r in rows] == ["a"]


async def test_a_quick_read_takes_no_write_lock_and_sees_only_what_was_committed(db):
    async with db.write() as writer:  # holds SQLite's one write lock until the block ends
        await writer.execute(text("INSERT INTO t (name) VALUES ('pending')"))
        async with db.quick_read() as session:  # a plain BEGIN: it does not wait for the writer
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    async with db.quick_read() as session:
        assert (await session.execute(text("SELECT name FROM t"))).scalar() == "pending"
