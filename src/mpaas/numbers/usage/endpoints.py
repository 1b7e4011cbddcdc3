"""Data usage endpoints: limits, settings, info and renewal per number (`router`); and the operator's side
(`ops`, /ops/v1): usage records from the network and the enforcement policy a PCRF or packet gateway reads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller, Operator
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession
from mpaas.numbers.usage import renewal, service
from mpaas.numbers.usage.schemas import (
    DataUsageLimitsOut,
    DataUsageRequest,
    NumbersRequest,
    RenewalInfoOut,
    RenewalInfoRequest,
    UsageBatch,
    UsageInfoOut,
    UsageIngestedOut,
    UsagePolicyOut,
    UsageSettingsOut,
)

router = APIRouter(tags=["Numbers"])
ops = APIRouter(prefix="/ops/v1", tags=["Operator"], dependencies=[Operator])


@router.post("/v1.0/numbers/data-usage", summary="Data Usage Limit", response_model=DataUsageLimitsOut)
async def data_usage(
    body: DataUsageRequest, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    return await service.set_limits(session, who, body, now, settings.numbers_time_zone)


# exclude_unset (here and in info): a number the caller does not hold is answered with three fields only.
@router.post(
    "/v1.0/numbers/data-usage/settings",
    summary="Data Usage Settings",
    response_model=UsageSettingsOut,
    response_model_exclude_unset=True,
)
async def data_usage_settings(body: NumbersRequest, who: Caller, session: ReadSession) -> dict[str, Any]:
    return await service.settings_of(session, who, body)


@router.post(
    "/v1.0/numbers/data-usage/info",
    summary="Data Usage Info",
    response_model=UsageInfoOut,
    response_model_exclude_unset=True,
)
async def data_usage_info(body: NumbersRequest, who: Caller, session: ReadSession) -> dict[str, Any]:
    return await service.info_of(session, who, body)


@router.post(
    "/v1.0/numbers/data-usage/update-renewal-info",
    summary="Data Usage Update Renewal Info",
    response_model=RenewalInfoOut,
)
async def update_renewal(
    body: RenewalInfoRequest, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    return await renewal.update_renewal(session, who, body, now, settings.numbers_time_zone)


@ops.post(
    "/usage",
    summary="Ingest usage records from the network (idempotent by RecordId)",
    response_model=UsageIngestedOut,
)
async def ingest_usage(body: UsageBatch, session: WriteSession, now: Now, settings: SettingsDep) -> dict[str, Any]:
    return await service.ingest(session, body.records, now, settings.numbers_time_zone)


@ops.get(
    "/policy",
    summary="Enforcement policy of a number (Active, Throttled at a speed, or Blocked)",
    response_model=UsagePolicyOut,
)
async def get_policy(
    session: ReadSession, now: Now, phone_number: str | None = Query(None, alias="PhoneNumber")
) -> dict[str, Any]:
    return await service.policy(session, phone_number, now)
