"""Numbers endpoints: availability, provision, order, details, inventory."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import bad_request, missing, required
from mpaas.core.phone import normalize_e164
from mpaas.numbers import presenters, repository
from mpaas.numbers.provisioning import service
from mpaas.numbers.schemas import AvailabilityRequest, ProvisionRequest

router = APIRouter(tags=["Numbers"])

MAX_PAGE_SIZE = 1000


@router.post("/v1.0/numbers/availability", summary="Search Available Numbers")
async def search_availability(
    body: AvailabilityRequest, request: Request, _who: Principal = Depends(principal)
) -> dict:
    platform = platform_of(request)
    async with platform.db.read() as session:
        return await service.availability(session, body, platform.clock.now())


@router.post("/v1.0/numbers/provision", summary="Number Provision (Purchase/Order)")
async def provision_number(body: ProvisionRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        provisioned = await service.provision(
            session, who, body, platform.clock.now(), platform.settings.esim_smdp_address
        )
    return service.provision_response(provisioned)


@router.get("/v1.0/numbers/order", summary="Order ID Details")
async def order_details(
    request: Request, who: Principal = Depends(principal), order_id: str | None = Query(None, alias="OrderId")
) -> dict:
    if not order_id:
        raise required("OrderId")
    async with platform_of(request).db.read() as session:
        order = await repository.get_order(session, order_id, who.account_ids)
    if order is None:
        raise missing("order", order_id)
    return presenters.order(order)


@router.get("/v1.0/numbers", summary="Number Details")
async def number_details(
    request: Request,
    who: Principal = Depends(principal),
    number: str | None = Query(None, alias="Number"),
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    iccid: str | None = Query(None, alias="ICCID"),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    raw = number or phone_number
    if not raw and not iccid:
        raise required("Number")
    wanted = normalize_e164(raw) if raw else None
    if raw and wanted is None:
        raise bad_request("The Number field must be an E.164 number such as +18015551234.")
    async with platform_of(request).db.read() as session:
        found = await repository.find_number(session, who.visible_accounts(account_id), number=wanted, iccid=iccid)
    if found is None:
        raise missing("number", raw or iccid)
    return presenters.number_details(found)


@router.get("/v1.0/numbers/inventory", summary="Numbers Inventory")
async def numbers_inventory(
    request: Request,
    who: Principal = Depends(principal),
    page_number: str | None = Query(None, alias="PageNumber"),
    filter: str | None = Query(None, alias="Filter"),
    total_numbers_requested: int | None = Query(None, alias="TotalNumbersRequested", ge=1, le=MAX_PAGE_SIZE),
    account_id: str | None = Query(None, alias="AccountId"),
) -> dict:
    try:
        page = int(page_number or 1)
    except ValueError:
        raise bad_request("The PageNumber field must be a whole number starting at 1.") from None
    if page < 1:
        raise bad_request("The PageNumber field must be a whole number starting at 1.")
    size = total_numbers_requested or 100
    account = who.resolve_account(account_id)
    status = None if not filter or filter.lower() == "all" else filter
    async with platform_of(request).db.read() as session:
        total, rows = await repository.page_numbers(
            session, account, status=status, offset=(page - 1) * size, limit=size
        )
    return {
        "AccountId": account,
        "TotalResults": total,
        "PageNumber": page,
        "Filter": filter or "All",
        "PhoneNumbers": [presenters.inventory_item(n) for n in rows],
    }
