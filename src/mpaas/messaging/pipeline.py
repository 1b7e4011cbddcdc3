"""Job handlers of the message pipeline: submit to the carrier, apply receipts, deliver webhooks."""

from __future__ import annotations

from mpaas.carriers.base import OutboundSms
from mpaas.carriers.sandbox import SandboxConnector
from mpaas.core import ids
from mpaas.core.jobs import Handler, enqueue
from mpaas.core.webhooks import WebhookForbidden, WebhookTarget
from mpaas.messaging import events, repository
from mpaas.messaging.service import RECEIPT_JOB, SUBMIT_JOB, WEBHOOK_JOB, WEBHOOK_MAX_ATTEMPTS
from mpaas.models import Job, Message
from mpaas.platform import Platform

DELIVERED_STATES = {"DELIVRD"}
# Every other final receipt state is a failure, kept as the message's ErrorCode.
FAILED_STATES = {"UNDELIV", "EXPIRED", "REJECTD", "DELETED", "UNKNOWN"}


def build_connector(platform: Platform):
    s = platform.settings
    if s.carrier == "sandbox":
        return SandboxConnector(s.sandbox_receipt_delay_seconds, s.sandbox_fail_prefix_list)
    raise ValueError(f"MPAAS_CARRIER={s.carrier!r} is not a known carrier connector (known: sandbox)")


def _status_webhook(session, message: Message, now) -> None:
    event_id = ids.new_id(ids.EVENT)
    enqueue(session, now, WEBHOOK_JOB, {"target": "callback", "message_id": message.id, "event_id": event_id,
                                        "payload": events.status_event(message, event_id, now)},
            max_attempts=WEBHOOK_MAX_ATTEMPTS)


def job_handlers(platform: Platform) -> dict[str, Handler]:
    connector = platform.extras.setdefault("connector", build_connector(platform))
    queue = platform.jobs

    async def submit(job: Job) -> None:
        async with platform.db.read() as session:
            message = await repository.get_message(session, job.payload["message_id"])
        if message is None or message.status != "Queued":
            async with platform.db.write() as session:
                await queue.complete(session, job)
            return
        result = await connector.submit(OutboundSms(message.id, message.from_number, message.to_number, message.body))
        async with platform.db.write() as session:
            message = await repository.get_message(session, message.id)
            now = platform.clock.now()
            message.carrier_id = result.carrier_id
            if message.status == "Queued":  # a receipt may already have arrived and moved it on
                message.status = "Sent"
                message.updated_at = now
                _status_webhook(session, message, now)
            if result.receipt_state is not None:
                enqueue(session, now, RECEIPT_JOB, {"carrier_id": result.carrier_id, "state": result.receipt_state},
                        delay_seconds=result.receipt_delay_seconds or 0.0)
            await queue.complete(session, job)
        queue.notify()

    async def receipt(job: Job) -> None:
        state = job.payload["state"].upper()
        async with platform.db.write() as session:
            message = await repository.message_by_carrier_id(session, job.payload["carrier_id"])
            if message is not None and message.status in ("Queued", "Sent"):
                now = platform.clock.now()
                if state in DELIVERED_STATES:
                    message.status = "Delivered"
                elif state in FAILED_STATES:
                    message.status, message.error_code = "Failed", state
                message.updated_at = now
                if message.status in ("Delivered", "Failed"):
                    _status_webhook(session, message, now)
            await queue.complete(session, job)
        queue.notify()

    async def deliver_webhook(job: Job) -> None:
        payload = job.payload
        async with platform.db.read() as session:
            message = await repository.get_message(session, payload["message_id"])
            route = await repository.route(session, message.message_route_id) if message else None
            secret = await repository.signing_secret(session, message.account_id) if message else ""
        target = _target(route, payload["target"])
        if target is not None:
            try:
                await platform.webhooks.send(target, payload["payload"], signing_secret=secret,
                                             event_id=payload["event_id"],
                                             timestamp=int(platform.clock.now().timestamp()))
            except WebhookForbidden:
                pass  # settings forbid this destination; retrying cannot help
        async with platform.db.write() as session:
            await queue.complete(session, job)

    return {SUBMIT_JOB: submit, RECEIPT_JOB: receipt, WEBHOOK_JOB: deliver_webhook}


def _target(route, kind: str) -> WebhookTarget | None:
    """Where a message event goes: nowhere when the route is gone, disabled, or has no URL for it."""
    if route is None or not route.message_route_enabled:
        return None
    if kind == "inbound":
        if not route.message_url:
            return None
        return WebhookTarget(route.message_url, route.message_url_method or "POST", route.message_authentication_type,
                             route.message_username, route.message_password_token)
    if not route.callback_message_url:
        return None
    return WebhookTarget(route.callback_message_url, route.callback_message_url_method or "POST",
                         route.callback_message_authentication_type, route.callback_message_username,
                         route.callback_message_password_token)
