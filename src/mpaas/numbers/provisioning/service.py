"""Availability search, provisioning, and the lookups of a distributor's numbers and orders."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.accounts.service import Principal
from mpaas.core import ids
from mpaas.core.db.database import Database
from mpaas.core.errors import bad_request, missing, not_found, required
from mpaas.core.phone import normalize_e164
from mpaas.core.wire import MAX_PAGE_NUMBER, iso
from mpaas.models import InventoryNumber, NumberOrder, PhoneNumber
from mpaas.numbers import events, repository
from mpaas.numbers.provisioning import esim, qr
from mpaas.numbers.provisioning.schemas import AvailabilityRequest, ProvisionRequest
from mpaas.numbers.provisioning.search import Found, search_available
from mpaas.numbers.schemas import voice_needs_product
from mpaas.routes import repository as routes_repository
from mpaas.subscribers import repository as subscribers_repository

DEFAULT_SAMPLE_NUMBERS = 12
MESSAGE_ROUTE_REQUIRED = "MessageRouteId is required"
NUMBER_IN_USE = "Phone number already in use"
DEFAULT_PAGE_SIZE = 100
BAD_PAGE = f"The PageNumber field must be a whole number between 1 and {MAX_PAGE_NUMBER}."


async def availability(db: Database, body: AvailabilityRequest, now: datetime) -> dict:
    """AreaCode is searched first; a ZipCode is the fallback when the area has nothing; neither gives a
    randomized set (provisioning/search.py)."""
    found = await _search(db, body)
    return {**_echo(body, now), **found.answer()}


async def availability_json(db: Database, body: AvailabilityRequest, now: datetime) -> bytes:
    """`availability`'s answer as its JSON bytes (pydantic-core's encoding, as FastAPI's for a response model):
    the request's own fields encoded per request, the search's part (Found.answer_json) once per search result."""
    found = await _search(db, body)
    return to_json(_echo(body, now))[:-1] + b"," + found.answer_json()[1:]


async def _search(db: Database, body: AvailabilityRequest) -> Found:
    wanted = DEFAULT_SAMPLE_NUMBERS if body.total_numbers_requested is None else body.total_numbers_requested
    return await search_available(
        db,
        area_code=body.area_code,
        zipcode=body.zip_code,
        message_enabled=body.message_enabled,
        voice_enabled=body.voice_enabled,
        page_number=body.page_number,
        wanted=wanted,
    )


def _echo(body: AvailabilityRequest, now: datetime) -> dict:
    """The answer's fields before ResultsTotal, in the response model's order."""
    return {
        "RequestId": f"T-{secrets.randbelow(100000):05d}",
        "RequestDate": iso(now),
        "NumberType": body.number_type,
        "VoiceEnabled": body.voice_enabled,
        "MessageEnabled": body.message_enabled,
        "AreaCode": body.area_code or "",
        "ZipCode": body.zip_code or "",
        "PageNumber": body.page_number,
    }


@dataclass
class Provisioned:
    order: NumberOrder
    number: PhoneNumber


async def _claim(session: AsyncSession, body: ProvisionRequest, now: datetime) -> InventoryNumber:
    caps = {"message_enabled": body.message_enabled, "voice_enabled": body.voice_enabled}
    if body.phone_numbers:
        if len(body.phone_numbers) != 1:
            raise bad_request("The PhoneNumbers field must name exactly one number.")
        wanted = normalize_e164(body.phone_numbers[0].number)
        if wanted is None:
            raise bad_request("The PhoneNumbers[0].Number field must be an E.164 number such as +18015551234.")
        claimed = await repository.claim_one(session, now, number=wanted, **caps)
        if claimed is not None:
            return claimed
        status = await repository.inventory_status(session, wanted)
        if status is None:
            raise bad_request(f"Phone number {wanted} is not in the number inventory.")
        if status == "available":
            raise bad_request(f"Phone number {wanted} does not support the requested capabilities.")
        raise bad_request(NUMBER_IN_USE)
    for search in ({"area_code": body.area_code}, {"zipcode": body.zip_code}, {}):
        if search and not next(iter(search.values())):
            continue
        claimed = await repository.claim_one(session, now, **search, **caps)
        if claimed is not None:
            return claimed
    raise bad_request("No available numbers match the request; check POST /v1.0/numbers/availability.")


async def provision(
    session: AsyncSession, principal: Principal, body: ProvisionRequest, now: datetime, smdp_address: str
) -> Provisioned:
    if not body.message_route_id:
        raise bad_request(MESSAGE_ROUTE_REQUIRED)
    account_id = principal.resolve_account(body.account_id)  # omitted: the default account
    if body.number_type == "voip":  # the quick start's older value: a full mobile line
        body.number_type = "mvno"
    if refusal := voice_needs_product(body.voice_enabled, body.product_type):
        raise bad_request(refusal)
    if body.number_type == "iot" and body.message_type == "a2p":
        raise bad_request("NumberType / MessageType mismatch: iot numbers are p2p only (a2p needs mvno).")
    route = await routes_repository.get_message_route(session, body.message_route_id, (account_id,))
    if route is None:
        raise not_found(f"Not found: message route {body.message_route_id} does not exist in account {account_id}.")
    voice_route_id = None
    if body.voice_route_id:  # optional even with VoiceEnabled (the quick start: "optional CRID")
        voice = await routes_repository.get_voice_route(session, body.voice_route_id, (account_id,))
        if voice is None:
            raise not_found(f"Not found: voice route {body.voice_route_id} does not exist in account {account_id}.")
        voice_route_id = voice.id
    subscriber_id = None
    if body.assigned_subscriber_id:
        subscriber = await subscribers_repository.get(session, body.assigned_subscriber_id, (account_id,))
        if subscriber is None:
            raise bad_request(
                f"AssignedSubscriberId {body.assigned_subscriber_id} does not belong to account {account_id}."
            )
        subscriber_id = subscriber.id
    if body.iccid:  # one physical SIM: free across the platform, not only among the caller's numbers
        await repository.ensure_iccid_free(session, body.iccid)

    claimed = await _claim(session, body, now)
    iccid, qr_code = body.iccid, None
    if not iccid:  # no physical SIM: issue an eSIM profile
        iccid, qr_code = esim.new_iccid(), esim.activation_code(smdp_address)
    order = NumberOrder(
        id=ids.new_id(ids.NUMBER_ORDER),
        account_id=account_id,
        order_type="provision",
        status="Complete",
        numbers=[claimed.number],
        created_at=now,
        updated_at=now,
    )
    number = PhoneNumber(
        id=ids.new_id(ids.PHONE_NUMBER),
        account_id=account_id,
        number=claimed.number,
        number_type=body.number_type,
        message_type=body.message_type,
        message_enabled=body.message_enabled,
        voice_enabled=body.voice_enabled,
        data_enabled=bool(body.data_enabled),
        message_route_id=route.id,
        voice_route_id=voice_route_id,
        subscriber_id=subscriber_id,
        iccid=iccid,
        qr_code=qr_code,
        product_type=body.product_type,
        status="Active",
        order_id=order.id,
        zipcode=claimed.zipcode,
        created_at=now,
        updated_at=now,
    )
    session.add_all([order, number])
    await repository.flush_iccid(session, body.iccid)
    await events.order_changed(session, order, now)
    return Provisioned(order=order, number=number)


def provision_response(p: Provisioned, links: qr.QrLinks) -> dict:
    return {
        "OrderDate": iso(p.order.created_at),
        "OrderId": p.order.id,
        "OrderStatus": p.order.status,
        "PhoneNumberAssigned": p.number.number,
        "PhoneNumberId": p.number.id,
        "QRCode": links.url(p.number),
        "ActivationCode": p.number.qr_code,
        "ZipCode": p.number.zipcode,
        "ICCID": p.number.iccid,
        "ErrorMessage": None,
        "SubscriberId": p.number.subscriber_id,
    }


# --- lookups ---------------------------------------------------------------------------------------


async def find_order(session: AsyncSession, principal: Principal, order_id: str | None) -> NumberOrder:
    """One of the caller's orders, or 404 (another distributor's order does not exist for the caller)."""
    if not order_id:
        raise required("OrderId")
    order = await repository.get_order(session, order_id, principal.account_ids)
    if order is None:
        raise missing("order", order_id)
    return order


async def find_number(
    session: AsyncSession,
    principal: Principal,
    raw: str | None,
    iccid: str | None,
    account_id: str | None,
) -> PhoneNumber:
    """The caller's number by E.164 number or by ICCID, or 404."""
    named = raw or iccid
    if not named:
        raise required("Number")
    wanted = normalize_e164(raw) if raw else None
    if raw and wanted is None:
        raise bad_request("The Number field must be an E.164 number such as +18015551234.")
    found = await repository.find_number(session, principal.visible_accounts(account_id), number=wanted, iccid=iccid)
    if found is None:
        raise missing("number", named)
    return found


@dataclass
class InventoryPage:
    account_id: str | None
    total: int
    page: int
    numbers: list[PhoneNumber]


async def inventory_page(
    session: AsyncSession,
    principal: Principal,
    page_number: str | None,
    status_filter: str | None,
    size: int | None,
    account_id: str | None,
) -> InventoryPage:
    """One page of the account's numbers, all of them or those in one status (`Filter`, `All` for every one)."""
    try:
        page = int(page_number or 1)
    except ValueError:
        raise bad_request(BAD_PAGE) from None
    if not 1 <= page <= MAX_PAGE_NUMBER:
        raise bad_request(BAD_PAGE)
    size = size or DEFAULT_PAGE_SIZE
    accounts = principal.visible_accounts(account_id)  # AccountId omitted: every one of the caller's accounts
    status = None if not status_filter or status_filter.lower() == "all" else status_filter
    total, rows = await repository.page_numbers(session, accounts, status=status, offset=(page - 1) * size, limit=size)
    return InventoryPage(account_id=principal.listed_account(account_id), total=total, page=page, numbers=rows)
