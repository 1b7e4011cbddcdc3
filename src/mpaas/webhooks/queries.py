"""Reads of the webhook endpoints: an account's webhooks; and how an attempt is shown (messaging lists a
message's attempts with it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.wire import iso
from mpaas.models import AccountWebhook, WebhookAttempt
from mpaas.webhooks import repository


async def account_webhooks(session: AsyncSession, principal: Principal, account_id: str | None) -> list[AccountWebhook]:
    """The webhooks of the account named, or of every one of the caller's accounts when AccountId is omitted,
    oldest first."""
    return await repository.list_for_account(session, principal.visible_accounts(account_id))


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
