"""What carriers report back, stored before the connector acknowledges it: delivery receipts and inbound
messages. The gateway hands a PipelineEvents to the connector it binds (the connector sees the
carriers/base.py CarrierEvents protocol), and the submit handler (messaging/jobs.py SubmitBatch) parks with
it the receipts of parts it has submitted but not yet recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from mpaas.carriers.base import InboundRefused
from mpaas.core.clock import Clock
from mpaas.core.db.database import Database
from mpaas.core.errors import ApiError
from mpaas.core.jobs.queue import JobQueue
from mpaas.messaging import bulk, service
from mpaas.messaging.schemas import InboundRequest

Key = tuple[str, str]  # (carrier, the carrier's id of one part)
Parked = list[tuple[bulk.Receipt, asyncio.Future]]  # receipts, each with the future its reporter awaits


class PipelineEvents:
    """What carriers report, written durably before the connector acknowledges it (the connector awaits
    these calls before answering the SMSC). Receipts are group-committed: concurrent reports share one
    transaction, and each caller returns once its receipt is stored.

    A receipt for a part this process has submitted but not yet recorded (the submit batch is still waiting
    for the rest of its responses) is parked instead, and the batch's own transaction stores it with the
    submit. Written alone it would be an early receipt: inserted, then read back, deleted and applied when
    the submit is recorded. With a carrier that answers in milliseconds that was nearly every receipt."""

    def __init__(self, db: Database, clock: Clock, jobs: JobQueue, max_group: int = 500, gather_seconds: float = 0.002):
        self.db = db
        self.clock = clock
        self.jobs = jobs
        self.max_group = max_group
        self.gather_seconds = gather_seconds
        self._pending: Parked = []
        self._flusher: asyncio.Task | None = None
        self._awaited: dict[Key, Parked] = {}  # (carrier, part id) in flight -> receipts parked

    async def on_receipt(self, carrier: str, carrier_message_id: str, state: str, error_code: str | None) -> None:
        future = asyncio.get_running_loop().create_future()
        receipt = bulk.Receipt(carrier, carrier_message_id, state, error_code)
        parked = self._awaited.get((carrier, carrier_message_id))
        if parked is not None:
            parked.append((receipt, future))
        else:
            self._queue([(receipt, future)])
        await future

    def expect(self, keys: Iterable[Key]) -> None:
        """Parts just accepted by a carrier, (carrier, part id): their receipts wait for `take`."""
        for key in keys:
            self._awaited.setdefault(key, [])

    def take(self, keys: Iterable[Key]) -> Parked:
        """The receipts parked for `keys`, which are no longer awaited. Whoever takes them stores them and
        then calls `stored`, or hands them back through `requeue`.

        A receipt for one of `keys` still waiting in the group to be written is taken too: it came before its
        key was expected (the connector ran the receipt's task before the submit's caller resumed), and written
        alone it would be an early receipt, stored and read back by the very transaction that takes it here."""
        keys = list(keys)
        if self._pending:
            wanted = set(keys)
            waiting: Parked = []
            for report in self._pending:
                receipt = report[0]
                key = (receipt.carrier, receipt.carrier_message_id)
                if key in wanted and key in self._awaited:
                    self._awaited[key].append(report)
                else:
                    waiting.append(report)
            self._pending = waiting
        taken: Parked = []
        for key in keys:
            taken += self._awaited.pop(key, ())
        return taken

    def unanswered(self, keys: Iterable[Key]) -> bool:
        """Whether some of `keys` (expected) has no receipt here yet, parked or waiting to be written."""
        pending = {(r.carrier, r.carrier_message_id) for r, _ in self._pending} if self._pending else ()
        return any(not self._awaited.get(key) and key not in pending for key in keys)

    @staticmethod
    def stored(parked: Parked) -> None:
        for _, future in parked:
            if not future.done():
                future.set_result(None)

    def requeue(self, parked: Parked) -> None:
        """Receipts taken but not stored (the batch's transaction failed): written the usual way."""
        if parked:
            self._queue(parked)

    def _queue(self, reports: Parked) -> None:
        self._pending += reports
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(self.gather_seconds)  # let concurrent reports join the group
        while self._pending:
            group, self._pending = self._pending[: self.max_group], self._pending[self.max_group :]
            try:
                async with self.db.write() as session:
                    await bulk.apply_receipts(session, [r for r, _ in group], self.clock.now())
            except Exception as exc:  # the SMSC is not acknowledged, so it will send the receipt again
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in group:
                if not future.done():
                    future.set_result(None)
            self.jobs.notify()

    async def on_inbound(self, carrier: str, source: str, destination: str, body: str) -> None:
        """Stored before the connector acknowledges it. A message the platform refuses (a 4xx of
        receive_inbound: no such number, Parked or Cancelled, Data-Only) raises InboundRefused, which the
        connector answers with a permanent error; anything else (the database) is retried by the carrier."""
        try:
            async with self.db.write() as session:
                await service.receive_inbound(
                    session, InboundRequest(From=source, To=destination, Body=body), self.clock.now()
                )
        except ApiError as exc:
            if 400 <= exc.status < 500:
                raise InboundRefused(exc.message) from None
            raise
        self.jobs.notify()
