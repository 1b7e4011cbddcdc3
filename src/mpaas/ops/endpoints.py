"""Operator API (/ops/v1): platform administration outside the vendor contract, behind the operator token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from mpaas.accounts.service import create_distributor, rotate_secret, set_active
from mpaas.auth.dependencies import Operator
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.ops import service
from mpaas.ops.schemas import (
    CarrierStates,
    DistributorKey,
    DistributorStateOut,
    Health,
    IssuedCredentialOut,
    OperatorCreateDistributor,
    RotatedSecretOut,
)

router = APIRouter(prefix="/ops/v1", tags=["Operator"], dependencies=[Operator])


@router.post("/distributors", summary="Create a distributor with one account", response_model=IssuedCredentialOut)
async def create(body: OperatorCreateDistributor, session: WriteSession, now: Now) -> dict[str, Any]:
    issued = await create_distributor(session, name=body.name, rate_limit=body.rate_limit, now=now)
    return issued.as_wire()


@router.post(
    "/distributors/rotate-secret",
    summary="Replace a distributor's AccountSecret (the old one and its tokens stop working at once)",
    response_model=RotatedSecretOut,
)
async def rotate(body: DistributorKey, session: WriteSession) -> dict[str, Any]:
    return {"AccountKey": body.account_key, "AccountSecret": await rotate_secret(session, body.account_key)}


@router.post(
    "/distributors/deactivate",
    summary="Deactivate a distributor: its tokens are refused and no new ones are issued",
    response_model=DistributorStateOut,
)
async def deactivate(body: DistributorKey, session: WriteSession) -> dict[str, Any]:
    return {"AccountKey": await set_active(session, body.account_key, False), "Active": False}


@router.post(
    "/distributors/reactivate",
    summary="Reactivate a distributor (tokens minted before its deactivation stay refused)",
    response_model=DistributorStateOut,
)
async def reactivate(body: DistributorKey, session: WriteSession) -> dict[str, Any]:
    return {"AccountKey": await set_active(session, body.account_key, True), "Active": True}


@router.get("/health", summary="Liveness and database reachability", response_model=Health)
async def health(session: ReadSession) -> dict[str, Any]:
    await service.check_database(session)
    return {"Status": "ok"}


@router.get("/carriers", summary="Bind state of this process's carrier connectors", response_model=CarrierStates)
async def carriers(request: Request) -> dict[str, Any]:
    """What `mpaas carriers list --server URL` shows: each bind as the running process holds it."""
    return {"Carriers": service.carrier_states(request.app.state.runtime)}
