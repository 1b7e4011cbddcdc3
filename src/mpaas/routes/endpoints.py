"""Message routes and voice routes endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import required
from mpaas.routes import presenters, service
from mpaas.routes.schemas import (
    CreateMessageRoute,
    CreateVoiceRoute,
    DeleteMessageRoute,
    DeleteVoiceRoute,
    UpdateMessageRoute,
    UpdateVoiceRoute,
)

router = APIRouter()


@router.post("/v1.0/message/routes", tags=["Message"], summary="Create Message Route")
async def create_message_route(body: CreateMessageRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        route = await service.create_message_route(session, who, body, platform.clock.now())
    return presenters.message_route(route)


@router.get("/v1.0/message/routes", tags=["Message"], summary="Message Route Details")
async def get_message_route(
    request: Request,
    who: Principal = Depends(principal),
    message_route_id: str | None = Query(None, alias="MessageRouteId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    if not message_route_id:
        raise required("MessageRouteId")
    async with platform_of(request).db.read() as session:
        route = await service.find_message_route(session, who, message_route_id, account_id)
    return presenters.message_route(route)


@router.post("/v1.0/message/routes/update", tags=["Message"], summary="Update Message Route")
async def update_message_route(body: UpdateMessageRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        route = await service.update_message_route(session, who, body, platform.clock.now())
    return presenters.message_route(route)


@router.post("/v1.0/message/routes/delete", tags=["Message"], summary="Delete Message Route")
async def delete_message_route(body: DeleteMessageRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        route_id = await service.delete_message_route(session, who, body.message_route_id, body.account_id)
    return {"MessageRouteStatus": "Deleted", "MRID": route_id}


@router.get("/v1.0/account/message/routes", tags=["Accounts"], summary="List Message Routes")
async def list_message_routes(
    request: Request, who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> dict:
    account = who.resolve_account(account_id)
    async with platform_of(request).db.read() as session:
        routes = await service.repository.list_message_routes(session, account)
    return {
        "AccountID": account,
        "TotalRoutes": len(routes),
        "Results": [presenters.message_route(r, account_key="AccountID") for r in routes],
    }


@router.post("/v1.0/voice/routes", tags=["Voice"], summary="Create Voice Route")
async def create_voice_route(body: CreateVoiceRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        route = await service.create_voice_route(session, who, body, platform.clock.now())
    return presenters.voice_route(route)


@router.get("/v1.0/voice/routes", tags=["Voice"], summary="Get Voice Route Details")
async def get_voice_route(
    request: Request,
    who: Principal = Depends(principal),
    call_route_id: str | None = Query(None, alias="CallRouteID"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    if not call_route_id:
        raise required("CallRouteID")
    async with platform_of(request).db.read() as session:
        route = await service.find_voice_route(session, who, call_route_id, account_id)
    return presenters.voice_route(route)


@router.post("/v1.0/voice/routes/update", tags=["Voice"], summary="Update Voice Route")
async def update_voice_route(body: UpdateVoiceRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        route = await service.update_voice_route(session, who, body, platform.clock.now())
    return presenters.voice_route(route)


@router.post("/v1.0/voice/routes/delete", tags=["Voice"], summary="Delete Voice Route")
async def delete_voice_route(body: DeleteVoiceRoute, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        route_id = await service.delete_voice_route(session, who, body.call_route_id, body.account_id)
    return {"CallRouteStatus": "Deleted", "CallRouteId": route_id}


@router.get("/v1.0/account/voice/routes", tags=["Accounts"], summary="List Voice Routes")
async def list_voice_routes(
    request: Request, who: Principal = Depends(principal), account_id: str | None = Query(None, alias="AccountId")
) -> dict:
    account = who.resolve_account(account_id)
    async with platform_of(request).db.read() as session:
        routes = await service.repository.list_voice_routes(session, account)
    return {
        "AccountID": account,
        "TotalRoutes": len(routes),
        "Results": [presenters.voice_route(r, listing=True) for r in routes],
    }
