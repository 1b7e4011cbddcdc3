"""Account webhook endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.webhooks import queries, service
from mpaas.webhooks.schemas import (
    CreateWebhook,
    DeleteWebhook,
    UpdateWebhook,
    WebhookDeleted,
    WebhookOut,
)

router = APIRouter()


@router.get("/v1.0/webhook", tags=["Webhooks"], summary="Get Webhook", response_model=WebhookOut)
async def get_webhook(
    who: Caller,
    session: ReadSession,
    webhook_id: str | None = Query(None, alias="WebhookId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    if not webhook_id:
        raise required("WebhookId")
    return service.present(await service.find(session, who, webhook_id, account_id))


@router.post("/v1.0/webhook/create", tags=["Webhooks"], summary="Create Webhook", response_model=WebhookOut)
async def create_webhook(body: CreateWebhook, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return service.present(await service.create(session, who, body, now))


@router.post("/v1.0/webhook/update", tags=["Webhooks"], summary="Update Webhook", response_model=WebhookOut)
async def update_webhook(body: UpdateWebhook, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return service.present(await service.update(session, who, body, now))


@router.post("/v1.0/webhook/delete", tags=["Webhooks"], summary="Delete Webhook", response_model=WebhookDeleted)
async def delete_webhook(body: DeleteWebhook, who: Caller, session: WriteSession) -> dict[str, Any]:
    webhook_id = await service.delete(session, who, body)
    return {"WebhookId": webhook_id, "WebhookStatus": "Deleted"}


@router.get(
    "/v1.0/account/webhooks", tags=["Accounts"], summary="Get Account Webhooks", response_model=list[WebhookOut]
)
async def account_webhooks(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId")
) -> list[dict[str, Any]]:
    return [service.present(h) for h in await queries.account_webhooks(session, who, account_id)]
