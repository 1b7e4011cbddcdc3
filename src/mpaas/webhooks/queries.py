"""Reads of the webhook endpoints: an account's webhooks, and the delivery attempts of a message."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import missing
from mpaas.core.wire import iso
from mpaas.messaging import repository as messages
from mpaas.models import AccountWebhook, WebhookAttempt
from mpaas.webhooks import repository


async def account_webhooks(session: AsyncSession, principal: Principal, account_id: str | None) -> list[AccountWebhook]:
    """The webhooks of one of the caller's accounts (the only one when AccountId is omitted), oldest first."""
    return await repository.list_for_account(session, principal.resolve_account(account_id))


async def message_attempts(session: AsyncSession, principal: Principal, message_id: str) -> dict[str, Any]:
    """Every webhook attempt made for a message of the caller's accounts, in the order they were made."""
    message = await messages.get_message(session, message_id, principal.account_ids)
    if message is None:
        raise missing("message", message_id)
    attempts = await repository.attempts_for_message(session, message.id)
    return {"MessageId": message.id, "TotalAttempts": len(attempts), "Attempts": [attempt(a) for a in attempts]}


def attempt(a: WebhookAttempt) -> dict[str, Any]:
    return {
        "EventId": a.event_id,
        "EventType": a.event_type,
        "WebhookId": a.webhook_id,
        "Url": a.url,
        "Method": a.method,
        "Attempt": a.attempt,
        "StatusCode": a.status_code,
        "Error": a.error,
        "DurationMs": a.duration_ms,
        "AttemptedOn": iso(a.created_at),
    }
