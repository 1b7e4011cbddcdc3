"""A number's E911 address: read back to emergency services, so stored MSAG-style (upper case) and checked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core.errors import bad_request, required
from mpaas.models import NumberE911, PhoneNumber
from mpaas.numbers.lifecycle.schemas import E911UpdateRequest
from mpaas.numbers.lifecycle.service import find, find_live
from mpaas.numbers.us_states import ADDRESS_ZIP, WITH_TERRITORIES

# --- E911 ------------------------------------------------------------------------------------------


def _e911_view(row: PhoneNumber, address: NumberE911 | None) -> dict:
    return {
        "PhoneNumber": row.number,
        "AccountId": row.account_id,
        "E911Address": None
        if address is None
        else {
            "Street1": address.street1,
            "Street2": address.street2,
            "City": address.city,
            "State": address.state,
            "Zip": address.zip,
        },
    }


async def get_e911(
    session: AsyncSession, principal: Principal, phone_number: str | None, account_id: str | None
) -> dict:
    row = await find(session, principal, phone_number, account_id)
    return _e911_view(row, await session.get(NumberE911, row.id))


async def update_e911(session: AsyncSession, principal: Principal, body: E911UpdateRequest, now: datetime) -> dict:
    street1, city, state, zip_code = body.street1, body.city, body.state, body.zip
    for value, name in ((street1, "Street1"), (city, "City"), (state, "State"), (zip_code, "Zip")):
        if not value:
            raise required(name)
    assert street1 and city and state and zip_code  # each checked above (a loop mypy does not follow)
    state = state.upper()
    if state not in WITH_TERRITORIES:
        raise bad_request("The State field must be a two-letter US state abbreviation such as UT.")
    if not ADDRESS_ZIP.fullmatch(zip_code):
        raise bad_request("The Zip field must be a 5-digit ZIP code or ZIP+4 (84043 or 84043-6330).")
    row = await find_live(session, principal, body.phone_number, body.account_id)
    address = await session.get(NumberE911, row.id)
    if address is None:
        address = NumberE911(phone_number_id=row.id)
        session.add(address)
    # Stored MSAG-style, upper case, as the address is read back to emergency services.
    address.street1, address.street2 = street1.upper(), (body.street2 or "").upper() or None
    address.city, address.state, address.zip, address.updated_at = city.upper(), state, zip_code, now
    return {"PhoneNumber": row.number, "Status": "Success", "StatusMessage": ""}
