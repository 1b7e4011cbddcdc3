"""The gateway role: hold the carrier binds under the bind lease and submit messages through them.

Only the lease holder connects to carriers and claims submit jobs, so a bind has exactly one holder across
all processes. A standby gateway retries the lease every second; when the holder dies its lease goes with
it, the standby takes it, makes the dead holder's claimed submits claimable at once, binds and carries on.
What the dead holder had sent but not yet recorded is sent again: the at-most-twice the crash test counts.
"""

from __future__ import annotations

import asyncio
import logging

from mpaas.carriers.lease import BindLease, lease_for
from mpaas.core.jobs.queue import Worker
from mpaas.roles.platform import Platform

log = logging.getLogger("mpaas.gateway")

LEASE_RETRY_SECONDS = 1.0
LEASE_CHECK_SECONDS = 2.0


class Gateway:
    def __init__(self, platform: Platform, lease: BindLease | None = None):
        self.platform = platform
        self.lease = lease or lease_for(platform.settings.resolved_database_url())
        self.connector = None  # while holding the lease
        self.holding = False
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._worker: Worker | None = None
        self._worker_task: asyncio.Task | None = None
        self._built_here = False

    async def start(self) -> None:
        """Try the lease once now, so a process that can hold the binds has them up before it serves;
        then keep holding (or keep trying) in the background."""
        held = await self._try_take()
        self._task = asyncio.create_task(self.run(already_holding=held), name="mpaas-gateway")

    async def run(self, already_holding: bool = False) -> None:
        holding = already_holding
        while not self._stopping.is_set():
            if holding:
                try:
                    await self._watch()
                finally:
                    await self._let_go()
                holding = False
            await self._pause(LEASE_RETRY_SECONDS)
            if not self._stopping.is_set():
                holding = await self._try_take()

    async def _try_take(self) -> bool:
        if not await self.lease.try_acquire():
            return False
        try:
            await self._take()
            return True
        except Exception:  # a connector that cannot start: let another gateway try, then retry
            log.exception("holding the carrier binds failed")
            await self._let_go()
            return False

    async def _take(self) -> None:
        from mpaas.messaging.pipeline import PipelineEvents, batch_handlers, connector_of
        from mpaas.messaging.service import SUBMIT_JOB

        platform, settings = self.platform, self.platform.settings
        submits = frozenset({SUBMIT_JOB})
        released = await platform.jobs.release_running(submits)
        log.warning("holding the carrier binds (took over %d in-flight submits)", released)
        # A connector put in place beforehand (tests, embedding) is used as is; otherwise one is built from
        # the settings now and dropped when the lease ends, so a new holding starts from fresh binds.
        self._built_here = "connector" not in platform.extras
        connector = connector_of(platform)
        events = platform.extras["pipeline_events"] = PipelineEvents(platform)  # the submit handler parks with it
        await connector.start(events)
        self.connector, self.holding = connector, True
        handlers = batch_handlers(platform)
        self._worker = Worker(
            platform.jobs,
            {},
            poll_seconds=settings.worker_poll_seconds,
            batch_size=settings.worker_batch_size,
            kinds=submits,
            batch_handlers={SUBMIT_JOB: handlers[SUBMIT_JOB]},
        )
        self._worker_task = asyncio.create_task(self._worker.run(), name="mpaas-gateway-submits")

    async def _watch(self) -> None:
        while not self._stopping.is_set() and not self._worker_task.done():
            await self._pause(LEASE_CHECK_SECONDS)
            if not await self.lease.still_held():
                # Another gateway may hold the binds by now: stop submitting at once.
                log.error("bind lease lost; unbinding and standing by")
                return

    async def _let_go(self) -> None:
        self.holding = False
        if self._worker is not None:
            await self._worker.stop()
            self._worker_task.cancel()
            try:
                await self._worker_task
            except (asyncio.CancelledError, Exception):
                pass
            self._worker = self._worker_task = None
        if self.connector is not None:
            try:
                await self.connector.stop()
            finally:
                self.connector = None
                if self._built_here:
                    self.platform.extras.pop("connector", None)
        await self.lease.release()

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                log.exception("gateway stopped with an error")
