"""Account webhooks: management, and fanning an account event out to the webhooks subscribed to it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.errors import bad_request, missing
from mpaas.core.jobs.queue import enqueue
from mpaas.core.security.hashing import new_secret
from mpaas.core.wire import iso
from mpaas.models import Account, AccountWebhook
from mpaas.webhooks import repository
from mpaas.webhooks.jobs import DELIVER_JOB, DELIVER_MAX_ATTEMPTS
from mpaas.webhooks.schemas import CreateWebhook, DeleteWebhook, UpdateWebhook, WebhookFields

WEBHOOK_PREFIX = "WID"
# Derived event ids (emit(event_key=...)) are UUIDs of version 5 in this namespace.
EVENT_ID_NAMESPACE = uuid.UUID("5b0c3f4e-7a51-4a51-9f0e-8d3c6f1e2a90")

COLUMNS = {
    "webhook_url": "url",
    "method": "method",
    "data_format": "data_format",
    "authentication_type": "authentication_type",
    "authentication_username": "authentication_username",
    "authentication_password": "authentication_password",
    "authentication_token": "authentication_token",
}


def _apply(hook: AccountWebhook, body: WebhookFields) -> None:
    for field, column in COLUMNS.items():
        if field in body.model_fields_set:
            setattr(hook, column, getattr(body, field))
    if "subscribed_events" in body.model_fields_set and body.subscribed_events is not None:
        hook.subscribed_events = ",".join(body.subscribed_events)


def _check(hook: AccountWebhook) -> None:
    if hook.authentication_type == "Basic" and not (hook.authentication_username and hook.authentication_password):
        raise bad_request(
            "The AuthenticationUsername and AuthenticationPassword fields are required when "
            "AuthenticationType is Basic."
        )
    if hook.authentication_type in ("Token", "Bearer") and not hook.authentication_token:
        raise bad_request(
            f"The AuthenticationToken field is required when AuthenticationType is {hook.authentication_type}."
        )


async def create(session: AsyncSession, principal: Principal, body: CreateWebhook, now: datetime) -> AccountWebhook:
    hook = AccountWebhook(
        id=ids.new_id(WEBHOOK_PREFIX),
        account_id=principal.resolve_account(body.account_id),
        method="POST",
        data_format="json",
        authentication_type="None",
        active=True,
        created_at=now,
        updated_at=now,
    )
    _apply(hook, body)
    hook.method = hook.method or "POST"
    hook.data_format = hook.data_format or "json"
    hook.authentication_type = hook.authentication_type or "None"
    _check(hook)
    session.add(hook)
    await session.flush()
    return hook


async def find(session: AsyncSession, principal: Principal, webhook_id: str, account_id: str | None) -> AccountWebhook:
    hook = await repository.get(session, webhook_id, principal.visible_accounts(account_id))
    if hook is None:
        raise missing("webhook", webhook_id)
    return hook


async def update(session: AsyncSession, principal: Principal, body: UpdateWebhook, now: datetime) -> AccountWebhook:
    hook = await find(session, principal, body.webhook_id, body.account_id)
    if "webhook_url" in body.model_fields_set and not body.webhook_url:
        raise bad_request("The WebhookUrl field cannot be cleared.")
    _apply(hook, body)
    if body.active is not None:
        hook.active = body.active
    _check(hook)
    hook.updated_at = now
    await session.flush()
    return hook


async def delete(session: AsyncSession, principal: Principal, body: DeleteWebhook) -> str:
    hook = await find(session, principal, body.webhook_id, body.account_id)
    await session.delete(hook)
    await session.flush()
    return hook.id


async def emit(
    session: AsyncSession,
    account_id: str,
    event: str,
    data: dict,
    now: datetime,
    *,
    hooks: Sequence[AccountWebhook] | None = None,
    event_key: str | None = None,
) -> int:
    """Queue `event` for every active webhook of the account subscribed to it, in the caller's transaction.
    Returns how many deliveries were queued. Each delivery has its own stable event id.

    `hooks`: the account's webhooks, already read (a caller emitting many events reads them once).
    `event_key`: names the event that happened (e.g. a call event's idempotency key); each delivery's event id
    is then derived from it and the webhook's id, the same however often the event is emitted."""
    if hooks is None:
        hooks = await repository.subscribed(session, account_id, event)
    else:
        hooks = [h for h in hooks if h.active and event in h.subscribed_events.split(",")]
    for hook in hooks:
        if event_key is None:
            event_id = ids.new_id(ids.EVENT)
        else:
            event_id = f"{ids.EVENT}-{uuid.uuid5(EVENT_ID_NAMESPACE, f'{event_key}|{event}|{hook.id}')}"
        payload = {
            "EventId": event_id,
            "EventType": event,
            "AccountId": account_id,
            "OccurredOn": iso(now),
            "Data": data,
        }
        enqueue(
            session,
            now,
            DELIVER_JOB,
            {
                "target": "account",
                "webhook_id": hook.id,
                "account_id": account_id,
                "message_id": data.get("Message_ID") or data.get("MessageId"),
                "event_id": event_id,
                "event_type": event,
                "payload": payload,
            },
            max_attempts=DELIVER_MAX_ATTEMPTS,
        )
    return len(hooks)


def present(hook: AccountWebhook) -> dict:
    """Webhook_Result."""
    return {
        "WebhookId": hook.id,
        "AccountId": hook.account_id,
        "WebhookUrl": hook.url,
        "Method": hook.method,
        "DataFormat": hook.data_format,
        "AuthenticationType": hook.authentication_type,
        "AuthenticationUsername": hook.authentication_username,
        "AuthenticationPassword": hook.authentication_password,
        "AuthenticationToken": hook.authentication_token,
        "SubscribedEvents": ", ".join(hook.subscribed_events.split(",")),
        "Active": hook.active,
    }


# The account's webhook signing secret (docs/webhooks.md "Verifying a signature"): read and rotated by the
# distributor that owns the account. A rotation keeps the secret it replaced signing, as a second signature,
# until the grace period ends (MPAAS_WEBHOOK_SECRET_GRACE_SECONDS); a second rotation within it drops the
# oldest one at once.


async def signing_secret(session: AsyncSession, principal: Principal, account_id: str | None) -> Account:
    return await repository.account_for_update(session, principal.require_account(account_id))


async def rotate_signing_secret(
    session: AsyncSession, principal: Principal, account_id: str | None, now: datetime, grace: timedelta
) -> Account:
    account = await signing_secret(session, principal, account_id)
    if grace > timedelta(0):
        account.previous_webhook_signing_secret = account.webhook_signing_secret
        account.previous_webhook_signing_secret_until = now + grace
    else:
        account.previous_webhook_signing_secret = None
        account.previous_webhook_signing_secret_until = None
    account.webhook_signing_secret = new_secret(32)
    await session.flush()
    return account


def present_signing_secret(account: Account, now: datetime) -> dict:
    """WebhookSigningSecretOut: the secret, and until when the previous one still signs (null when none does)."""
    until = account.previous_webhook_signing_secret_until
    return {
        "AccountId": account.id,
        "WebhookSigningSecret": account.webhook_signing_secret,
        "PreviousSecretValidUntil": iso(until) if until is not None and until > now else None,
    }
