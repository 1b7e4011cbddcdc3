"""What a request handler is given, by type: its transaction, the clock, the settings and the platform.

Handlers declare what they need with these `Annotated` types and stay thin: they never open a session
themselves. The caller (`auth.dependencies.Caller`) is declared before the session, so an unauthenticated
request is refused before it takes the write lock.

- `WriteSession`: one transaction that may write. It commits after the handler returns and before the
  response is sent (`scope="function"`), so a 200 means committed; an exception rolls it back and becomes
  the error envelope. When the transaction wrote jobs (`core.jobs.queue.jobs_written`), this process's
  workers (and on PostgreSQL every other process's) are woken once it has committed.
- `ReadSession`: a read that may scan (searches, lists, reports); on SQLite it runs off the event loop.
- `QuickReadSession`: a read of a few rows by key, on the hot paths (`Database.quick_read`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings
from mpaas.core.clock import Clock
from mpaas.core.jobs.queue import jobs_written
from mpaas.roles.platform import Platform


def platform_of(request: Request) -> Platform:
    return request.app.state.platform


# The dependencies below are `async def` although they do no I/O: FastAPI runs a plain `def` dependency in its
# thread pool, a thread hop each (66 us of CPU and 220 us of wall time per hop, measured on the 2-core dev machine).
# POST /v1.0/message/outbound with `PlatformDep` and `Now` as plain functions used 10-23% more CPU per request than
# with them async (in-process A/B, variants alternating over 8 rounds of 200 sends, 1 and 20 recipients, 3 runs).
# `platform_of` stays a plain function for callers that are not dependencies.
async def _platform(request: Request) -> Platform:
    return request.app.state.platform


PlatformDep = Annotated[Platform, Depends(_platform)]


async def _write_session(platform: PlatformDep) -> AsyncIterator[AsyncSession]:
    async with platform.db.write() as session:
        yield session
    if jobs_written(session):
        platform.jobs.notify()


async def _read_session(platform: PlatformDep) -> AsyncIterator[AsyncSession]:
    async with platform.db.read() as session:
        yield session


async def _quick_read_session(platform: PlatformDep) -> AsyncIterator[AsyncSession]:
    async with platform.db.quick_read() as session:
        yield session


async def _clock(platform: PlatformDep) -> Clock:
    return platform.clock


async def _now(platform: PlatformDep) -> datetime:
    return platform.clock.now()


async def _settings(platform: PlatformDep) -> Settings:
    return platform.settings


# scope="function": the transaction ends when the handler returns, before the response is built and sent.
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
QuickReadSession = Annotated[AsyncSession, Depends(_quick_read_session, scope="function")]
ClockDep = Annotated[Clock, Depends(_clock)]
Now = Annotated[datetime, Depends(_now)]
SettingsDep = Annotated[Settings, Depends(_settings)]
