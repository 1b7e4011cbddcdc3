"""Data usage and porting endpoints, and their operator side (/ops/v1): usage records from the network,
the enforcement policy a PCRF or packet gateway reads, and the losing carrier's port answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.porting import service as porting
from mpaas.numbers.porting.service import (
    EligibilityRequest,
    OrderRequest,
    PortInRequest,
    PortInUpdateRequest,
    PortOutRequest,
)
from mpaas.numbers.schemas import DataUsageRequest, NumbersRequest, PortStatusReport, RenewalInfoRequest, UsageBatch
from mpaas.numbers.usage import service as usage
from mpaas.ops.endpoints import operator

router = APIRouter(tags=["Numbers"])
ops = APIRouter(prefix="/ops/v1", tags=["Operator"], dependencies=[Depends(operator)])


@router.post("/v1.0/numbers/data-usage", summary="Data Usage Limit")
async def data_usage(body: DataUsageRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await usage.set_limits(session, who, body, platform.clock.now(), platform.settings.numbers_time_zone)


@router.post("/v1.0/numbers/data-usage/settings", summary="Data Usage Settings")
async def data_usage_settings(body: NumbersRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.read() as session:
        return await usage.settings_of(session, who, body)


@router.post("/v1.0/numbers/data-usage/info", summary="Data Usage Info")
async def data_usage_info(body: NumbersRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.read() as session:
        return await usage.info_of(session, who, body)


@router.post("/v1.0/numbers/data-usage/update-renewal-info", summary="Data Usage Update Renewal Info")
async def update_renewal(body: RenewalInfoRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        result = await usage.update_renewal(
            session, who, body, platform.clock.now(), platform.settings.numbers_time_zone
        )
    platform.jobs.notify()
    return result


@router.post("/v1.0/numbers/portin/eligibility", summary="Numbers - Port In Eligibility")
async def eligibility(body: EligibilityRequest, request: Request, _who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.read() as session:
        return await porting.eligibility(session, body)


def _sandbox(platform) -> tuple[bool, float]:
    return platform.settings.sandbox_porting, platform.settings.sandbox_port_seconds


@router.post("/v1.0/numbers/portin", summary="Numbers - Port In")
async def port_in(body: PortInRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        result = await porting.port_in(
            session, who, body, platform.clock.now(), NumberPolicy.of(platform.settings), *_sandbox(platform)
        )
    platform.jobs.notify()
    return result


@router.post("/v1.0/numbers/portin/update", summary="Numbers - Update Port In")
async def port_in_update(body: PortInUpdateRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        result = await porting.update_port_in(
            session, who, body, platform.clock.now(), NumberPolicy.of(platform.settings), *_sandbox(platform)
        )
    platform.jobs.notify()
    return result


@router.post("/v1.0/numbers/portin/cancel", summary="Numbers - Cancel Port In")
async def port_in_cancel(body: OrderRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await porting.cancel_port_in(
            session, who, body, platform.clock.now(), NumberPolicy.of(platform.settings)
        )


@router.post("/v1.0/numbers/portout", summary="Numbers - Port Out")
async def port_out(body: PortOutRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await porting.port_out(session, who, body, platform.clock.now())


@ops.post("/usage", summary="Ingest usage records from the network (idempotent by RecordId)")
async def ingest_usage(body: UsageBatch, request: Request) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await usage.ingest(session, body.records, platform.clock.now(), platform.settings.numbers_time_zone)


@ops.get("/policy", summary="Enforcement policy of a number (Active, Throttled at a speed, or Blocked)")
async def get_policy(request: Request, phone_number: str | None = Query(None, alias="PhoneNumber")) -> dict:
    platform = platform_of(request)
    async with platform.db.read() as session:
        return await usage.policy(session, phone_number, platform.clock.now())


@ops.post("/port-orders/status", summary="Report the losing or gaining carrier's answer on a port order")
async def port_order_status(body: PortStatusReport, request: Request) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await porting.operator_report(
            session,
            body.order_id,
            body.status,
            body.code,
            body.message,
            platform.clock.now(),
            NumberPolicy.of(platform.settings),
        )
