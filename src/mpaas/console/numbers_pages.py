"""The console's numbers pages: list, search, provision, a number and its status changes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from mpaas.console.pages_common import (
    PAGE_SIZE,
    PREFIX,
    _bool,
    _problem,
    clean,
    current,
    denied,
    not_found,
    posted_form,
    q,
    render,
    to_login,
)
from mpaas.console.sessions import Viewer
from mpaas.core.errors import ApiError
from mpaas.dependencies import platform_of
from mpaas.numbers import presenters as number_presenters
from mpaas.numbers.dependencies import _qr_links
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.schemas import STATUS_CHANGES, StatusChangeRequest
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.presenters import NumberView
from mpaas.numbers.provisioning import service as provisioning
from mpaas.numbers.provisioning.schemas import AvailabilityRequest, ProvisionRequest
from mpaas.numbers.swaps import SwapAllowance
from mpaas.routes import service as routes

router = APIRouter(prefix=PREFIX, include_in_schema=False)

# ---- numbers --------------------------------------------------------------------------------------------------


async def _view(request: Request) -> tuple[Any, NumberView]:
    platform = platform_of(request)
    links = await _qr_links(request, platform)
    return platform.sealer, NumberView(platform.clock.now(), links, SwapAllowance.of(platform.settings))


async def _numbers_page(
    request: Request,
    viewer: Viewer,
    *,
    available: dict | None = None,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    platform = platform_of(request)
    status_filter = q(request, "status") or "All"
    page_no = q(request, "page") or "1"
    assert viewer.principal is not None
    sealer, view = await _view(request)
    try:
        async with platform.db.read() as session:
            if viewer.sees_account:
                page = await provisioning.inventory_page(
                    session, viewer.principal, page_no, status_filter, PAGE_SIZE, None
                )
                rows, total = page.numbers, page.total
            else:  # a Subscriber: its own numbers, each found through the API's scoping (whatever the account's size)
                rows = []
                for own in viewer.own_numbers:
                    try:
                        rows.append(await provisioning.find_number(session, viewer.principal, own, None, None))
                    except ApiError:
                        continue  # released or moved since it was listed
                if status_filter.lower() != "all":
                    rows = [r for r in rows if r.status.lower() == status_filter.lower()]
                total = len(rows)
            routes_list = (
                (await routes.list_message_routes(session, viewer.principal, None))[1] if viewer.can_manage else []
            )
    except ApiError as exc:
        return render(request, "error.html", viewer, status=exc.status, title="Numbers", message=exc.message)
    numbers = [number_presenters.inventory_item(n, sealer, view) for n in rows]
    return render(
        request,
        "numbers.html",
        viewer,
        status=status,
        numbers=numbers,
        total=total,
        page=int(page_no) if page_no.isdigit() else 1,
        pages=max(1, -(-total // PAGE_SIZE)),
        status_filter=status_filter,
        available=available,
        routes=routes_list,
        accounts=viewer.principal.account_ids,
        notice=notice,
        error=error,
    )


@router.get("/numbers")
async def numbers_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer, "The operator's pages are under Platform.")
    return await _numbers_page(request, viewer)


@router.post("/numbers/search")
async def numbers_search(request: Request) -> Response:
    checked = await posted_form(request, lambda v: v.can_manage)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    try:
        body = AvailabilityRequest.model_validate(
            {
                "NumberType": "mobile",
                "MessageEnabled": True,
                "VoiceEnabled": _bool(form.get("voice_enabled")),
                "AreaCode": form.get("area_code") or None,
                "ZipCode": form.get("zip_code") or None,
                "TotalNumbersRequested": 10,
            }
        )
        found = await provisioning.availability(platform.db, body, platform.clock.now())
    except (ApiError, ValidationError) as exc:
        return await _numbers_page(request, viewer, error=_problem(exc), status=400)
    return await _numbers_page(request, viewer, available=found)


@router.post("/numbers/provision")
async def numbers_provision(request: Request) -> Response:
    checked = await posted_form(request, lambda v: v.can_manage)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    assert viewer.principal is not None
    try:
        body = ProvisionRequest.model_validate(
            {
                "NumberType": "mvno",
                "MessageType": form.get("message_type") or "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": _bool(form.get("voice_enabled")),
                "MessageRouteId": form.get("message_route_id") or None,
                "AreaCode": form.get("area_code") or None,
                "ProductType": form.get("product_type") or "Sms+Data",
                # a distributor with several accounts names the one (its default account otherwise, as in the API)
                "AccountId": form.get("account_id") or None,
            }
        )
        async with platform.db.write() as session:
            done = await provisioning.provision(
                session, viewer.principal, body, platform.clock.now(), platform.settings.esim_smdp_address
            )
            number = done.number.number
        platform.jobs.notify()
    except (ApiError, ValidationError) as exc:
        return await _numbers_page(request, viewer, error=_problem(exc), status=400)
    return await _numbers_page(request, viewer, notice=f"Provisioned {number or 'a number'}.")


async def _number_or_none(request: Request, viewer: Viewer, number: str):
    platform = platform_of(request)
    assert viewer.principal is not None
    async with platform.db.read() as session:
        try:
            return await provisioning.find_number(session, viewer.principal, number, None, None)
        except ApiError:
            return None


@router.get("/numbers/{number}")
async def number_page(request: Request, number: str, notice: str | None = None) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer)
    number = clean(number)
    found = await _number_or_none(request, viewer, number) if viewer.may_see_number(number) else None
    if found is None:
        return not_found(request, viewer, "such number in your console")
    sealer, view = await _view(request)
    details = number_presenters.number_details(found, sealer, view)
    return render(
        request, "number.html", viewer, number=details, status_changes=STATUS_CHANGES, notice=q(request, "notice")
    )


@router.post("/numbers/{number}/status")
async def number_status(request: Request, number: str) -> Response:
    checked = await posted_form(request, lambda v: v.can_manage)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    assert viewer.principal is not None
    policy = NumberPolicy.of(platform.settings)
    today = platform.clock.now().astimezone(policy.tz).strftime("%m/%d/%Y")  # the numbers' time zone's today
    try:
        body = StatusChangeRequest.model_validate(
            {
                "StatusChange": form.get("status_change"),
                "EffectiveDate": form.get("effective_date") or today,
                "PhoneNumbers": [{"Number": number}],
            }
        )
        links = await _qr_links(request, platform)
        async with platform.db.write() as session:
            result = await lifecycle.change_status(session, viewer.principal, body, platform.clock.now(), policy, links)
        platform.jobs.notify()
    except (ApiError, ValidationError) as exc:
        return render(request, "error.html", viewer, status=400, title="Status change refused", message=_problem(exc))
    message = f"{result['ChangeType']}: order {result['OrderId']} is {result['OrderStatus']}."
    return RedirectResponse(f"{PREFIX}/numbers/{quote(number)}?notice={quote(str(message))}", status_code=303)
