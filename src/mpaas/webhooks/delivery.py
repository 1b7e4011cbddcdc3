"""Where a `webhook.deliver` job's event goes and what is sent (the job's handler is webhooks/jobs.py).

Targets are resolved when the attempt runs, not when the event happened, so a route or webhook that was
changed or disabled in between is honoured. The payload itself was fixed when the event happened: stored
whole in the job, or, for message status callbacks, as the status, error and time of the change, completed
at delivery with the message's fields that never change once it is accepted (messaging/bulk.py
status_callback)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.core.http.webhook_sender import WebhookTarget
from mpaas.models import Account, AccountWebhook, Message, MessageRoute
from mpaas.webhooks import events


class Destination(NamedTuple):
    """Where one event goes. A tuple: one is made for every event of a batch, and a frozen dataclass's
    __init__ (a setattr per field) was slower to build."""

    target: WebhookTarget
    account_id: str
    signing_secret: tuple[str, ...]  # the account's secret, then the one a rotation replaced while in its grace
    data_format: str = "json"
    webhook_id: str | None = None
    message: Any = None  # the message row (EVENT_COLUMNS) of a route webhook


# What resolving a route webhook reads of its message: the route, and the fields of a status event. Of those,
# status and error code come from the job instead; the rest never change once the message is accepted.
# Table columns, not the mapped class's attributes: a statement naming those is an ORM statement, which Session.execute
# runs through the ORM's compile state and result (65 us more per batch's read with one row, 200 us with 80, on
# SQLite), for rows that are only read. The rows' attribute names are the same.
_MESSAGE = cast(Table, Message.__table__).c
EVENT_COLUMNS = (
    _MESSAGE.id,
    _MESSAGE.batch_id,
    _MESSAGE.account_id,
    _MESSAGE.message_route_id,
    _MESSAGE.status,
    _MESSAGE.direction,
    _MESSAGE.from_number,
    _MESSAGE.to_number,
    _MESSAGE.owner,
    _MESSAGE.error_code,
    _MESSAGE.segments,
    _MESSAGE.cost,
    _MESSAGE.campaign_id,
)


# resolve_all's reads, built once, through the tables: the rows are only read (the ORM's entity loading and
# a statement built per batch were a tenth of the webhook worker's time, py-spy of the pipeline bench).
_IDS = bindparam("b_ids", expanding=True)
HOOKS = select(AccountWebhook.__table__).where(AccountWebhook.__table__.c.id.in_(_IDS))
_ACCOUNT = cast(Table, Account.__table__).c
SECRETS = select(
    _ACCOUNT.id,
    _ACCOUNT.webhook_signing_secret,
    _ACCOUNT.previous_webhook_signing_secret,
    _ACCOUNT.previous_webhook_signing_secret_until,
).where(_ACCOUNT.id.in_(_IDS))


# A route webhook's message, its route (None columns when the route is gone) and its account's secrets in one
# read: the message, route and secret reads were three statements a batch, each with a session's machinery.
_ROUTE = cast(Table, MessageRoute.__table__).c
_ROUTE_COLUMNS = (
    _ROUTE.id.label("route_id"),
    _ROUTE.message_route_enabled,
    _ROUTE.message_url,
    _ROUTE.message_url_method,
    _ROUTE.message_authentication_type,
    _ROUTE.message_username,
    _ROUTE.message_password_token,
    _ROUTE.callback_message_url,
    _ROUTE.callback_message_url_method,
    _ROUTE.callback_message_authentication_type,
    _ROUTE.callback_message_username,
    _ROUTE.callback_message_password_token,
)
EVENT_MESSAGES_ROUTED = (
    select(
        *EVENT_COLUMNS,
        *_ROUTE_COLUMNS,
        _ACCOUNT.webhook_signing_secret,
        _ACCOUNT.previous_webhook_signing_secret,
        _ACCOUNT.previous_webhook_signing_secret_until,
    )
    .select_from(Message.__table__)
    .join(Account.__table__, _ACCOUNT.id == _MESSAGE.account_id)
    .outerjoin(MessageRoute.__table__, _ROUTE.id == _MESSAGE.message_route_id)
    .where(_MESSAGE.id.in_(_IDS))
)


# A row of EVENT_MESSAGES_ROUTED, by the same names.
_EventMessage = namedtuple("_EventMessage", [column.key for column in EVENT_MESSAGES_ROUTED.selected_columns])  # type: ignore[misc]


def _secrets(row, now: datetime | None) -> tuple[str, ...]:
    """What signs an account's callbacks: its secret, and the previous one until its grace period ends."""
    until = row.previous_webhook_signing_secret_until
    if row.previous_webhook_signing_secret and until is not None and (now is None or until > now):
        return (row.webhook_signing_secret, row.previous_webhook_signing_secret)
    return (row.webhook_signing_secret,)


