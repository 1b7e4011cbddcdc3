"""Account webhook endpoints."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, Request

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import bad_request, required
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession
from mpaas.webhooks import queries, service
from mpaas.webhooks.schemas import (
    CreateWebhook,
    DeleteWebhook,
    RotateSigningSecret,
    UpdateWebhook,
    WebhookDeleted,
    WebhookOut,
    WebhookSigningSecretOut,
)

router = APIRouter()


async def _from_body(request: Request, name: str) -> str | None:
    """A field of the JSON body of a GET: the contract declares a body on `GET /v1.0/account/webhooks` and
    `GET /v1.0/webhook`, and its samples send `{"AccountId": ...}` there. The query parameter wins."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    exact = data.get(name)
    value = exact if exact is not None else next((v for k, v in data.items() if k.lower() == name.lower()), None)
    return (value.strip() or None) if isinstance(value, str) else None


@router.get("/v1.0/webhook", tags=["Webhooks"], summary="Get Webhook", response_model=WebhookOut)
async def get_webhook(
    who: Caller,
    session: ReadSession,
    request: Request,
    webhook_id: str | None = Query(None, alias="WebhookId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    webhook_id = webhook_id or await _from_body(request, "WebhookId")
    account_id = account_id or await _from_body(request, "AccountId")
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
    who: Caller, session: ReadSession, request: Request, account_id: str | None = Query(None, alias="AccountId")
) -> list[dict[str, Any]]:
    account_id = account_id or await _from_body(request, "AccountId")
    return [service.present(h) for h in await queries.account_webhooks(session, who, account_id)]


@router.get(
    "/ext/v1/accounts/webhook-signing-secret",
    tags=["Extensions"],
    summary="Webhook signing secret of an account (mpaas extension)",
    response_model=WebhookSigningSecretOut,
)
async def webhook_signing_secret(
    who: Caller, session: ReadSession, now: Now, account_id: str | None = Query(None, alias="AccountId")
) -> dict[str, Any]:
    return service.present_signing_secret(await service.signing_secret(session, who, account_id), now)


@router.post(
    "/ext/v1/accounts/webhook-signing-secret/rotate",
    tags=["Extensions"],
    summary="Rotate the webhook signing secret of an account (mpaas extension)",
    response_model=WebhookSigningSecretOut,
)
async def rotate_webhook_signing_secret(
    body: RotateSigningSecret, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    grace = timedelta(seconds=settings.webhook_secret_grace_seconds)
    account = await service.rotate_signing_secret(session, who, body.account_id, now, grace)
    return service.present_signing_secret(account, now)
