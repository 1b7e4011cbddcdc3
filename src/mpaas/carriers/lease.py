"""The bind lease: at most one process holds the carrier binds at a time.

On PostgreSQL the lease is a session-level advisory lock on a dedicated connection: it is released the
moment the holder's connection ends, so a killed holder frees it at once (the kernel closes its socket;
PostgreSQL drops the session and its locks). On SQLite, whose deployments are one machine, it is an
exclusive `flock` on a file beside the database, released by the kernel when the holder dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

from mpaas.core.jobs.wakeups import libpq_dsn

log = logging.getLogger("mpaas.lease")

LEASE_NAME = "mpaas carrier binds"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock (Python's hash() changes per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class BindLease(Protocol):
    async def try_acquire(self) -> bool: ...  # True when this process now holds the lease

    async def still_held(self) -> bool: ...  # False once the lease is lost (its connection gone)

    async def release(self) -> None: ...


class AdvisoryLockLease:
    def __init__(self, sqlalchemy_url: str, name: str = LEASE_NAME):
        self.dsn = libpq_dsn(sqlalchemy_url)
        self.key = advisory_key(name)
        self._conn: psycopg.AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                # Keepalives on both ends, so silence ends the session within ~11 s instead of the kernels'
                # default two hours: the client's notice a dead server or network (the holder unbinds), the
                # server's (set for this session through `options`) notice a holder whose host died without
                # closing its socket, and release the lock for the standby.
                self._conn = await psycopg.AsyncConnection.connect(
                    self.dsn,
                    autocommit=True,
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=3,
                    application_name="mpaas gateway",
                    options="-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3",
                )
            row = await (await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))).fetchone()
            return bool(row and row[0])
        except Exception as exc:
            log.warning("bind lease: cannot reach PostgreSQL: %r", exc)
            await self._drop()
            return False

    async def still_held(self) -> bool:
        if self._conn is None or self._conn.closed:
            return False
        try:
            # The lock lives exactly as long as this session; a query that succeeds proves the session.
            await self._conn.execute("SELECT 1")
            return True
        except Exception as exc:
            log.error("bind lease lost with its connection: %r", exc)
            await self._drop()
            return False

    async def release(self) -> None:
        if self._conn is not None and not self._conn.closed:
            try:
                await self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except Exception:
                pass
        await self._drop()

    async def _drop(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.close()
            except Exception:
                pass
        self._conn = None


class FileLockLease:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a curious operator
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def lease_for(database_url: str) -> BindLease:
    if database_url.startswith("sqlite"):
        database = make_url(database_url).database or "mpaas.db"
        return FileLockLease(Path(f"{database}.gateway-lock"))
    return AdvisoryLockLease(database_url)