def event_body(payload: dict, destination: Destination) -> dict:
    """What is sent: the stored event, or a status event completed with the message's fields."""
    if "payload" in payload:
        return payload["payload"]
    return events.status_event(
        destination.message,
        payload["event_id"],
        payload["at"],
        status=payload["status"],
        error_code=payload["error_code"],
    )


def _route_target(route, kind: str) -> WebhookTarget | None:
    """Where a route webhook goes: nowhere when the route is gone, disabled, or has no URL for it."""
    if route is None or not route.message_route_enabled:
        return None
    if kind == "inbound":
        if not route.message_url:
            return None
        return WebhookTarget(
            route.message_url,
            route.message_url_method or "POST",
            route.message_authentication_type,
            route.message_username,
            route.message_password_token,
        )
    if not route.callback_message_url:
        return None
    return WebhookTarget(
        route.callback_message_url,
        route.callback_message_url_method or "POST",
        route.callback_message_authentication_type,
        route.callback_message_username,
        route.callback_message_password_token,
    )


# Where events of a target kind another domain queues go (the voice routes' CallbackVoiceUrl,
# voice/voice_callbacks.py), by event id; handed over by the composition point (webhooks imports no domain).
TargetResolver = Callable[[AsyncSession, list[dict], datetime | None], Awaitable[dict[str, Destination | None]]]


async def resolve_all(
    session: AsyncSession,
    payloads: list[dict],
    now: datetime | None = None,
    resolvers: Mapping[str, TargetResolver] = MappingProxyType({}),
) -> list[Destination | None]:
    """Where each event goes, with a handful of set-wise reads for the whole batch. `now` decides whether a
    rotated-out signing secret still signs. `resolvers`: the target kinds of other domains, and where theirs go."""
    other = {p["event_id"]: p for p in payloads if p["target"] in resolvers}  # another domain's kinds of target
    resolved: dict[str, Destination | None] = {}
    for kind, resolve in resolvers.items():
        mine = [p for p in other.values() if p["target"] == kind]
        if mine:
            resolved.update(await resolve(session, mine, now))
    message_ids = {p["message_id"] for p in payloads if p["target"] != "account" and p.get("message_id")}
    hook_ids = {p["webhook_id"] for p in payloads if p["target"] == "account"}

    async def rows(statement, keys, shaped: Callable[[Any], Any] = lambda row: row) -> dict:
        found = (await session.execute(statement, {"b_ids": list(keys)})).all() if keys else ()
        return {row.id: shaped(row) for row in found}

    # Each message row carries its route's columns (route_id None: no route) and its account's secrets. As plain
    # named tuples: a status event reads a dozen fields of its message, and a Row's attribute costs ten times a
    # tuple's (0.5 us each).
    messages = await rows(EVENT_MESSAGES_ROUTED, message_ids, _EventMessage._make)
    hooks = await rows(HOOKS, hook_ids)
    secrets = {
        row.id: _secrets(row, now) for row in (await rows(SECRETS, {h.account_id for h in hooks.values()})).values()
    }
    out: list[Destination | None] = []
    targets: dict[tuple[str, str], WebhookTarget | None] = {}
    signing: dict[str, tuple[str, ...]] = {}
    for p in payloads:
        if p["target"] in resolvers:
            out.append(resolved.get(p["event_id"]))
            continue
        if p["target"] == "account":
            hook = hooks.get(p["webhook_id"])
            if hook is None or not hook.active or hook.account_id != p["account_id"]:
                out.append(None)
                continue
            credential = (
                hook.authentication_password if hook.authentication_type == "Basic" else hook.authentication_token
            )
            target = WebhookTarget(
                hook.url, hook.method, hook.authentication_type, hook.authentication_username, credential
            )
            out.append(Destination(target, hook.account_id, secrets[hook.account_id], hook.data_format, hook.id))
            continue
        message = messages.get(p.get("message_id"))
        if message is None or message.route_id is None:
            out.append(None)
            continue
        # Worked out once per route and account of the batch, not per event: a batch's events mostly share a few
        # routes, and building each event's target and secrets again was a tenth of resolving (cProfile).
        key = (message.route_id, p["target"])
        if key not in targets:
            targets[key] = _route_target(message, p["target"])
        target = targets[key]
        if target is None:
            out.append(None)
            continue
        if message.account_id not in signing:
            signing[message.account_id] = _secrets(message, now)
        out.append(Destination(target, message.account_id, signing[message.account_id], message=message))
    return out
