"""core/db/keyreads.py on a SQLite file: key reads on a read-only autocommit connection of the module's own, which
sees every commit at once and is closed with the Database."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select, text

from mpaas.core.db import keyreads
from mpaas.core.db.database import Database

T = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))
BY_ID = select(T.c.name).where(T.c.id == bindparam("id"))


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'mpaas.db'}")
    async with database.write() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
        await session.execute(text("INSERT INTO t (id, name) VALUES (1, 'a')"))
    yield database
    await database.dispose()


async def test_a_key_read_sees_each_commit_at_once(db):
    assert await keyreads.rows(db, BY_ID, {"id": 1}) == [("a",)]
    version = keyreads.sqlite_connection(db).execute("PRAGMA data_version").fetchone()
    async with db.write() as session:
        await session.execute(text("UPDATE t SET name = 'b' WHERE id = 1"))
    assert await keyreads.rows(db, BY_ID, {"id": 1}) == [("b",)]
    # numbers/provisioning/search.py keeps results while this does not change: another connection's commit does
    assert keyreads.sqlite_connection(db).execute("PRAGMA data_version").fetchone() != version


async def test_the_connection_is_read_only(db):
    with pytest.raises(sqlite3.OperationalError):
        keyreads.sqlite_connection(db).execute("DELETE FROM t")


async def test_dispose_closes_it(db):
    conn = keyreads.sqlite_connection(db)
    await db.dispose()
    with pytest.raises(sqlite3.ProgrammingError):  # closed, not left to the garbage collector
        conn.execute("SELECT 1")
