"""A database that cannot serve now (no connection to be had, SQLite locked past its wait) is the contract's 503
with a Retry-After, not a 500; the CI saw `too many clients` turn provisions into 500s under load."""

from __future__ import annotations

import sqlite3

import httpx2
import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mpaas.core.db.unavailable import database_unavailable
from mpaas.core.errors import STANDARD_MESSAGES
from mpaas.core.http.server import install_error_handlers
from support.processes import free_port


async def _refused_connection_error() -> BaseException:
    """What SQLAlchemy raises when PostgreSQL cannot be reached: a real attempt on a port nobody listens on."""
    engine = create_async_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
    except Exception as error:  # the error is the point
        return error
    finally:
        await engine.dispose()
    raise AssertionError("connected to a port nobody listens on")


def _locked_sqlite_error(tmp_path) -> sqlite3.OperationalError:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin immediate")
    other = sqlite3.connect(path, timeout=0.01, isolation_level=None)
    try:
        other.execute("begin immediate")
    except sqlite3.OperationalError as error:
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError("took a write lock another connection held")


async def test_a_refused_postgres_connection_is_unavailable():
    error = await _refused_connection_error()
    assert isinstance(error, sa_exc.OperationalError)
    assert database_unavailable(error)


def test_a_locked_sqlite_file_and_a_pool_timeout_are_unavailable(tmp_path):
    assert database_unavailable(_locked_sqlite_error(tmp_path))
    assert database_unavailable(sa_exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached"))


def test_statement_faults_are_not_unavailable():
    psycopg = pytest.importorskip("psycopg")
    assert not database_unavailable(psycopg.errors.SerializationFailure("could not serialize access"))
    assert not database_unavailable(psycopg.errors.UndefinedTable("relation missing"))
    assert not database_unavailable(sqlite3.OperationalError("no such table: numbers"))
    assert not database_unavailable(RuntimeError("kaput"))


async def test_the_edge_answers_an_unavailable_database_with_503_and_retry_after():
    app = FastAPI()
    install_error_handlers(app)
    refused = await _refused_connection_error()

    @app.get("/refused")
    async def refused_route():
        raise refused

    @app.get("/bug")
    async def bug_route():
        raise RuntimeError("kaput")

    transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
        unavailable = await client.get("/refused")
        bug = await client.get("/bug")
    assert unavailable.status_code == 503
    assert unavailable.json() == {"StatusCode": 503, "Message": STANDARD_MESSAGES[503]}
    assert unavailable.headers["retry-after"] == "1"
    assert bug.status_code == 500
