"""Which database failures mean "the database cannot serve now" (retry soon) rather than a fault in mpaas.

A request that cannot get a connection (PostgreSQL's `too many clients`, a restart, the pool's own wait running
out) or finds SQLite locked past its busy timeout has done nothing wrong, and its transaction never began or was
rolled back. It deserves the contract's 503 with a Retry-After, not a 500 that asks the client to report a fault
to the operator. (A connection lost during COMMIT leaves the outcome unknown, as a 500 would; the client
reads back before it retries such a write.) Everything else stays a 500."""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

# SQLSTATE classes of a server that cannot take work now: 08 connection exception, 53 insufficient resources
# (53300 too_many_connections), 57P01-57P03 administrator shutdown, crash shutdown, cannot connect now.
_UNAVAILABLE_CLASSES = ("08", "53")
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03")


def database_unavailable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.TimeoutError):  # the pool's wait for a connection ran out
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.OperationalError):
        return "database is locked" in str(original)
    return _postgres_unavailable(original)


def _postgres_unavailable(error: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the driver ships with mpaas
        return False
    # Only psycopg's OperationalError itself: its subclasses (query cancelled, serialization and deadlock
    # failures) are answers about a statement, which the code that ran it handles or which are real faults.
    if type(error) is not psycopg.OperationalError:
        return False
    state = getattr(error, "sqlstate", None)
    if state is None:  # a connection that failed to open or dropped: psycopg has no SQLSTATE to give
        return True
    return state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_STATES
