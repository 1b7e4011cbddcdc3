"""A `webhook.deliver` job that carries several events (webhooks/jobs.py deliver_jobs): each event is attempted and
recorded as its own, the job is completed, and an event whose receiver failed is retried by a job of its own, so
the events that went are never sent again. A real HTTP receiver; the worker's steps are driven by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug import Response

from mpaas.core.jobs.queue import insert_jobs
from mpaas.messaging import bulk
from mpaas.models import Job, Message, WebhookAttempt
from mpaas.webhooks.jobs import DELIVER_JOB, DELIVER_MAX_ATTEMPTS, DeliverBatch, deliver_jobs, deliver_weight, events_of
from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers


async def _message(api, callback_url: str) -> str:
    source = (await provision(api, await make_message_route(api, CallbackMessageUrl=callback_url)))[
        "PhoneNumberAssigned"
    ]
    sent = await api.ok(
        "POST", "/v1.0/message/outbound", json={"From": source, "To": [{"Number": "+18015737111"}], "Body": "hi"}
    )
    return sent["MessageId"]


async def _run_due(platform) -> list:
    """One claim of the due callback jobs, run by the worker's handler; the failures it hands back."""
    handler = DeliverBatch(platform.db, platform.clock, platform.jobs, platform.webhooks)
    jobs = await platform.jobs.claim(100, kinds=frozenset({DELIVER_JOB}))
    return await handler(jobs) if jobs else []


async def _jobs(platform) -> list[Job]:
    async with platform.db.read() as session:
        return list((await session.execute(select(Job).where(Job.kind == DELIVER_JOB).order_by(Job.id))).scalars())


def _hits(httpserver, path: str) -> list:
    return [request for request, _response in httpserver.log if request.path == path]


async def test_an_event_that_failed_is_retried_alone_and_the_others_are_not_sent_again(
    api, numbers, platform, httpserver
):
    httpserver.expect_ordered_request("/down").respond_with_response(Response("busy", status=503))
    httpserver.expect_request("/down").respond_with_data("ok")
    httpserver.expect_request("/up").respond_with_data("ok")
    failing, fine = await _message(api, httpserver.url_for("/down")), await _message(api, httpserver.url_for("/up"))
    now = platform.clock.now()
    async with platform.db.read() as session:
        rows = (await session.execute(select(Message).where(Message.id.in_([failing, fine])))).scalars().all()
    events = [bulk.status_callback(row, "Sent", None, now) for row in sorted(rows, key=lambda r: r.id != failing)]
    async with platform.db.write() as session:
        await insert_jobs(session, deliver_jobs(events, now))
    [batched] = await _jobs(platform)
    assert events_of(batched.payload) == events and deliver_weight(await _claimed(platform, batched)) == 2

    assert await _run_due(platform) == []  # nothing for the worker to record: the batch took care of its events
    assert len(_hits(httpserver, "/down")) == 1 and len(_hits(httpserver, "/up")) == 1
    done, retry = await _jobs(platform)
    assert done.id == batched.id and done.status == "done"
    assert retry.payload == events[0] and retry.status == "pending" and retry.attempts == 1
    assert retry.max_attempts == DELIVER_MAX_ATTEMPTS and "503" in retry.last_error
    assert retry.run_at > platform.clock.now() - timedelta(seconds=1)  # after the backoff, not at once

    async with platform.db.write() as session:  # the backoff has passed
        await session.execute(update(Job).where(Job.id == retry.id).values(run_at=platform.clock.now()))
    assert await _run_due(platform) == []
    down = _hits(httpserver, "/down")
    assert len(down) == 2 and len(_hits(httpserver, "/up")) == 1
    assert down[0].headers["X-Mpaas-Event-Id"] == down[1].headers["X-Mpaas-Event-Id"] == events[0]["event_id"]
    assert [job.status for job in await _jobs(platform)] == ["done", "done"]
    async with platform.db.read() as session:
        attempts = (await session.execute(select(WebhookAttempt).order_by(WebhookAttempt.id))).scalars().all()
    assert [(a.message_id, a.attempt, a.status_code) for a in attempts] == [
        (failing, 1, 503),
        (fine, 1, 200),
        (failing, 2, 200),
    ]


async def _claimed(platform, job: Job):
    """The job as the worker sees it (a ClaimedJob), without leasing it."""
    from mpaas.core.jobs.queue import ClaimedJob

    return ClaimedJob(job.id, job.kind, job.payload, job.status, job.attempts, job.max_attempts)
