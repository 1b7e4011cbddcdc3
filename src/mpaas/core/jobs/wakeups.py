"""Cross-process wake-ups for job workers: PostgreSQL LISTEN/NOTIFY.

A process that committed new jobs pokes the channel; every worker process listening on it wakes at
once instead of at its next poll. Like every wake-up this is a hint: a lost notification (a listener
reconnecting, a poke failing) costs one poll interval, never a job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger("mpaas.wakeups")

CHANNEL = "mpaas_jobs"
RECONNECT_SECONDS = 1.0


def libpq_dsn(sqlalchemy_url: str) -> str:
    """postgresql+psycopg://u:p@h/db -> postgresql://u:p@h/db, as psycopg connects."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgWakeups:
    """Pokes and listens on one NOTIFY channel over dedicated autocommit connections (outside the pool,
    so a busy pool never delays a wake-up and a LISTEN never pins a pooled connection)."""

    def __init__(self, sqlalchemy_url: str, channel: str = CHANNEL):
        self.dsn = libpq_dsn(sqlalchemy_url)
        self.channel = channel
        self._poke_conn: psycopg.AsyncConnection | None = None
        self._poking: asyncio.Task | None = None
        self._poke_again = False
        self._listener: asyncio.Task | None = None

    def poke(self) -> None:
        """Send one NOTIFY soon. Pokes that arrive while one is being sent collapse into one more."""
        if self._poking is not None and not self._poking.done():
            self._poke_again = True
            return
        try:
            self._poking = asyncio.get_running_loop().create_task(self._send())
        except RuntimeError:  # no running loop (a synchronous caller): polling covers it
            pass

    async def _send(self) -> None:
        while True:
            self._poke_again = False
            try:
                if self._poke_conn is None or self._poke_conn.closed:
                    self._poke_conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
                await self._poke_conn.execute(f"NOTIFY {self.channel}")
            except Exception as exc:
                log.warning("NOTIFY %s failed (workers will poll): %r", self.channel, exc)
                self._poke_conn = None
                return
            if not self._poke_again:
                return

    def listen(self, on_wake: Callable[[], None]) -> None:
        """Call `on_wake` for every notification until `close()`; reconnects after a lost connection."""
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen(on_wake), name="mpaas-listen")

    async def _listen(self, on_wake: Callable[[], None]) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {self.channel}")
                    on_wake()  # anything committed while we were not listening
                    async for _ in conn.notifies():
                        on_wake()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("LISTEN %s lost (polling meanwhile): %r", self.channel, exc)
            await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        for task in (self._listener, self._poking):
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        self._listener = None
        if self._poke_conn is not None:
            await self._poke_conn.close()
            self._poke_conn = None
