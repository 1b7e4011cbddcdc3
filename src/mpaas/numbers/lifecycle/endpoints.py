"""Numbers lifecycle endpoints: update, status, reactivate, NNID, device, E911, voicemail, SIMs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.numbers.dependencies import Policy, QrLinksDep
from mpaas.numbers.lifecycle import device, e911, service, voicemail
from mpaas.numbers.lifecycle.schemas import (
    DeviceDetailsOut,
    E911Out,
    E911UpdateRequest,
    NnidOut,
    NumberStatusOut,
    NumberUpdateOut,
    PhoneNumberRequest,
    ReactivateOut,
    SimStatusOut,
    SimStatusRequest,
    StatusChangeOut,
    StatusChangeRequest,
    UpdateNumberRequest,
    VoicemailActivatedOut,
    VoicemailChangedOut,
    VoicemailInfoOut,
    VoicemailRequest,
)

router = APIRouter(tags=["Numbers"])
sims = APIRouter(tags=["Sims"])


@router.post("/v1.0/numbers/update", summary="Numbers Update", response_model=NumberUpdateOut)
async def update_number(body: UpdateNumberRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await service.update_number(session, who, body, now)


# exclude_unset: `Fee` appears only on the changes that cost one, as before.
@router.post(
    "/v1.0/numbers/status",
    summary="Numbers Status",
    response_model=StatusChangeOut,
    response_model_exclude_unset=True,
)
async def change_status(
    body: StatusChangeRequest, who: Caller, session: WriteSession, now: Now, policy: Policy, links: QrLinksDep
) -> dict[str, Any]:
    return await service.change_status(session, who, body, now, policy, links)


@router.post("/v1.0/numbers/reactivate", summary="Numbers - Reactivate", response_model=ReactivateOut)
async def reactivate(
    body: PhoneNumberRequest, who: Caller, session: WriteSession, now: Now, policy: Policy
) -> dict[str, Any]:
    return await service.reactivate(session, who, body, now, policy)


@router.post("/v1.0/numbers/refresh-nnid", summary="Numbers - Refresh NNID", response_model=NnidOut)
async def refresh_nnid(body: PhoneNumberRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await device.refresh_nnid(session, who, body, now)


@router.post("/v1.0/numbers/device-details", summary="Device Details", response_model=DeviceDetailsOut)
async def device_details(body: PhoneNumberRequest, who: Caller, session: ReadSession) -> dict[str, Any]:
    return await device.device_details(session, who, body)


@router.get("/v1.0/numbers/e911address", summary="Numbers - Get E911 Address", response_model=E911Out)
async def get_e911(
    who: Caller,
    session: ReadSession,
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    return await e911.get_e911(session, who, phone_number, account_id)


@router.post(
    "/v1.0/numbers/e911address/update", summary="Numbers - Update E911 Address", response_model=NumberStatusOut
)
async def update_e911(body: E911UpdateRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await e911.update_e911(session, who, body, now)


@router.post("/v1.0/numbers/voicemail/info", summary="Get Voicemail Info", response_model=VoicemailInfoOut)
async def voicemail_info(body: PhoneNumberRequest, who: Caller, session: ReadSession) -> dict[str, Any]:
    return await voicemail.voicemail_info(session, who, body)


@router.post("/v1.0/numbers/voicemail/activate", summary="Activate Voicemail", response_model=VoicemailActivatedOut)
async def voicemail_activate(body: VoicemailRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await voicemail.voicemail_activate(session, who, body, now)


@router.post("/v1.0/numbers/voicemail/update", summary="Update Voicemail", response_model=VoicemailChangedOut)
async def voicemail_update(body: VoicemailRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await voicemail.voicemail_update(session, who, body, now)


@router.post("/v1.0/numbers/voicemail/delete", summary="Delete Voicemail", response_model=VoicemailChangedOut)
async def voicemail_delete(body: PhoneNumberRequest, who: Caller, session: WriteSession) -> dict[str, Any]:
    return await voicemail.voicemail_delete(session, who, body)


@sims.post("/v1.0/sims/update-status", summary="Update SIM Status", response_model=SimStatusOut)
async def sim_update_status(body: SimStatusRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await device.sim_update_status(session, who, body, now)


@sims.post("/v1.0/sims/clear-status", summary="Clear SIM Status", response_model=SimStatusOut)
async def sim_clear_status(body: SimStatusRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await device.sim_clear_status(session, who, body, now)


router.include_router(sims)
