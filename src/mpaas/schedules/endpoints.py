"""Schedules: the contract's read (GET /v1.0/account/schedules) and the mpaas extension that writes them
(/ext/v1/schedules: the contract mentions `POST /v1.0/schedules` but defines no operation; docs/voice.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.schedules import service
from mpaas.schedules.schemas import (
    DAYS,
    AccountSchedules,
    CreateSchedule,
    DeleteSchedule,
    ScheduleDeleted,
    ScheduleOut,
    UpdateSchedule,
)

router = APIRouter()

_SCHEDULE = {
    "ScheduleId": "SID-019ae4c2-6d1b-7c3e-9a41-2f5d8e7b1c60",
    "Name": "Business Hours",
    "AccountId": "AID-019ae4c2-6d1b-7c3e-9a41-2f5d8e7b1c61",
    **{f"{day}{edge}Time": time for day in DAYS[:5] for edge, time in (("Start", "8:00 AM"), ("End", "5:00 PM"))},
    **{f"{day}{edge}Time": "" for day in DAYS[5:] for edge in ("Start", "End")},
}
_ONE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {"example": _SCHEDULE}}}}
_DELETED: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"example": {"ScheduleId": _SCHEDULE["ScheduleId"], "Successful": True}}}}
}


@router.get(
    "/v1.0/account/schedules", tags=["Accounts"], summary="Get Account Schedules", response_model=AccountSchedules
)
async def account_schedules(
    who: Caller, session: ReadSession, account_id: str | None = Query(None, alias="AccountId", max_length=64)
) -> dict[str, Any]:
    schedules = await service.listing(session, who, account_id)
    return {
        "AccountID": who.listed_account(account_id),
        "TotalSchedules": len(schedules),
        "Results": [service.present(s) for s in schedules],
    }


@router.post(
    "/ext/v1/schedules",
    tags=["Schedules"],
    summary="Create Schedule (mpaas)",
    response_model=ScheduleOut,
    responses=_ONE,
)
async def create_schedule(body: CreateSchedule, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return service.present(await service.create(session, who, body, now))


@router.get(
    "/ext/v1/schedules", tags=["Schedules"], summary="Get Schedule (mpaas)", response_model=ScheduleOut, responses=_ONE
)
async def get_schedule(
    who: Caller,
    session: ReadSession,
    schedule_id: str | None = Query(None, alias="ScheduleId", max_length=64),
    account_id: str | None = Query(None, alias="AccountId", max_length=64),
) -> dict[str, Any]:
    if not schedule_id or not schedule_id.strip():
        raise required("ScheduleId")
    return service.present(await service.find(session, who, schedule_id, account_id))


@router.post(
    "/ext/v1/schedules/update",
    tags=["Schedules"],
    summary="Update Schedule (mpaas)",
    response_model=ScheduleOut,
    responses=_ONE,
)
async def update_schedule(body: UpdateSchedule, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return service.present(await service.update(session, who, body, now))


@router.post(
    "/ext/v1/schedules/delete",
    tags=["Schedules"],
    summary="Delete Schedule (mpaas)",
    response_model=ScheduleDeleted,
    responses=_DELETED,
)
async def delete_schedule(body: DeleteSchedule, who: Caller, session: WriteSession) -> dict[str, Any]:
    return {"ScheduleId": await service.delete(session, who, body.schedule_id, body.account_id), "Successful": True}
