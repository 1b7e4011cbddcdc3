"""The webhooks domain's job, `webhook.deliver`: one event to one destination (a route's status callback or
inbound URL, or an account webhook), signed, every attempt recorded. Written wherever an event happens
(messaging/bulk.py status_job, messaging/service.py receive_inbound, webhooks/service.py emit) in the
transaction of the change; the handler is registered by the composition point (mpaas/composition.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import cast

from sqlalchemy import Table

from mpaas.core.clock import Clock
from mpaas.core.db import fastmany
from mpaas.core.db.database import Database
from mpaas.core.http.webhook_sender import WebhookForbidden, WebhookRejected, WebhookSender, WebhookUnreachable
from mpaas.core.jobs.queue import ClaimedJob, JobQueue
from mpaas.models import WebhookAttempt
from mpaas.webhooks.delivery import Destination, TargetResolver, event_body, resolve_all

DELIVER_JOB = "webhook.deliver"
# With backoff capped at 5 minutes, 12 attempts span roughly 10 to 20 minutes of receiver downtime.
DELIVER_MAX_ATTEMPTS = 12

# Core, not ORM (no unit-of-work bookkeeping). A declarative class's __table__ is its Table; SQLAlchemy types it
# as any FromClause.
INSERT_ATTEMPTS = cast(Table, WebhookAttempt.__table__).insert()

# What one attempt leaves: the attempt's row (None when the event goes nowhere), whether to retry, the error.
Attempt = tuple[dict | None, bool, str | None]


class DeliverBatch:
    """The batch handler of `webhook.deliver`: resolve every destination in one read, send concurrently,
    record all attempts in one write."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        queue: JobQueue,
        sender: WebhookSender,
        resolvers: Mapping[str, TargetResolver] = MappingProxyType({}),
    ):
        self.db = db
        self.clock = clock
        self.queue = queue
        self.sender = sender
        self.resolvers = resolvers  # other domains' target kinds (webhooks/delivery.py resolve_all)

    async def __call__(self, jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        async with self.db.quick_read() as session:
            destinations = await resolve_all(session, [job.payload for job in jobs], self.clock.now(), self.resolvers)
        results = await asyncio.gather(*(self._attempt(job, d) for job, d in zip(jobs, destinations, strict=True)))
        failures: list[tuple[ClaimedJob, Exception]] = [
            (job, WebhookRejected(error or "delivery failed", row["status_code"] if row else None))
            for job, (row, retry, error) in zip(jobs, results, strict=True)
            if retry
        ]
        rows = [row for row, _retry, _error in results if row is not None]
        async with self.db.write() as session:
            await fastmany.executemany(session, INSERT_ATTEMPTS, rows)  # Core, not ORM
            await self.queue.complete_many(
                session, [job for job, (_row, retry, _e) in zip(jobs, results, strict=True) if not retry]
            )
        return failures

    async def _attempt(self, job: ClaimedJob, destination: Destination | None) -> Attempt:
        """Send one event."""
        if destination is None:
            return None, False, None
        payload = job.payload
        started, attempted_at = time.monotonic(), self.clock.now()
        status_code, error, retry = None, None, False
        try:
            status_code = await self.sender.send(
                destination.target,
                event_body(payload, destination),
                signing_secret=destination.signing_secret,
                event_id=payload["event_id"],
                timestamp=int(attempted_at.timestamp()),
                data_format=destination.data_format,
            )
        except WebhookForbidden as exc:  # cannot be sent, or the egress policy refuses it: retrying cannot help
            error = str(exc)  # a refusal's text is the same for every destination and carries no status
        except WebhookRejected as exc:
            status_code, error, retry = exc.status_code, str(exc), True
        except WebhookUnreachable as exc:  # refused, reset, timed out: the receiver may come back
            error, retry = f"{type(exc).__name__}: {exc}", True
        row = dict(
            event_id=payload["event_id"],
            account_id=destination.account_id,
            message_id=payload.get("message_id"),
            webhook_id=destination.webhook_id,
            event_type=payload.get("event_type") or payload["target"],
            url=destination.target.url,
            method=destination.target.method,
            attempt=job.attempts,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
            created_at=attempted_at,
        )
        return row, retry, error
