"""Durable job handlers of the numbers domain: scheduled status changes, aging of cancelled numbers,
the sandbox losing carrier, and data-usage renewals. Registered (as batch handlers) by
`mpaas.messaging.pipeline.batch_handlers`."""

from __future__ import annotations

from mpaas.core.jobs.queue import ClaimedJob, Handler
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.roles.platform import Platform


def handlers(platform: Platform) -> dict[str, Handler]:
    from mpaas.numbers.porting import service as porting
    from mpaas.numbers.usage import service as usage

    policy = NumberPolicy.of(platform.settings)

    async def status_change(job: ClaimedJob) -> None:
        async with platform.db.write() as session:
            await lifecycle.run_scheduled_change(session, job.payload, platform.clock.now(), policy)
            await platform.jobs.complete(session, job)

    async def release(job: ClaimedJob) -> None:
        async with platform.db.write() as session:
            await lifecycle.release_if_due(
                session, job.payload["phone_number_id"], job.payload["cancelled_at"], platform.clock.now()
            )
            await platform.jobs.complete(session, job)

    async def port_advance(job: ClaimedJob) -> None:
        async with platform.db.write() as session:
            await porting.sandbox_advance(session, job.payload, platform.clock.now(), policy)
            await platform.jobs.complete(session, job)
        platform.jobs.notify()

    async def renewal(job: ClaimedJob) -> None:
        async with platform.db.write() as session:
            await usage.renew_if_due(session, job.payload, platform.clock.now())
            await platform.jobs.complete(session, job)

    singles = {
        lifecycle.STATUS_JOB: status_change,
        lifecycle.RELEASE_JOB: release,
        porting.ADVANCE_JOB: port_advance,
        usage.RENEWAL_JOB: renewal,
    }
    return {kind: _as_batch(handler) for kind, handler in singles.items()}


def _as_batch(handler: Handler):
    """The worker hands over batches; these jobs are rare, so each runs in its own transaction."""

    async def run(jobs: list[ClaimedJob]) -> list[tuple[ClaimedJob, Exception]]:
        failures = []
        for job in jobs:
            try:
                await handler(job)
            except Exception as exc:  # the worker records it and retries with backoff
                failures.append((job, exc))
        return failures

    return run
