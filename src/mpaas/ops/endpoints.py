"""Operator API (/ops/v1): platform administration outside the vendor contract, behind the operator token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from mpaas.accounts.service import create_distributor
from mpaas.auth.dependencies import Operator
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.ops import service
from mpaas.ops.schemas import CarrierStates, Health, IssuedCredentialOut, OperatorCreateDistributor

router = APIRouter(prefix="/ops/v1", tags=["Operator"], dependencies=[Operator])


@router.post("/distributors", summary="Create a distributor with one account", response_model=IssuedCredentialOut)
async def create(body: OperatorCreateDistributor, session: WriteSession, now: Now) -> dict[str, Any]:
    issued = await create_distributor(session, name=body.name, rate_limit=body.rate_limit, now=now)
    return issued.as_wire()


@router.get("/health", summary="Liveness and database reachability", response_model=Health)
async def health(session: ReadSession) -> dict[str, Any]:
    await service.check_database(session)
    return {"Status": "ok"}


@router.get("/carriers", summary="Bind state of this process's carrier connectors", response_model=CarrierStates)
async def carriers(request: Request) -> dict[str, Any]:
    """What `mpaas carriers list --server URL` shows: each bind as the running process holds it."""
    return {"Carriers": service.carrier_states(request.app.state.runtime)}
