"""Subscriber endpoints: create, get, update, transfer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.subscribers import service
from mpaas.subscribers.schemas import CreateSubscriber, SubscriberOut, TransferSubscriber, UpdateSubscriber

router = APIRouter(tags=["Subscribers"])


@router.post("/v1.0/subscribers/create", summary="Create Subscriber", response_model=SubscriberOut)
async def create_subscriber(body: CreateSubscriber, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.present(session, await service.create(session, who, body, now))


@router.get("/v1.0/subscribers/get", summary="Get Subscriber Details", response_model=SubscriberOut)
async def get_subscriber(
    who: Caller,
    session: ReadSession,
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    if not subscriber_id:
        raise required("SubscriberId")
    return await service.present(session, await service.find(session, who, subscriber_id, account_id))


@router.post("/v1.0/subscribers/update", summary="Update Subscriber", response_model=SubscriberOut)
async def update_subscriber(body: UpdateSubscriber, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.present(session, await service.update(session, who, body, now))


@router.post("/v1.0/subscribers/transfer", summary="Transfer Subscriber", response_model=SubscriberOut)
async def transfer_subscriber(body: TransferSubscriber, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.present(session, await service.transfer(session, who, body, now))
