"""Numbers endpoints: availability, provision, order, details, inventory."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession
from mpaas.numbers import presenters
from mpaas.numbers.provisioning import service
from mpaas.numbers.provisioning.schemas import (
    AvailabilityOut,
    AvailabilityRequest,
    NumberDetailsOut,
    NumberOrderOut,
    NumbersInventoryOut,
    ProvisionOut,
    ProvisionRequest,
)

router = APIRouter(tags=["Numbers"])

MAX_PAGE_SIZE = 1000


@router.post("/v1.0/numbers/availability", summary="Search Available Numbers", response_model=AvailabilityOut)
async def search_availability(
    body: AvailabilityRequest, _who: Caller, session: ReadSession, now: Now
) -> dict[str, Any]:
    return await service.availability(session, body, now)


@router.post("/v1.0/numbers/provision", summary="Number Provision (Purchase/Order)", response_model=ProvisionOut)
async def provision_number(
    body: ProvisionRequest, who: Caller, session: WriteSession, now: Now, settings: SettingsDep
) -> dict[str, Any]:
    provisioned = await service.provision(session, who, body, now, settings.esim_smdp_address)
    return service.provision_response(provisioned)


@router.get("/v1.0/numbers/order", summary="Order ID Details", response_model=NumberOrderOut)
async def order_details(
    who: Caller, session: ReadSession, order_id: str | None = Query(None, alias="OrderId")
) -> dict[str, Any]:
    return presenters.order(await service.find_order(session, who, order_id))


@router.get("/v1.0/numbers", summary="Number Details", response_model=NumberDetailsOut)
async def number_details(
    who: Caller,
    session: ReadSession,
    number: str | None = Query(None, alias="Number"),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    iccid: str | None = Query(None, alias="ICCID"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    found = await service.find_number(session, who, number or phone_number, iccid, account_id)
    return presenters.number_details(found)


@router.get("/v1.0/numbers/inventory", summary="Numbers Inventory", response_model=NumbersInventoryOut)
async def numbers_inventory(
    who: Caller,
    session: ReadSession,
    page_number: str | None = Query(None, alias="PageNumber"),
    filter: str | None = Query(None, alias="Filter"),
    total_numbers_requested: int | None = Query(None, alias="TotalNumbersRequested", ge=1, le=MAX_PAGE_SIZE),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    page = await service.inventory_page(session, who, page_number, filter, total_numbers_requested, account_id)
    return {
        "AccountId": page.account_id,
        "TotalResults": page.total,
        "PageNumber": page.page,
        "Filter": filter or "All",
        "PhoneNumbers": [presenters.inventory_item(n) for n in page.numbers],
    }
