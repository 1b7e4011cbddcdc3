"""Numbers endpoints: availability, provision, order, details, inventory."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import not_found
from mpaas.dependencies import Now, PlatformDep, QuickReadSession, ReadSession, SettingsDep, WriteSession
from mpaas.numbers import presenters, repository
from mpaas.numbers.dependencies import QrLinksDep, Sealed, View
from mpaas.numbers.provisioning import qr, service
from mpaas.numbers.provisioning.availability_route import AvailabilityRoute
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
QR_NOT_FOUND = (
    "Not found: no QR code at this address. A swap-sim replaces a number's QR code and a cancelled number's "
    "stops working; read the current one from GET /v1.0/numbers (QrActivationLink)."
)


async def search_availability(body: AvailabilityRequest, _who: Caller, platform: PlatformDep, now: Now) -> Response:
    # The operation as the OpenAPI document and FastAPI's routing know it. Requests are served by its route's own
    # handler (availability_route.py: the same checks, errors and answer, without FastAPI's per-request
    # machinery); this function is what that handler does, for anything that calls it directly.
    return Response(await service.availability_json(platform.db, body, now), media_type="application/json")


router.add_api_route(
    "/v1.0/numbers/availability",
    search_availability,
    methods=["POST"],
    summary="Search Available Numbers",
    response_model=AvailabilityOut,
    route_class_override=AvailabilityRoute,
)


@router.post("/v1.0/numbers/provision", summary="Number Provision (Purchase/Order)", response_model=ProvisionOut)
async def provision_number(
    body: ProvisionRequest, who: Caller, session: WriteSession, now: Now, settings: SettingsDep, links: QrLinksDep
) -> dict[str, Any]:
    provisioned = await service.provision(session, who, body, now, settings.esim_smdp_address)
    return service.provision_response(provisioned, links)


@router.get("/v1.0/numbers/order", summary="Order ID Details", response_model=NumberOrderOut)
async def order_details(
    who: Caller, session: ReadSession, order_id: str | None = Query(None, alias="OrderId")
) -> dict[str, Any]:
    return presenters.order(await service.find_order(session, who, order_id))


@router.get("/v1.0/numbers", summary="Number Details", response_model=NumberDetailsOut)
async def number_details(
    who: Caller,
    session: ReadSession,
    sealer: Sealed,
    view: View,
    number: str | None = Query(None, alias="Number"),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    iccid: str | None = Query(None, alias="ICCID"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict[str, Any]:
    found = await service.find_number(session, who, number or phone_number, iccid, account_id)
    return presenters.number_details(found, sealer, view)


@router.get("/v1.0/numbers/inventory", summary="Numbers Inventory", response_model=NumbersInventoryOut)
async def numbers_inventory(
    who: Caller,
    session: ReadSession,
    sealer: Sealed,
    view: View,
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
        "PhoneNumbers": [presenters.inventory_item(n, sealer, view) for n in page.numbers],
    }


# The eSIM QR code image a `QRCode`/`QrActivationLink`/`QrCode` URL names. No bearer token: browsers and phones
# open it, and the URL is its own credential (numbers/provisioning/qr.py). Not an API operation, so not in the
# OpenAPI document; docs/numbers.md describes it.
@router.get(qr.PATH, include_in_schema=False)
async def esim_qr_image(phone_number_id: str, signature: str, session: QuickReadSession, links: QrLinksDep) -> Response:
    row = await repository.get_phone_number(session, phone_number_id)
    if row is None or not links.serves(row, signature):
        raise not_found(QR_NOT_FOUND)
    assert row.qr_code is not None  # serves() holds it
    # no-store: the link stops working when the number is cancelled or its eSIM replaced; no cache keeps it.
    return Response(qr.png(row.qr_code), media_type="image/png", headers={"Cache-Control": "no-store"})
