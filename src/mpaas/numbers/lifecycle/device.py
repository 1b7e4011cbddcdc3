"""A number's device and SIM: its NNID, the device the network last saw with it, and its SIM's state."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, missing, required
from mpaas.models import PhoneNumber
from mpaas.numbers import repository
from mpaas.numbers.lifecycle.schemas import PhoneNumberRequest, SimStatusRequest
from mpaas.numbers.lifecycle.service import find, find_live
from mpaas.numbers.usage import repository as usage_repository

# --- NNID, device ----------------------------------------------------------------------------------


async def refresh_nnid(session: AsyncSession, principal: Principal, body: PhoneNumberRequest, now: datetime) -> dict:
    row = await find_live(session, principal, body.phone_number, body.account_id)
    row.nnid, row.updated_at = f"NNID-{secrets.token_hex(8).upper()}", now
    return {"PhoneNumber": row.number, "NNID": row.nnid, "Successful": True}


async def device_details(session: AsyncSession, principal: Principal, body: PhoneNumberRequest) -> dict:
    row = await find(session, principal, body.phone_number, body.account_id)
    imei = await usage_repository.imei_of(session, row.id)
    return {
        "AccountId": row.account_id,
        "PhoneNumber": row.number,
        "NumberType": {"mvno": "MVNO", "iot": "IoT"}.get(row.number_type, row.number_type),
        "IMEI": imei,
        "DeviceModel": None,
        "DeviceName": None,
        "TAC": imei[:8] if imei else None,
        "Status": "Success",
        "StatusMessage": "" if imei else "No device has reported this number to the network yet.",
    }


# --- SIMs ------------------------------------------------------------------------------------------


def sim_status_of(row: PhoneNumber) -> str:
    return row.sim_status or ("Active" if row.iccid else "Empty")


async def sim_update_status(session: AsyncSession, principal: Principal, body: SimStatusRequest, now: datetime) -> dict:
    if not body.iccid:
        raise required("ICCID")
    if not body.sim_status:
        raise required("SimStatus")
    accounts = principal.visible_accounts(body.account_id)
    row = await repository.find_number(session, accounts, iccid=body.iccid)
    if body.msisdn:
        target = await find_live(session, principal, body.msisdn, body.account_id, field="MSISDN")
        if row is not None and row.id != target.id:
            raise bad_request(f"ICCID {body.iccid} is assigned to {row.number}, not {target.number}.")
        if row is None:
            if await repository.iccid_holder(session, body.iccid) is not None:
                raise missing("SIM", body.iccid)
            if body.sim_status != "Empty":  # attach the SIM to the number
                target.iccid, target.qr_code = body.iccid, None
                await repository.flush_iccid(session, body.iccid)
            row = target
    if row is None:
        raise missing("SIM", body.iccid)
    if body.sim_status == "Empty":
        return await _clear(row, body.iccid, now)
    row.sim_status, row.updated_at = body.sim_status, now
    return {"ICCID": body.iccid, "SimStatus": body.sim_status, "Successful": True}


async def _clear(row: PhoneNumber, iccid: str, now: datetime) -> dict:
    row.iccid, row.qr_code, row.sim_status, row.updated_at = None, None, "Empty", now
    return {"ICCID": iccid, "SimStatus": "Empty", "Successful": True}


async def sim_clear_status(session: AsyncSession, principal: Principal, body: SimStatusRequest, now: datetime) -> dict:
    if not body.iccid:
        raise required("ICCID")
    row = await repository.find_number(session, principal.visible_accounts(body.account_id), iccid=body.iccid)
    if row is None:
        raise missing("SIM", body.iccid)
    return await _clear(row, body.iccid, now)
