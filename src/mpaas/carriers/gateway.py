"""The gateway role: hold the carrier binds under the bind lease and submit messages through them.

Only the lease holder connects to carriers and claims submit jobs, so a bind has exactly one holder across
all processes. A standby gateway retries the lease every second; when the holder dies its lease goes with
it, the standby takes it, makes the dead holder's claimed submits claimable at once, binds and carries on.
What the dead holder had sent but not yet recorded is sent again: the at-most-twice the crash test counts.

While it holds the binds the gateway also runs a periodic task through them, if it is given one (`sweep`: the
receipt sweep, which asks the carriers with query_sm about messages whose receipts never came): only the
holder runs it, so several gateways never sweep at once.

And, given `publish`, it reports its carriers' states (Connector.state) when it takes the binds, at a lease check
when they changed or REPORT_UNCHANGED_SECONDS passed, and an empty list when it lets them go: the console of a process without binds shows
them from there (ops/bind_states.py). A report that fails is logged and never touches the binds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from mpaas.carriers.base import CarrierEvents, Connector
from mpaas.carriers.lease import BindLease
from mpaas.core.jobs.queue import ClaimedJob, JobQueue
from mpaas.core.jobs.worker import BatchHandler, Worker

log = logging.getLogger("mpaas.gateway")

LEASE_RETRY_SECONDS = 1.0
LEASE_CHECK_SECONDS = 2.0
REPORT_UNCHANGED_SECONDS = 6.0  # the binds' state is published at least this often while held (ops/bind_states)

# What the gateway runs through the connector it has just built or been given: the events the connector
# reports to, and the batch handler of the submit jobs, made together (the handler parks receipts with those
# events). The composition point makes them (mpaas/composition.py): this package knows no domain.
SubmitSide = Callable[[Connector], tuple[CarrierEvents, BatchHandler]]
# A periodic task run through the connector while the lease is held: made once per holding, called every
# `sweep_seconds`.
Sweep = Callable[[Connector], Callable[[], Awaitable[object]]]
# Where the holder reports its carriers' states (each a Connector.state() dict; none: it holds no binds).
Publish = Callable[[list[dict]], Awaitable[None]]


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
        publish: Publish | None = None,
        weigh: Callable[[ClaimedJob], int] | None = None,
    ):
        self.jobs = jobs
        self.lease = lease
        self.submit_kinds = frozenset({submit_kind})
        self.submit_side = submit_side
        self.build_connector = build_connector
        self.given_connector = connector
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.weigh = weigh  # what a submit job counts for against the worker's concurrency (its messages)
        self.connector: Connector | None = None  # while holding the lease
        self.holding = False
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._worker: Worker | None = None
        self._worker_task: asyncio.Task | None = None
        self.sweep = sweep
        self.sweep_seconds = sweep_seconds
        self._sweep_task: asyncio.Task | None = None
        self.publish = publish
        self._last_report: tuple[list[dict], float] | None = None  # (states, time.monotonic()) last published

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
            weigh=self.weigh,
        )
        self._worker_task = asyncio.create_task(self._worker.run(), name="mpaas-gateway-submits")
        if self.sweep is not None:
            self._sweep_task = asyncio.create_task(self._sweep_loop(self.sweep(connector)), name="mpaas-gateway-sweep")
        await self._report()

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
            await self._report()

    async def _report(self) -> None:
        """Publish the carriers' states if they changed, or unchanged every REPORT_UNCHANGED_SECONDS (so a reader
        tells a live holder from a dead one's last report without a write every lease check of a quiet system)."""
        if self.publish is None:
            return
        connector = self.connector if self.holding else None
        states: list[dict] = []
        if connector is not None:
            state = connector.state()
            states = state.get("carriers", [state])
        now = time.monotonic()
        last = self._last_report
        if last is not None and last[0] == states and now - last[1] < REPORT_UNCHANGED_SECONDS:
            return
        try:
            await self.publish(states)
            self._last_report = (states, now)
        except Exception:  # the report is for people; the binds carry on without it
            log.warning("could not report the carrier binds' state", exc_info=True)

    async def _let_go(self) -> None:
        was_holding, self.holding = self.holding, False
        if was_holding:
            await self._report()  # an empty report: no process shows these binds as its own any more
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
