"""Porting endpoints: port-in eligibility, orders, updates and cancellation, and port-out (`router`); and the
operator's side (`ops`, /ops/v1): the losing or gaining carrier's answers on a port order."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller, Operator
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession
from mpaas.numbers.dependencies import Policy, Sealed
from mpaas.numbers.porting import service
from mpaas.numbers.porting.schemas import (
    EligibilityOut,
    EligibilityRequest,
    OrderRequest,
    PortInCancelledOut,
    PortInOrderOut,
    PortInRequest,
    PortInUpdatedOut,
    PortInUpdateRequest,
    PortOrderStatusOut,
    PortOrderView,
    PortOutOrderOut,
    PortOutRequest,
    PortStatusReport,
)

router = APIRouter(tags=["Numbers"])
ops = APIRouter(prefix="/ops/v1", tags=["Operator"], dependencies=[Operator])


@router.post("/v1.0/numbers/portin/eligibility", summary="Numbers - Port In Eligibility", response_model=EligibilityOut)
async def eligibility(body: EligibilityRequest, _who: Caller, session: ReadSession) -> dict[str, Any]:
    return await service.eligibility(session, body)


@router.post("/v1.0/numbers/portin", summary="Numbers - Port In", response_model=PortInOrderOut)
async def port_in(
    body: PortInRequest,
    who: Caller,
    session: WriteSession,
    now: Now,
    policy: Policy,
    settings: SettingsDep,
    sealer: Sealed,
) -> dict[str, Any]:
    return await service.port_in(
        session, who, body, now, policy, settings.sandbox_porting, settings.sandbox_port_seconds, sealer
    )


@router.post("/v1.0/numbers/portin/update", summary="Numbers - Update Port In", response_model=PortInUpdatedOut)
async def port_in_update(
    body: PortInUpdateRequest,
    who: Caller,
    session: WriteSession,
    now: Now,
    policy: Policy,
    settings: SettingsDep,
    sealer: Sealed,
) -> dict[str, Any]:
    return await service.update_port_in(
        session, who, body, now, policy, settings.sandbox_porting, settings.sandbox_port_seconds, sealer
    )


@router.post("/v1.0/numbers/portin/cancel", summary="Numbers - Cancel Port In", response_model=PortInCancelledOut)
async def port_in_cancel(
    body: OrderRequest, who: Caller, session: WriteSession, now: Now, policy: Policy
) -> dict[str, Any]:
    return await service.cancel_port_in(session, who, body, now, policy)


@router.post("/v1.0/numbers/portout", summary="Numbers - Port Out", response_model=PortOutOrderOut)
async def port_out(
    body: PortOutRequest, who: Caller, session: WriteSession, now: Now, sealer: Sealed
) -> dict[str, Any]:
    return await service.port_out(session, who, body, now, sealer)


@ops.post(
    "/port-orders/status",
    summary="Report the losing or gaining carrier's answer on a port order",
    response_model=PortOrderStatusOut,
)
async def port_order_status(
    body: PortStatusReport, session: WriteSession, now: Now, policy: Policy, sealer: Sealed
) -> dict[str, Any]:
    return await service.operator_report(
        session, body.order_id, body.status, body.code, body.message, now, policy, body.port_out_pin, sealer
    )


@ops.get(
    "/port-orders",
    summary="A port order as the operator relays it to the other carrier (port-in password decrypted)",
    response_model=PortOrderView,
)
async def port_order_view(
    session: ReadSession, sealer: Sealed, order_id: str | None = Query(None, alias="OrderId")
) -> dict[str, Any]:
    return await service.operator_view(session, order_id, sealer)
