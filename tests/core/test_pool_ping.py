"""core/db/database.py on PostgreSQL: a pooled connection is pinged before use only when it sat idle in the pool
PING_AFTER_IDLE_SECONDS or more (SQLAlchemy's pool_pre_ping pinged on every checkout: one more round trip and one
more PostgreSQL transaction in each of ours), and a dead idle connection is replaced, not handed out."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, text

from mpaas.core.db import database as database_module
from mpaas.core.db.database import Database
from support.database import psycopg_url_or_skip


@pytest.fixture
async def db():
    database = Database(psycopg_url_or_skip(), pool_size=1)
    yield database
    await database.dispose()


def _count_pings(db: Database) -> list[str]:
    pings: list[str] = []
    dialect = db.write_engine.sync_engine.dialect
    original = dialect.do_ping

    def counting(dbapi_connection):
        pings.append("ping")
        return original(dbapi_connection)

    dialect.do_ping = counting  # type: ignore[method-assign]
    return pings


def _age_pooled_connections(db: Database, seconds: float) -> None:
    """Make every connection returned to the pool from now on look idle for `seconds` more."""

    def older(_dbapi_connection, record) -> None:  # runs after the module's own checkin listener
        record.info[database_module._IDLE_SINCE] = (
            record.info.get(database_module._IDLE_SINCE, time.monotonic()) - seconds
        )

    event.listen(db.write_engine.sync_engine, "checkin", older)


async def _backend_pid(db: Database) -> int:
    async with db.write() as session:
        return (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_a_connection_used_a_moment_ago_is_not_pinged_an_idle_one_is(db):
    pings = _count_pings(db)
    first = await _backend_pid(db)  # a new connection: not pinged
    second = await _backend_pid(db)  # back from the pool at once: not pinged
    _age_pooled_connections(db, database_module.PING_AFTER_IDLE_SECONDS)
    third = await _backend_pid(db)  # back at once, still not pinged; returned looking idle long enough
    assert pings == [] and first == second == third
    assert await _backend_pid(db) == first  # idle long enough: pinged, alive, kept
    assert pings == ["ping"]


async def test_a_dead_idle_connection_is_replaced_before_use(db):
    _age_pooled_connections(db, database_module.PING_AFTER_IDLE_SECONDS)
    dead = await _backend_pid(db)
    other = Database(psycopg_url_or_skip(), pool_size=1)
    try:
        async with other.write() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    finally:
        await other.dispose()
    statements: list[str] = []
    event.listen(db.write_engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    replaced = await _backend_pid(db)  # the ping failed: a new connection, and the transaction ran on it
    assert replaced != dead
    assert statements == ["SELECT pg_backend_pid()"]
