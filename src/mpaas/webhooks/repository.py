"""SQL for account webhooks and webhook attempts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.models import Account, AccountWebhook, WebhookAttempt


async def get(session: AsyncSession, webhook_id: str, account_ids: Sequence[str]) -> AccountWebhook | None:
    result = await session.execute(
        select(AccountWebhook).where(
            func.lower(AccountWebhook.id) == webhook_id.lower(), AccountWebhook.account_id.in_(account_ids)
        )
    )
    return result.scalar_one_or_none()


async def list_for_account(session: AsyncSession, account_id: str | Sequence[str]) -> list[AccountWebhook]:
    accounts = [account_id] if isinstance(account_id, str) else list(account_id)
    result = await session.execute(
        select(AccountWebhook)
        .where(AccountWebhook.account_id.in_(accounts))
        .order_by(AccountWebhook.created_at, AccountWebhook.id)
    )
    return list(result.scalars().all())


async def subscribed(session: AsyncSession, account_id: str, event: str) -> list[AccountWebhook]:
    hooks = await list_for_account(session, account_id)
    return [h for h in hooks if h.active and event in h.subscribed_events.split(",")]


async def attempts_for_message(session: AsyncSession, message_id: str) -> list[WebhookAttempt]:
    result = await session.execute(
        select(WebhookAttempt)
        .where(WebhookAttempt.message_id == message_id)
        .order_by(WebhookAttempt.created_at, WebhookAttempt.id)
    )
    return list(result.scalars().all())


async def account_for_update(session: AsyncSession, account_id: str) -> Account:
    """The account row whose signing secret is read or rotated (the caller resolved the id from its own)."""
    result = await session.execute(select(Account).where(Account.id == account_id))
    return result.scalar_one()
