"""What runs beside (or instead of) the API in one process, by role.

- worker: runs every durable job except carrier submits (webhooks, receipts, porting, renewals, billing);
- gateway: holds the carrier binds under the bind lease and runs the carrier submits (carriers/gateway.py).

`mpaas serve` runs both beside the API; `mpaas api` neither; `mpaas worker` and `mpaas gateway` one each.
On PostgreSQL every process with a role listens for other processes' job notifications.

What each role runs is made by the composition point (mpaas/composition.py) and handed over as RoleParts:
this package starts and stops it. It imports none of the domains' jobs: the domains' endpoints import
roles.platform (through mpaas.dependencies), so that would be a package cycle (tests/test_architecture.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from mpaas.carriers.base import Connector
from mpaas.carriers.gateway import Gateway
from mpaas.core.jobs.queue import ClaimedJob
from mpaas.core.jobs.worker import BatchHandler, Worker
from mpaas.roles.platform import Platform

log = logging.getLogger("mpaas.roles.runtime")

WORKER, GATEWAY = "worker", "gateway"
ALL_ROLES = frozenset({WORKER, GATEWAY})
PRUNE_EVERY_SECONDS = 600.0  # done jobs past their retention go in batches this often (first one soon after start)
FIRST_PRUNE_SECONDS = 30.0


class Startable(Protocol):
    """Something long-running the worker role starts beside its jobs (the RADIUS accounting listener)."""

    async def start(self) -> object: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class RoleParts:
    """What the roles run, each made only when its role starts."""

    worker_handlers: Callable[[], dict[str, BatchHandler]]  # a batch handler per job kind the worker runs
    gateway_kinds: frozenset[str]  # the kinds only the gateway runs (carrier submits): the worker leaves them
    gateway: Callable[[], Gateway]
    beside_worker: Callable[[], list[Startable]]  # started before the worker's jobs, stopped first
    # What a claimed job counts for against the worker's concurrency: the events a batched callback job carries.
    worker_weigh: Callable[[ClaimedJob], int] | None = None


class Runtime:
    def __init__(
        self,
        platform: Platform,
        parts: RoleParts,
        *,
        run_workers: bool = True,
        roles: frozenset[str] | None = None,
    ):
        self.platform = platform
        self.parts = parts
        self.roles = roles if roles is not None else (ALL_ROLES if run_workers else frozenset())
        self.worker: Worker | None = None
        self.gateway: Gateway | None = None
        self.beside: list[Startable] = []  # beside the worker, when this process is one
        self._task: asyncio.Task | None = None
        self._pruner: asyncio.Task | None = None

    @property
    def run_workers(self) -> bool:
        return bool(self.roles)

    @property
    def connector(self) -> Connector | None:
        """The carrier connector while this process holds the binds, else None."""
        return self.gateway.connector if self.gateway is not None else None

    async def start(self) -> None:
        await self.platform.start()
        if WORKER in self.roles:
            self.beside = self.parts.beside_worker()
            for part in self.beside:
                await part.start()
        if not self.roles:
            return
        self.platform.jobs.listen()
        if WORKER in self.roles:
            s = self.platform.settings
            self.worker = Worker(
                self.platform.jobs,
                {},
                poll_seconds=s.worker_poll_seconds,
                batch_size=s.worker_batch_size,
                batch_handlers=self.parts.worker_handlers(),
                exclude_kinds=self.parts.gateway_kinds,
                weigh=self.parts.worker_weigh,
            )
            self._task = asyncio.create_task(self.worker.run(), name="mpaas-worker")
            if s.job_retention_hours > 0:
                self._pruner = asyncio.create_task(self._prune_forever(), name="mpaas-job-pruner")
        if GATEWAY in self.roles:
            self.gateway = self.parts.gateway()
            await self.gateway.start()

    async def _prune_forever(self) -> None:
        """Done jobs are kept `MPAAS_JOB_RETENTION_HOURS` (for `mpaas jobs list` and debugging), then deleted,
        so the jobs table does not grow with all traffic ever sent."""
        retention = timedelta(hours=self.platform.settings.job_retention_hours)
        delay = FIRST_PRUNE_SECONDS
        while True:
            await asyncio.sleep(delay)
            delay = PRUNE_EVERY_SECONDS
            try:
                removed = await self.platform.jobs.prune_done(retention)
                if removed:
                    log.info("pruned %d done jobs older than %s", removed, retention)
            except Exception:  # a busy or restarting database: try again next time
                log.exception("pruning done jobs failed")

    async def stop(self) -> None:
        await _cancel(self._pruner)
        for part in reversed(self.beside):
            await part.stop()
        if self.gateway is not None:
            await self.gateway.stop()
        if self.worker is not None:
            await self.worker.stop()
        await _cancel(self._task)
        await self.platform.close()


async def _cancel(task: asyncio.Task | None) -> None:
    """Cancel a background task and wait until it has ended, whatever it ended with."""
    if task is not None:
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass
