"""Numbers lifecycle endpoints: update, status, reactivate, NNID, device, E911, voicemail, SIMs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.schemas import (
    E911UpdateRequest,
    PhoneNumberRequest,
    SimStatusRequest,
    StatusChangeRequest,
    UpdateNumberRequest,
    VoicemailRequest,
)

router = APIRouter(tags=["Numbers"])
sims = APIRouter(tags=["Sims"])


@router.post("/v1.0/numbers/update", summary="Numbers Update")
async def update_number(body: UpdateNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.update_number(session, who, body, platform.clock.now())


@router.post("/v1.0/numbers/status", summary="Numbers Status")
async def change_status(body: StatusChangeRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        result = await lifecycle.change_status(
            session, who, body, platform.clock.now(), NumberPolicy.of(platform.settings)
        )
    platform.jobs.notify()
    return result


@router.post("/v1.0/numbers/reactivate", summary="Numbers - Reactivate")
async def reactivate(body: PhoneNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.reactivate(session, who, body, platform.clock.now(), NumberPolicy.of(platform.settings))


@router.post("/v1.0/numbers/refresh-nnid", summary="Numbers - Refresh NNID")
async def refresh_nnid(body: PhoneNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.refresh_nnid(session, who, body, platform.clock.now())


@router.post("/v1.0/numbers/device-details", summary="Device Details")
async def device_details(body: PhoneNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.read() as session:
        return await lifecycle.device_details(session, who, body)


@router.get("/v1.0/numbers/e911address", summary="Numbers - Get E911 Address")
async def get_e911(
    request: Request,
    who: Principal = Depends(principal),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    async with platform_of(request).db.read() as session:
        return await lifecycle.get_e911(session, who, phone_number, account_id)


@router.post("/v1.0/numbers/e911address/update", summary="Numbers - Update E911 Address")
async def update_e911(body: E911UpdateRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.update_e911(session, who, body, platform.clock.now())


@router.post("/v1.0/numbers/voicemail/info", summary="Get Voicemail Info")
async def voicemail_info(body: PhoneNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.read() as session:
        return await lifecycle.voicemail_info(session, who, body)


@router.post("/v1.0/numbers/voicemail/activate", summary="Activate Voicemail")
async def voicemail_activate(body: VoicemailRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.voicemail_activate(session, who, body, platform.clock.now())


@router.post("/v1.0/numbers/voicemail/update", summary="Update Voicemail")
async def voicemail_update(body: VoicemailRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.voicemail_update(session, who, body, platform.clock.now())


@router.post("/v1.0/numbers/voicemail/delete", summary="Delete Voicemail")
async def voicemail_delete(body: PhoneNumberRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    async with platform_of(request).db.write() as session:
        return await lifecycle.voicemail_delete(session, who, body)


@sims.post("/v1.0/sims/update-status", summary="Update SIM Status")
async def sim_update_status(body: SimStatusRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.sim_update_status(session, who, body, platform.clock.now())


@sims.post("/v1.0/sims/clear-status", summary="Clear SIM Status")
async def sim_clear_status(body: SimStatusRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        return await lifecycle.sim_clear_status(session, who, body, platform.clock.now())


router.include_router(sims)
