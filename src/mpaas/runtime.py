"""What runs beside the API in one process: the platform's start-up and the job workers."""

from __future__ import annotations

import asyncio
import logging

from mpaas.core.jobs import Worker
from mpaas.platform import Platform

log = logging.getLogger("mpaas.runtime")


class Runtime:
    def __init__(self, platform: Platform, *, run_workers: bool = True):
        self.platform = platform
        self.run_workers = run_workers
        self.worker: Worker | None = None
        self.connector = None
        self.radius = None  # RADIUS accounting listener, when MPAAS_RADIUS_ADDR is set
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.platform.start()
        if self.platform.settings.radius_addr:
            from mpaas.numbers.radius import RadiusListener

            self.radius = RadiusListener(self.platform)
            await self.radius.start()
        if self.run_workers:
            from mpaas.messaging.pipeline import PipelineEvents, batch_handlers, connector_of, job_handlers

            self.connector = connector_of(self.platform)
            await self.connector.start(PipelineEvents(self.platform))
            s = self.platform.settings
            self.worker = Worker(self.platform.jobs, job_handlers(self.platform),
                                 poll_seconds=s.worker_poll_seconds, batch_size=s.worker_batch_size,
                                 batch_handlers=batch_handlers(self.platform))
            self._task = asyncio.create_task(self.worker.run(), name="mpaas-worker")

    async def stop(self) -> None:
        if self.radius is not None:
            await self.radius.stop()
        if self.worker is not None:
            await self.worker.stop()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        if self.connector is not None:
            await self.connector.stop()
        await self.platform.close()
