"""Message routes and voice routes endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.routes import presenters, service
from mpaas.routes.schemas import (
    CreateMessageRoute,
    CreateVoiceRoute,
    DeleteMessageRoute,
    DeleteVoiceRoute,
    MessageRouteDeleted,
    MessageRouteList,
    MessageRouteOut,
    UpdateMessageRoute,
    UpdateVoiceRoute,
    VoiceRouteDeleted,
    VoiceRouteList,
    VoiceRouteOut,
)

router = APIRouter()


@router.post("/v1.0/message/routes", tags=["Message"], summary="Create Message Route", response_model=MessageRouteOut)
async def create_message_route(
    body: CreateMessageRoute, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return presenters.message_route(await service.create_message_route(session, who, body, now))


@router.get(
    "/v1.0/message/routes",
    tags=["Message"],
    summary="Message Route Details",
    response_model=MessageRouteOut | list[MessageRouteOut],  # without MessageRouteId: the caller's routes
)
async def get_message_route(
    who: Caller,
    session: ReadSession,
    message_route_id: str | None = Query(None, alias="MessageRouteId"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> Any:
    if not message_route_id:  # optional in the contract: the routes of the caller's accounts (or the one named)
        _, routes = await service.list_message_routes(session, who, account_id)
        return [presenters.message_route(r) for r in routes]
    return presenters.message_route(await service.find_message_route(session, who, message_route_id, account_id))


@router.post(
    "/v1.0/message/routes/update", tags=["Message"], summary="Update Message Route", response_model=MessageRouteOut
)
async def update_message_route(
    body: UpdateMessageRoute, who: Caller, session: WriteSession, now: Now
) -> dict[str, Any]:
    return presenters.message_route(await service.update_message_route(session, who, body, now))


@router.post(
    "/v1.0/message/routes/delete", tags=["Message"], summary="Delete Message Route", response_model=MessageRouteDeleted
)
async def delete_message_route(body: DeleteMessageRoute, who: Caller, session: WriteSession) -> dict[str, Any]:
    route_id = await service.delete_message_route(session, who, body.message_route_id, body.account_id)
    return {"MessageRouteStatus": "Deleted", "MRID": route_id}


@router.get(
    "/v1.0/account/message/routes", tags=["Accounts"], summary="List Message Routes", response_model=MessageRouteList
)
async def list_message_routes(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId")
) -> dict[str, Any]:
    account, routes = await service.list_message_routes(session, who, account_id)
    return {
        "AccountID": account,
        "TotalRoutes": len(routes),
        "Results": [presenters.message_route(r, account_key="AccountID") for r in routes],
    }


@router.post("/v1.0/voice/routes", tags=["Voice"], summary="Create Voice Route", response_model=VoiceRouteOut)
async def create_voice_route(body: CreateVoiceRoute, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.voice_route(await service.create_voice_route(session, who, body, now))


@router.get(
    "/v1.0/voice/routes",
    tags=["Voice"],
    summary="Get Voice Route Details",
    response_model=VoiceRouteOut | list[VoiceRouteOut],  # without CallRouteID: the caller's routes
)
async def get_voice_route(
    who: Caller,
    session: ReadSession,
    call_route_id: str | None = Query(None, alias="CallRouteID"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> Any:
    if not call_route_id:  # optional in the contract: the routes of the caller's accounts (or the one named)
        _, routes = await service.list_voice_routes(session, who, account_id)
        return [presenters.voice_route(r) for r in routes]
    return presenters.voice_route(await service.find_voice_route(session, who, call_route_id, account_id))


@router.post("/v1.0/voice/routes/update", tags=["Voice"], summary="Update Voice Route", response_model=VoiceRouteOut)
async def update_voice_route(body: UpdateVoiceRoute, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return presenters.voice_route(await service.update_voice_route(session, who, body, now))


@router.post(
    "/v1.0/voice/routes/delete", tags=["Voice"], summary="Delete Voice Route", response_model=VoiceRouteDeleted
)
async def delete_voice_route(body: DeleteVoiceRoute, who: Caller, session: WriteSession) -> dict[str, Any]:
    route_id = await service.delete_voice_route(session, who, body.call_route_id, body.account_id)
    return {"CallRouteStatus": "Deleted", "CallRouteId": route_id}


@router.get("/v1.0/account/voice/routes", tags=["Accounts"], summary="List Voice Routes", response_model=VoiceRouteList)
async def list_voice_routes(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId")
) -> dict[str, Any]:
    account, routes = await service.list_voice_routes(session, who, account_id)
    return {
        "AccountID": account,
        "TotalRoutes": len(routes),
        "Results": [presenters.voice_route(r, listing=True) for r in routes],
    }
