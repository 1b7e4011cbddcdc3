"""A voice route's `CallbackVoiceUrl`: the status changes of the calls of its numbers (docs/voice.md, "URL routes").

Queued in the transaction that stores the call's events (`queue`, from voice/url_routing.after_events) as
`webhook.deliver` jobs, the durable delivery message status callbacks use (webhooks/jobs.py): signed with the
account's webhook secret, retried with backoff, every attempt recorded, at least once. The event id derives from
the call event's idempotency key, so an event Kamailio reports twice queues one delivery and a receiver can
de-duplicate on `EventId`.

Which route: the one the routing decision routed the call by (`Call.route_id`: the voice route of the call's number,
the number called or the caller id of an outbound call, at the decision), of the call's account, whatever its
`RouteType`, when it has a `CallbackVoiceUrl`; the number moved to another route while the call lasts changes
nothing. A record without one (made before calls kept their route) uses its number's route. Where it goes is resolved
when the attempt runs (`resolve`): a route since disabled, deleted, moved to another account or without its
`CallbackVoiceUrl` gets nothing more. Method `CallbackVoiceUrlMethod` (default POST); authentication the route's
`VoiceAuthenticationType`/`VoiceUsername`/`VoicePasswordToken` (the contract has no callback-specific fields)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core import ids
from mpaas.core.jobs.queue import enqueue
from mpaas.core.wire import iso
from mpaas.voice import batch_reads, url_repository
from mpaas.webhooks.delivery import SECRETS, Destination, _secrets
from mpaas.webhooks.jobs import DELIVER_JOB, DELIVER_MAX_ATTEMPTS

TARGET = "voice_callback"  # the webhook.deliver target kind; `resolve` is handed to its handler (composition.py)
EVENT_TYPE = "voice.status"
# Derived event ids are UUIDs of version 5 in this namespace (as account webhooks' in webhooks/service.py).
EVENT_ID_NAMESPACE = uuid.UUID("1f0c2a47-3b7e-4c55-8a0d-6a1e9b2c4d71")

# The call's status each event leaves, as sent in `CallStatus`.
CALL_STATUS = {
    "ringing": "ringing",
    "answered": "in-progress",
    "resume": "in-progress",
    "hold": "on-hold",
    "ended": "completed",
    "failed": "completed",
    "rejected": "completed",
}


def event_id(call_id: str, event: str, occurred_at: datetime) -> str:
    key = f"{call_id}|{event}|{iso(occurred_at)}|{TARGET}"
    return f"{ids.EVENT}-{uuid.uuid5(EVENT_ID_NAMESPACE, key)}"


def status_event(event_id_: str, event: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """The body sent to CallbackVoiceUrl: the call record as the event left it (as in the Call_* webhooks' Data),
    with the event, its time and the status it stands for."""
    return {
        "EventId": event_id_,
        "EventType": EVENT_TYPE,
        "CallStatus": CALL_STATUS.get(event.event, record.get("Status")),
        "Event": event.event,
        "Timestamp": iso(event.occurred_at),
        **{k: v for k, v in record.items() if k not in ("Event", "Timestamp")},
    }


async def queue(
    session: AsyncSession, call: Any, snapshots: Sequence[tuple[Any, Mapping[str, Any]]], now: datetime
) -> int:
    """Queue one delivery per new event of `call` for the CallbackVoiceUrl of the route that routed it; returns how
    many."""
    if not snapshots or not call.account_id:
        return 0
    found = await _route_of(session, call)
    if found is None or not found[1].get("CallbackVoiceUrl"):
        return 0
    route_id = found[0]
    for event, record in snapshots:
        eid = event_id(call.id, event.event, event.occurred_at)
        enqueue(
            session,
            now,
            DELIVER_JOB,
            {
                "target": TARGET,
                "route_id": route_id,
                "account_id": call.account_id,
                "call_id": call.id,
                "event_id": eid,
                "event_type": EVENT_TYPE,
                "payload": status_event(eid, event, record),
            },
            max_attempts=DELIVER_MAX_ATTEMPTS,
        )
    return len(snapshots)


async def _route_of(session: AsyncSession, call: Any) -> tuple[str, dict[str, Any]] | None:
    """(route id, wire fields) of the route the decision recorded with `call`, if it is still the call's account's;
    for a record without one, its number's current route."""
    if call.route_id:
        batch = batch_reads.known(session)
        key = (call.route_id, call.account_id)
        if batch is not None and key in batch.routes:
            found = batch.routes[key]
        else:
            found = await url_repository.route(session, call.route_id, call.account_id)
        return None if found is None else (call.route_id, found[1])
    if not call.number_id:
        return None
    return await url_repository.number_route(session, call.number_id, call.account_id)


async def queue_rejection(
    session: AsyncSession, call_record_id: str, account_id: str, number_id: str | None, now: datetime
) -> int:
    """The `completed` callback of a call the routing decision rejected (it has no call events: Kamailio's
    stateless reply reports none), once: only when this decision recorded the rejection (`now`)."""
    if not number_id:
        return 0
    # First the cheap test (most numbers' routes have no callback); within the decision's transaction the number's
    # route is the one the decision recorded with the call.
    found = await url_repository.number_route(session, number_id, account_id)
    if found is None or not found[1].get("CallbackVoiceUrl"):
        return 0
    call, rejection = await url_repository.rejected_call(session, call_record_id)
    if call is None or rejection is None or rejection.received_at != now or call.account_id != account_id:
        return 0  # a Call-ID asked about again: its rejection was recorded (and queued) the first time
    from mpaas.voice.calls import present  # deferred: voice.calls imports voice.events, which imports the hooks

    return await queue(session, call, [(rejection, present(call))], now)


async def resolve(
    session: AsyncSession, payloads: Sequence[dict], now: datetime | None
) -> dict[str, Destination | None]:
    """Where each voice callback goes now, by event id: None when its route is gone, disabled, another account's,
    or has no CallbackVoiceUrl any more."""
    from mpaas.voice.url_routing import voice_url_target  # deferred: url_routing imports this module

    rows = await url_repository.routes(session, {p["route_id"] for p in payloads})
    account_ids = sorted({p["account_id"] for p in payloads})
    secrets = {}
    if account_ids:
        for row in (await session.execute(SECRETS, {"b_ids": account_ids})).all():
            secrets[row.id] = _secrets(row, now)
    out: dict[str, Destination | None] = {}
    for p in payloads:
        route = rows.get(p["route_id"])
        target = None
        if route is not None and route.route_enabled and route.account_id == p["account_id"]:
            target = voice_url_target(route.attributes or {}, "CallbackVoiceUrl", "CallbackVoiceUrlMethod")
        account_secrets = secrets.get(p["account_id"])
        out[p["event_id"]] = (
            Destination(target, p["account_id"], account_secrets) if target and account_secrets else None
        )
    return out
