"""A number's voicemail box: its PIN (hashed), contact and owner's name."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, required
from mpaas.core.security.hashing import hash_secret_off_loop
from mpaas.models import NumberVoicemail, PhoneNumber
from mpaas.numbers.lifecycle.schemas import PhoneNumberRequest, VoicemailRequest
from mpaas.numbers.lifecycle.service import find, find_live

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- voicemail -------------------------------------------------------------------------------------


def check_pin(pin: str, number: str) -> None:
    """4 to 10 digits; not one repeated digit, not the number's last digits. A straight run is allowed: the
    vendor's own samples are `1234` and `5678` (issue 17)."""
    if not re.fullmatch(r"\d{4,10}", pin):
        raise bad_request("The PIN field must be 4 to 10 digits.")
    if len(set(pin)) == 1:
        raise bad_request("The PIN must not repeat a single digit.")
    if number.endswith(pin):
        raise bad_request("The PIN must not be the last digits of the phone number.")


def _check_email(email: str | None) -> None:
    if email and not EMAIL_RE.fullmatch(email):
        raise bad_request("The Email field must be an email address.")


async def voicemail_info(session: AsyncSession, principal: Principal, body: PhoneNumberRequest) -> dict:
    row = await find(session, principal, body.phone_number, body.account_id)
    box = await session.get(NumberVoicemail, row.id)
    return {
        "PhoneNumber": row.number,
        "VoicemailEnabled": box is not None,
        "Email": box.email if box else None,
        "FirstName": box.first_name if box else None,
        "LastName": box.last_name if box else None,
    }


async def voicemail_activate(
    session: AsyncSession, principal: Principal, body: VoicemailRequest, now: datetime
) -> dict:
    row = await find_live(session, principal, body.phone_number, body.account_id)
    if not body.pin:
        raise required("PIN")
    check_pin(body.pin, row.number)
    _check_email(body.email)
    if await session.get(NumberVoicemail, row.id) is not None:
        raise bad_request(
            f"Voicemail is already active on {row.number}; change it with POST /v1.0/numbers/voicemail/update."
        )
    session.add(
        NumberVoicemail(
            phone_number_id=row.id,
            pin_hash=await hash_secret_off_loop(body.pin),
            email=body.email,
            first_name=body.first_name,
            last_name=body.last_name,
            created_at=now,
            updated_at=now,
        )
    )
    return {"PhoneNumber": row.number, "VoicemailActivated": True, "Successful": True}


async def _box(session: AsyncSession, row: PhoneNumber) -> NumberVoicemail:
    box = await session.get(NumberVoicemail, row.id)
    if box is None:
        raise bad_request(
            f"Voicemail is not active on {row.number}; activate it with POST /v1.0/numbers/voicemail/activate."
        )
    return box


async def voicemail_update(session: AsyncSession, principal: Principal, body: VoicemailRequest, now: datetime) -> dict:
    row = await find_live(session, principal, body.phone_number, body.account_id)
    box = await _box(session, row)
    if body.pin:
        check_pin(body.pin, row.number)
        box.pin_hash = await hash_secret_off_loop(body.pin)
    _check_email(body.email)
    for field in ("email", "first_name", "last_name"):
        if getattr(body, field) is not None:
            setattr(box, field, getattr(body, field))
    box.updated_at = now
    return {"PhoneNumber": row.number, "Successful": True, "Message": "Voicemail settings updated"}


async def voicemail_delete(session: AsyncSession, principal: Principal, body: PhoneNumberRequest) -> dict:
    row = await find(session, principal, body.phone_number, body.account_id)
    await session.delete(await _box(session, row))
    return {"PhoneNumber": row.number, "Successful": True, "Message": "Voicemail removed"}
