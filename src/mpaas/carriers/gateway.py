"""The gateway role: hold the carrier binds under the bind lease and submit messages through them.

Only the lease holder connects to carriers and claims submit jobs, so a bind has exactly one holder across
all processes. A standby gateway retries the lease every second; when the holder dies its lease goes with
it, the standby takes it, makes the dead holder's claimed submits claimable at once, binds and carries on.
What the dead holder had sent but not yet recorded is sent again: the at-most-twice the crash test counts.

While it holds the binds the gateway also runs a periodic task through them, if it is given one (`sweep`: the
receipt sweep, which asks the carriers with query_sm about messages whose receipts never came): only the
holder runs it, so several gateways never sweep at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from mpaas.carriers.base import CarrierEvents, Connector
from mpaas.carriers.lease import BindLease
from mpaas.core.jobs.queue import BatchHandler, JobQueue, Worker

log = logging.getLogger("mpaas.gateway")

LEASE_RETRY_SECONDS = 1.0
LEASE_CHECK_SECONDS = 2.0

# What the gateway runs through the connector it has just built or been given: the events the connector
# reports to, and the batch handler of the submit jobs, made together (the handler parks receipts with those
# events). The composition point makes them (mpaas/composition.py): this package knows no domain.
SubmitSide = Callable[[Connector], tuple[CarrierEvents, BatchHandler]]
# A periodic task run through the connector while the lease is held: made once per holding, called every
# `sweep_seconds`.
Sweep = Callable[[Connector], Callable[[], Awaitable[object]]]


class Gateway:
    """`connector`: one put in place (tests, embedding), used by every holding of the lease; without it each
    holding builds its own with `build_connector` and drops it when the lease ends, so a new holding starts
    from fresh binds."""

    def __init__(
        self,
        jobs: JobQueue,
        lease: BindLease,
        *,
        submit_kind: str,
        submit_side: SubmitSide,
        build_connector: Callable[[], Connector],
        connector: Connector | None = None,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        sweep: Sweep | None = None,
        sweep_seconds: float = 30.0,
    ):
        self.jobs = jobs
        self.lease = lease
        self.submit_kinds = frozenset({submit_kind})
        self.submit_side = submit_side
        self.build_connector = build_connector
        self.given_connector = connector
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.connector: Connector | None = None  # while holding the lease
        self.holding = False
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._worker: Worker | None = None
        self._worker_task: asyncio.Task | None = None
        self.sweep = sweep
        self.sweep_seconds = sweep_seconds
        self._sweep_task: asyncio.Task | None = None

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
        released = await self.jobs.release_running(self.submit_kinds)
        log.warning("holding the carrier binds (took over %d in-flight submits)", released)
        connector = self.given_connector or self.build_connector()
        events, submit = self.submit_side(connector)
        await connector.start(events)
        self.connector, self.holding = connector, True
        self._worker = Worker(
            self.jobs,
            {},
            poll_seconds=self.poll_seconds,
            batch_size=self.batch_size,
            kinds=self.submit_kinds,
            batch_handlers={kind: submit for kind in self.submit_kinds},
        )
        self._worker_task = asyncio.create_task(self._worker.run(), name="mpaas-gateway-submits")
        if self.sweep is not None:
            self._sweep_task = asyncio.create_task(self._sweep_loop(self.sweep(connector)), name="mpaas-gateway-sweep")

    async def _sweep_loop(self, tick: Callable[[], Awaitable[object]]) -> None:
        while not self._stopping.is_set():
            await self._pause(self.sweep_seconds)
            if self._stopping.is_set():
                return
            try:
                await tick()
            except Exception:  # a failed pass is retried at the next tick
                log.exception("gateway sweep failed")

    async def _watch(self) -> None:
        while not self._stopping.is_set() and self._worker_task is not None and not self._worker_task.done():
            await self._pause(LEASE_CHECK_SECONDS)
            if not await self.lease.still_held():
                # Another gateway may hold the binds by now: stop submitting at once.
                log.error("bind lease lost; unbinding and standing by")
                return

    async def _let_go(self) -> None:
        self.holding = False
        if self._sweep_task is not None:
            self._sweep_task.cancel()
            try:
                await self._sweep_task
            except (asyncio.CancelledError, Exception):
                pass
            self._sweep_task = None
        if self._worker is not None:
            await self._worker.stop()
        if self._worker_task is not None:
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
                self.connector = None  # a built one is dropped: the next holding builds its own
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
