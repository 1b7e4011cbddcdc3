"""Account webhook endpoints, and the webhook attempts of a message (an extension outside /v1.0)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import missing, required
from mpaas.core.wire import iso
from mpaas.messaging import repository as messages
from mpaas.webhooks import repository, service
from mpaas.webhooks.schemas import CreateWebhook, DeleteWebhook, UpdateWebhook

router = APIRouter()


@router.get("/v1.0/webhook", tags=["Webhooks"], summary="Get Webhook")
async def get_webhook(
    request: Request,
    who: Principal = Depends(principal),
    webhook_id: str | None = Query(None, alias="WebhookId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    if not webhook_id:
        raise required("WebhookId")
    async with platform_of(request).db.read() as session:
        return service.present(await service.find(session, who, webhook_id, account_id))


@router.post("/v1.0/webhook/create", tags=["Webhooks"], summary="Create Webhook")
async def create_webhook(body: CreateWebhook, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return service.present(await service.create(session, who, body, platform.clock.now()))


@router.post("/v1.0/webhook/update", tags=["Webhooks"], summary="Update Webhook")
async def update_webhook(body: UpdateWebhook, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return service.present(await service.update(session, who, body, platform.clock.now()))


@router.post("/v1.0/webhook/delete", tags=["Webhooks"], summary="Delete Webhook")
async def delete_webhook(body: DeleteWebhook, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        webhook_id = await service.delete(session, who, body)
    return {"WebhookId": webhook_id, "WebhookStatus": "Deleted"}


@router.get("/v1.0/account/webhooks", tags=["Accounts"], summary="Get Account Webhooks")
async def account_webhooks(
    request: Request, who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> list:
    account = who.resolve_account(account_id)
    async with platform_of(request).db.read() as session:
        return [service.present(h) for h in await repository.list_for_account(session, account)]


@router.get(
    "/ext/v1/messages/webhook-attempts",
    tags=["Extensions"],
    summary="Webhook delivery attempts of a message (mpaas extension)",
)
async def message_webhook_attempts(
    request: Request, who: Principal = Depends(principal), message_id: str | None = Query(None, alias="MessageId")
) -> dict:
    if not message_id:
        raise required("MessageId")
    async with platform_of(request).db.read() as session:
        message = await messages.get_message(session, message_id, who.account_ids)
        if message is None:
            raise missing("message", message_id)
        attempts = await repository.attempts_for_message(session, message.id)
    return {
        "MessageId": message.id,
        "TotalAttempts": len(attempts),
        "Attempts": [
            {
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
            for a in attempts
        ],
    }
