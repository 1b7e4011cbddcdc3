"""The webhooks domain's job, `webhook.deliver`: one event to one destination (a route's status callback or
inbound URL, or an account webhook), signed, every attempt recorded. Written wherever an event happens
(messaging/bulk.py status_callback, messaging/service.py receive_inbound, webhooks/service.py emit) in the
transaction of the change; the handler is registered by the composition point (mpaas/composition.py).

A job carries one event (its payload), or, written by deliver_jobs, several ({"events": [...]}): the status callbacks
of one pipeline transaction, a few rows instead of one per callback. Each event of a job of several is attempted and
recorded as its own; one to retry gets a job of its own (core/jobs/queue.py retry_row) in the transaction that
completes the job, so the events that went are never sent again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import cast

from sqlalchemy import Table

from mpaas.core.clock import Clock
from mpaas.core.db import fastmany
from mpaas.core.db.database import Database
from mpaas.core.http.webhook_sender import (
    Delivery,
    WebhookForbidden,
    WebhookRejected,
    WebhookSender,
    WebhookUnreachable,
)
from mpaas.core.jobs.queue import ClaimedJob, JobQueue, batched, insert_jobs, items_of, retry_row
from mpaas.models import WebhookAttempt
from mpaas.webhooks.delivery import Destination, TargetResolver, event_body, resolve_all

DELIVER_JOB = "webhook.deliver"
# With backoff capped at 5 minutes, 12 attempts span roughly 10 to 20 minutes of receiver downtime.
DELIVER_MAX_ATTEMPTS = 12
# Events a job carries at most (deliver_jobs). The worker counts a job for its events (deliver_weight).
EVENTS_PER_JOB = 20

# Core, not ORM (no unit-of-work bookkeeping). A declarative class's __table__ is its Table; SQLAlchemy types it
# as any FromClause.
INSERT_ATTEMPTS = cast(Table, WebhookAttempt.__table__).insert()

# What one attempt leaves: the attempt's row (None when the event goes nowhere), whether to retry, the error.
Attempt = tuple[dict | None, bool, str | None]


def deliver_jobs(events: list[dict], now: datetime) -> list[dict]:
    """The `webhook.deliver` jobs (rows by column name) of events one transaction queues, in order."""
    return batched(DELIVER_JOB, None, "events", events, now, EVENTS_PER_JOB, max_attempts=DELIVER_MAX_ATTEMPTS)


def events_of(payload: dict) -> list[dict]:
    return items_of(payload, None, "events")


def deliver_weight(job: ClaimedJob) -> int:
    """What a claimed job counts for against the worker's concurrency: a callback job its events, others 1."""
    if job.kind != DELIVER_JOB:
        return 1
    return len(job.payload.get("events") or ()) or 1


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
        sent = [(job, event) for job in jobs for event in events_of(job.payload)]
        async with self.db.quick_read() as session:
            destinations = await resolve_all(session, [event for _, event in sent], self.clock.now(), self.resolvers)
        results = await self._attempts(sent, destinations)
        failures: list[tuple[ClaimedJob, Exception]] = []
        retries: list[dict] = []  # a job of their own for the events of a several-event job that failed
        done: dict[int, ClaimedJob] = {job.id: job for job in jobs}
        now = self.clock.now()
        for (job, event), (row, retry, error) in zip(sent, results, strict=True):
            if not retry:
                continue
            if "events" in job.payload:
                retries.append(retry_row(job, event, error or "delivery failed", now))
            else:
                failures.append((job, WebhookRejected(error or "delivery failed", row["status_code"] if row else None)))
                done.pop(job.id, None)
        rows = [row for row, _retry, _error in results if row is not None]
        async with self.db.write() as session:
            await fastmany.executemany(session, INSERT_ATTEMPTS, rows)  # Core, not ORM
            if retries:
                await insert_jobs(session, retries)
            await self.queue.complete_many(session, list(done.values()))
        if retries:
            self.queue.notify_later(min(r["run_at"] for r in retries).timestamp() - now.timestamp())
        return failures

    async def _attempts(
        self, sent: list[tuple[ClaimedJob, dict]], destinations: list[Destination | None]
    ) -> list[Attempt]:
        """Send every event that has somewhere to go, together (WebhookSender.send_all), and what each left.
        They are attempted at one time, which signs them all (X-Mpaas-Timestamp) and dates their rows."""
        attempted_at = self.clock.now()
        timestamp = int(attempted_at.timestamp())
        going = [
            (job, event, destination)
            for (job, event), destination in zip(sent, destinations, strict=True)
            if destination is not None
        ]
        outcomes = await self.sender.send_all(
            [
                Delivery(
                    destination.target,
                    event_body(event, destination),
                    destination.signing_secret,
                    event["event_id"],
                    timestamp,
                    destination.data_format,
                )
                for _, event, destination in going
            ]
        )
        left = iter(zip(going, outcomes, strict=True))
        attempts: list[Attempt] = []
        for destination in destinations:
            if destination is None:
                attempts.append((None, False, None))
                continue
            (job, event, _), (outcome, seconds) = next(left)
            attempts.append(_attempt(job, event, destination, outcome, seconds, attempted_at))
        return attempts


def _attempt(
    job: ClaimedJob,
    payload: dict,
    destination: Destination,
    outcome: int | Exception,
    seconds: float,
    attempted_at: datetime,
) -> Attempt:
    """What one event's attempt left: its row, whether to retry, the error."""
    status_code, error, retry = None, None, False
    if isinstance(outcome, WebhookForbidden):  # cannot be sent, or the egress policy refuses it: retrying cannot help
        error = str(outcome)  # a refusal's text is the same for every destination and carries no status
    elif isinstance(outcome, WebhookRejected):
        status_code, error, retry = outcome.status_code, str(outcome), True
    elif isinstance(outcome, WebhookUnreachable):  # refused, reset, timed out: the receiver may come back
        error, retry = f"{type(outcome).__name__}: {outcome}", True
    elif isinstance(outcome, Exception):
        raise outcome
    else:
        status_code = outcome
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
        duration_ms=int(seconds * 1000),
        created_at=attempted_at,
    )
    return row, retry, error
