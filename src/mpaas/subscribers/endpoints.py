"""Subscriber endpoints: create, get, update."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import required
from mpaas.subscribers import service
from mpaas.subscribers.schemas import CreateSubscriber, TransferSubscriber, UpdateSubscriber

router = APIRouter(tags=["Subscribers"])


@router.post("/v1.0/subscribers/create", summary="Create Subscriber")
async def create_subscriber(body: CreateSubscriber, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        subscriber = await service.create(session, who, body, platform.clock.now())
        return await service.present(session, subscriber)


@router.get("/v1.0/subscribers/get", summary="Get Subscriber Details")
async def get_subscriber(
    request: Request,
    who: Principal = Depends(principal),
    subscriber_id: str | None = Query(None, alias="SubscriberId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    if not subscriber_id:
        raise required("SubscriberId")
    async with platform_of(request).db.read() as session:
        subscriber = await service.find(session, who, subscriber_id, account_id)
        return await service.present(session, subscriber)


@router.post("/v1.0/subscribers/update", summary="Update Subscriber")
async def update_subscriber(body: UpdateSubscriber, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        subscriber = await service.update(session, who, body, platform.clock.now())
        return await service.present(session, subscriber)


@router.post("/v1.0/subscribers/transfer", summary="Transfer Subscriber")
async def transfer_subscriber(body: TransferSubscriber, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        subscriber = await service.transfer(session, who, body, platform.clock.now())
        return await service.present(session, subscriber)
