"""core/db/pgdriver.py: the short reads' own PostgreSQL connections (autocommit, a small pool)."""

from __future__ import annotations

import asyncio

import pytest

from mpaas.core.db import keyreads, pgdriver
from mpaas.core.db.database import Database
from support.database import psycopg_url_or_skip


@pytest.fixture
async def db():
    database = Database(psycopg_url_or_skip())
    yield database
    await database.dispose()


async def _terminate(db: Database, pid: int) -> None:
    from sqlalchemy import text

    async with db.write_engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def test_each_statement_is_its_own_transaction(db):
    pool = pgdriver.pool_of(db)
    assert pool is not None
    (status,) = (await pool.rows("SELECT current_setting('transaction_isolation')", ()))[0]
    assert status == "read committed"
    first = (await pool.rows("SELECT txid_current_if_assigned(), now()", ()))[0]
    second = (await pool.rows("SELECT txid_current_if_assigned(), now()", ()))[0]
    assert first[0] is None and first[1] != second[1]  # no transaction spans two statements


async def test_a_dropped_connection_is_replaced(db):
    pool = pgdriver.pool_of(db)
    (pid,) = (await pool.rows("SELECT pg_backend_pid()", ()))[0]
    await _terminate(db, pid)
    await asyncio.sleep(0.1)
    (again,) = (await pool.rows("SELECT pg_backend_pid()", ()))[0]  # sent again on a new connection
    assert again != pid


async def test_concurrent_reads_share_a_bounded_pool(db):
    pool = pgdriver.pool_of(db)
    pids = await asyncio.gather(*(pool.rows("SELECT pg_backend_pid(), pg_sleep(0.05)", ()) for _ in range(12)))
    assert 1 <= len({rows[0][0] for rows in pids}) <= pgdriver.POOL_SIZE


async def test_dispose_closes_the_connections(db):
    pool = pgdriver.pool_of(db)
    (pid,) = (await pool.rows("SELECT pg_backend_pid()", ()))[0]
    await db.dispose()
    other = Database(db.url)
    try:
        from sqlalchemy import text

        for _ in range(50):
            async with other.write_engine.connect() as connection:
                alive = (
                    await connection.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                    )
                ).scalar()
            if not alive:
                break
            await asyncio.sleep(0.05)
        assert not alive
    finally:
        await other.dispose()


async def test_key_reads_run_on_it_as_before(db):
    from sqlalchemy import bindparam, literal, select

    statement = select(literal(1).label("one"), bindparam("b_value").label("value"))
    assert await keyreads.rows(db, statement, {"b_value": "x"}) == [(1, "x")]
