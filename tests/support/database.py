"""The database each test runs on.

SQLite (the default): one migrated template per session, copied into each test's directory. PostgreSQL
(MPAAS_TEST_DATABASE_URL): one database reset per test (DROP SCHEMA, then the real migrations). Under
pytest-xdist every worker gets a database of its own, named after the URL's database and the worker
(`test` -> `test_gw0`, `test_gw1`), created on first use, so workers never reset each other's schema."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mpaas.core.db import migrate
from mpaas.core.db.database import sync_url
from mpaas.core.jobs.wakeups import libpq_dsn

URL_VARIABLE = "MPAAS_TEST_DATABASE_URL"


def xdist_worker() -> str | None:
    """`gw0`, `gw1`, ... in a pytest-xdist worker; None in a plain run (and in the xdist controller)."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def per_worker_name(name: str) -> str:
    """`name` suffixed with this xdist worker's id (`name_gw0`), or unchanged outside xdist."""
    worker = xdist_worker()
    return f"{name}_{worker}" if worker else name


def configured_database_url() -> str | None:
    """The PostgreSQL URL the tests use, or None for the SQLite default."""
    return os.environ.get(URL_VARIABLE) or None


def psycopg_url_or_skip() -> str:
    """The configured PostgreSQL URL (postgresql+psycopg), or skip: for tests of mechanisms that exist on
    PostgreSQL only (the driver pool, the idle ping); they run in .ci/run's PostgreSQL pass."""
    url = configured_database_url()
    if url is None or not url.startswith("postgresql+psycopg"):
        pytest.skip("PostgreSQL only (MPAAS_TEST_DATABASE_URL)")
    return url


def claim_worker_database() -> None:
    """In an xdist worker on PostgreSQL: point MPAAS_TEST_DATABASE_URL at this worker's own database,
    creating it if it does not exist. Everything that reads the variable (the `settings` fixture, the
    process tests' `postgres_url_or_skip`, tests that connect directly) then uses that database."""
    url = configured_database_url()
    if url is None or not url.startswith("postgresql") or xdist_worker() is None:
        return
    name = per_worker_name(make_url(url).database or "test")
    create_database_if_missing(url, name)
    os.environ[URL_VARIABLE] = with_database(url, name)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_database_if_missing(url: str, name: str) -> None:
    """CREATE DATABASE `name` on the server of `url` (connecting to url's own database) unless it exists."""
    with psycopg.connect(libpq_dsn(url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            try:
                conn.execute(f'CREATE DATABASE "{name}"')
            except psycopg.errors.DuplicateDatabase:  # another run created it a moment ago
                pass


def reset_database(url: str) -> None:
    """An empty public schema, then the real Alembic history."""
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    engine.dispose()
    migrate.upgrade(url)
