"""Operator API (/ops/v1): platform administration outside the vendor contract, behind the operator token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from mpaas.accounts.service import create_distributor
from mpaas.auth.dependencies import platform_of
from mpaas.core.errors import ApiError
from mpaas.core.security.operator import load_operator_token, token_matches
from mpaas.core.wire import Required, WireModel

router = APIRouter(prefix="/ops/v1", tags=["Operator"])


async def operator(request: Request) -> None:
    platform = platform_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token_matches(load_operator_token(platform.settings), token.strip()):
        raise ApiError(401, "Unauthorized: the operator bearer token (MPAAS_OPERATOR_TOKEN) is missing or invalid.")


class CreateDistributor(WireModel):
    name: Required = Field(alias="Name", examples=["Acme Wireless"])
    rate_limit: int | None = Field(
        default=None, alias="RateLimit", ge=0, description="Requests per minute for the credential; 0 = unlimited"
    )


@router.post("/distributors", dependencies=[Depends(operator)], summary="Create a distributor with one account")
async def create(body: CreateDistributor, request: Request) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        issued = await create_distributor(session, name=body.name, rate_limit=body.rate_limit, now=platform.clock.now())
    return issued.as_wire()


@router.get("/health", dependencies=[Depends(operator)], summary="Liveness and database reachability")
async def health(request: Request) -> dict:
    from sqlalchemy import text

    async with platform_of(request).db.read() as session:
        await session.execute(text("SELECT 1"))
    return {"Status": "ok"}


@router.get("/carriers", dependencies=[Depends(operator)], summary="Bind state of this process's carrier connectors")
async def carriers(request: Request) -> dict:
    """What `mpaas carriers list --server URL` shows: each bind as the running process holds it."""
    connector = getattr(request.app.state.runtime, "connector", None)
    if connector is None:
        return {"Carriers": []}
    state = connector.state()
    return {"Carriers": state.get("carriers", [state])}
