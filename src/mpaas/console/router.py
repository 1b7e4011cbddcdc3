"""The console's pages. Thin handlers: each reads its viewer (console/sessions.py), calls the service function
the API's handler for the same operation calls, with the viewer's `Principal`, and renders a template.

An `ApiError` from a service (validation, tenancy's 404) is shown on the page with the API's own message and
status code; a Subscriber asking for a number or message that is not its own gets the console's 404 page.
Forms are `application/x-www-form-urlencoded` (parsed here: no multipart dependency) and carry a CSRF token.
"""

from __future__ import annotations

import calendar
import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from mpaas.billing import engine as billing_engine
from mpaas.billing import service as billing_service
from mpaas.billing import statement
from mpaas.catalog import presenters as catalog_presenters
from mpaas.console import charts, sessions
from mpaas.console import repository as console_repository
from mpaas.console.sessions import Viewer
from mpaas.core.errors import ApiError
from mpaas.core.jobs.queue import count_by_status, list_jobs, redrive
from mpaas.dependencies import platform_of
from mpaas.distributors import service as distributors
from mpaas.messaging import queries as message_queries
from mpaas.messaging import service as messaging
from mpaas.messaging.schemas import OutboundRequest
from mpaas.numbers import presenters as number_presenters
from mpaas.numbers.dependencies import _qr_links
from mpaas.numbers.lifecycle import service as lifecycle
from mpaas.numbers.lifecycle.schemas import STATUS_CHANGES, StatusChangeRequest
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.presenters import NumberView
from mpaas.numbers.provisioning import service as provisioning
from mpaas.numbers.provisioning.schemas import AvailabilityRequest, ProvisionRequest
from mpaas.numbers.swaps import SwapAllowance
from mpaas.numbers.usage import service as usage
from mpaas.numbers.usage.schemas import NumbersRequest
from mpaas.ops import service as ops
from mpaas.routes import presenters as route_presenters
from mpaas.routes import service as routes
from mpaas.routes.schemas import UpdateMessageRoute, UpdateVoiceRoute
from mpaas.voice import calls
from mpaas.webhooks import queries as webhook_queries
from mpaas.webhooks import service as webhooks
from mpaas.webhooks.schemas import EVENTS, CreateWebhook, UpdateWebhook

HERE = Path(__file__).parent
PREFIX = "/console"
MAX_FORM_BYTES = 64 * 1024
PAGE_SIZE = 100  # numbers per page

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), enable_async=False
)
_STATIC = {name: (HERE / "static" / name).read_bytes() for name in ("console.css", "console.js")}
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}

router = APIRouter(prefix=PREFIX, include_in_schema=False)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# ---- plumbing -------------------------------------------------------------------------------------------------


def render(request: Request, template: str, viewer: Viewer | None, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(request=request, viewer=viewer, prefix=PREFIX, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def q(request: Request, name: str) -> str:
    """A query parameter by name in any casing (the app's case-insensitive routing may rename it)."""
    wanted = name.lower()
    for key, value in request.query_params.multi_items():
        if key.lower() == wanted:
            return clean(value)
    return ""


def clean(value: str) -> str:
    """Text from a URL or form as the services may receive it: NUL characters dropped (PostgreSQL's text
    cannot hold them), surrounding space trimmed, at most 2,000 characters."""
    return value.replace("\x00", "").strip()[:2000]


async def form_of(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ApiError(413, "The form is too large.")
    # NUL dropped (PostgreSQL's text cannot hold it); values otherwise as typed (a password keeps its spaces)
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v.replace("\x00", "") for k, v in pairs}


async def current(request: Request) -> Viewer | None:
    return await sessions.viewer(platform_of(request), request.cookies.get(sessions.COOKIE))


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login?next={quote(request.url.path)}", status_code=303)


def denied(request: Request, viewer: Viewer, message: str = "You do not have access to this page.") -> HTMLResponse:
    return render(request, "error.html", viewer, status=403, title="Forbidden", message=message)


def not_found(request: Request, viewer: Viewer | None, what: str) -> HTMLResponse:
    return render(request, "error.html", viewer, status=404, title="Not found", message=f"No {what} here.")


async def checked_form(request: Request, viewer: Viewer) -> dict[str, str] | None:
    """The form, or None when its CSRF token is not the session's."""
    form = await form_of(request)
    return form if sessions.csrf_ok(viewer.csrf, form.get("csrf_token")) else None


def csrf_failed(request: Request, viewer: Viewer | None) -> HTMLResponse:
    return render(
        request,
        "error.html",
        viewer,
        status=403,
        title="Form expired",
        message="The form's security token is missing or stale. Reload the page and try again.",
    )


def _bool(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "on", "yes")


def _problem(exc: ApiError | ValidationError) -> str:
    if isinstance(exc, ApiError):
        return exc.message
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return f"The {field} field: {first.get('msg')}."


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _home(viewer: Viewer) -> str:
    return f"{PREFIX}/ops" if viewer.is_operator else f"{PREFIX}/numbers"


# ---- static and sign-in ---------------------------------------------------------------------------------------


@router.get("/static/{name}")
async def static(name: str) -> Response:
    body = _STATIC.get(name)
    if body is None:
        return Response(status_code=404)
    return Response(body, media_type=_TYPES[name.rsplit(".", 1)[1]], headers={"Cache-Control": "public, max-age=3600"})


@router.get("")
@router.get("/")
async def home(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)
    return RedirectResponse(_home(viewer), status_code=303)


def _login_page(request: Request, error: str | None = None, status: int = 200, kind: str = "subscriber") -> Response:
    token = sessions.new_token()
    response = render(request, "login.html", None, status=status, error=error, login_csrf=token, kind=kind)
    response.set_cookie(
        sessions.LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=PREFIX,
        max_age=3600,
    )
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    viewer = await current(request)
    if viewer is not None:
        return RedirectResponse(_home(viewer), status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await form_of(request)
    kind = form.get("kind", "subscriber")
    if not sessions.csrf_ok(request.cookies.get(sessions.LOGIN_CSRF_COOKIE), form.get("csrf_token")):
        return _login_page(request, "The sign-in form expired. Please try again.", status=403, kind=kind)
    login_name = form.get("email", "") if kind == "subscriber" else form.get("account_key", "")
    secret = {"subscriber": "password", "distributor": "account_secret", "operator": "operator_token"}.get(kind, "")
    try:
        raw = await sessions.sign_in(platform_of(request), kind, login_name, form.get(secret, ""), _address(request))
    except sessions.SignInError as exc:
        status = 429 if "Too many" in str(exc) else 401
        return _login_page(request, str(exc), status=status, kind=kind)
    target = form.get("next") or ""
    if not target.startswith(PREFIX + "/") or target.startswith("//") or "\\" in target:
        target = PREFIX + "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        raw,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=PREFIX,
        max_age=int(sessions.LIFETIME.total_seconds()),
    )
    response.delete_cookie(sessions.LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)
    if await checked_form(request, viewer) is None:
        return csrf_failed(request, viewer)
    await sessions.sign_out(platform_of(request), request.cookies.get(sessions.COOKIE, ""))
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path=PREFIX)
    return response


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
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_manage:
        return denied(request, viewer)
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
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
        async with platform.db.read() as session:
            found = await provisioning.availability(session, body, platform.clock.now())
    except (ApiError, ValidationError) as exc:
        return await _numbers_page(request, viewer, error=_problem(exc), status=400)
    return await _numbers_page(request, viewer, available=found)


@router.post("/numbers/provision")
async def numbers_provision(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_manage:
        return denied(request, viewer)
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
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
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_manage:
        return denied(request, viewer)
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
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


# ---- messages -------------------------------------------------------------------------------------------------


async def _viewer_numbers(request: Request, viewer: Viewer) -> list[str]:
    if not viewer.sees_account:
        return list(viewer.own_numbers)
    assert viewer.principal is not None
    async with platform_of(request).db.read() as session:
        page = await provisioning.inventory_page(session, viewer.principal, "1", "All", 200, None)
    return [n.number for n in page.numbers]


@router.get("/messages")
async def messages_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer)
    assert viewer.principal is not None
    numbers = await _viewer_numbers(request, viewer)
    number = q(request, "number") or (numbers[0] if numbers else "")
    filters = {k: q(request, k) for k in ("direction", "start", "end", "type")}
    result, error = None, None
    if number:
        if not viewer.may_see_number(number):
            return not_found(request, viewer, "such number in your console")
        try:
            async with platform_of(request).db.read() as session:
                result = await message_queries.search(
                    session,
                    viewer.principal,
                    phone_number=number,
                    page=int(q(request, "page") or 1),
                    results=50,
                    start_date=filters["start"] or None,
                    end_date=filters["end"] or None,
                    direction=filters["direction"] or None,
                    message_type=filters["type"] or None,
                )
        except ApiError as exc:
            error = exc.message
        except ValueError:
            error = "The page must be a number."
    if result is not None and not viewer.sees_account:
        result["Results"] = [m for m in result["Results"] if m["Owner"] in viewer.own_numbers]
    return render(
        request, "messages.html", viewer, numbers=numbers, number=number, filters=filters, result=result, error=error
    )


async def _message(request: Request, viewer: Viewer, message_id: str) -> tuple[dict, dict] | None:
    assert viewer.principal is not None
    message_id = clean(message_id)
    async with platform_of(request).db.read() as session:
        try:
            details = await message_queries.message_details(session, viewer.principal, message_id)
            attempts = await message_queries.webhook_attempts(session, viewer.principal, message_id)
        except ApiError:
            return None
    if not viewer.may_see_number(details["Owner"]):
        return None
    return details, attempts


def _timeline(details: dict, attempts: dict) -> list[dict]:
    steps = [{"when": details.get("CreatedOn"), "what": "Queued", "detail": "accepted and stored"}]
    status = details.get("Status")
    if status and status != "Queued":
        detail = f"error {details['ErrorCode']}" if details.get("ErrorCode") else ""
        steps.append({"when": details.get("UpdatedOn"), "what": status, "detail": detail})
    for a in attempts.get("Attempts", []):
        code = a.get("StatusCode")
        steps.append(
            {
                "when": a.get("AttemptedOn"),
                "what": f"Webhook {a.get('EventType')} attempt {a.get('Attempt')}",
                "detail": f"{a.get('Method')} {a.get('Url')} -> {code if code is not None else a.get('Error')}",
                "ok": code is not None and 200 <= int(code) < 300,
            }
        )
    # in the order things happened (the status's time is the message's last update, often after the first callback)
    return sorted(steps, key=lambda step: (step["when"] or "")[:23])


@router.get("/messages/{message_id}")
async def message_page(request: Request, message_id: str) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer)
    found = await _message(request, viewer, message_id)
    if found is None:
        return not_found(request, viewer, "such message in your console")
    details, attempts = found
    return render(request, "message.html", viewer, m=details, attempts=attempts, timeline=_timeline(details, attempts))


@router.get("/messages/{message_id}/live")
async def message_live(request: Request, message_id: str) -> Response:
    """The live part of a message's page (its status and timeline), polled by console.js until it settles."""
    viewer = await current(request)
    if viewer is None:
        return Response(status_code=401)
    if viewer.is_operator:
        return Response(status_code=403)
    found = await _message(request, viewer, message_id)
    if found is None:
        return Response(status_code=404)
    details, attempts = found
    return render(request, "message_live.html", viewer, m=details, timeline=_timeline(details, attempts))


# ---- send -----------------------------------------------------------------------------------------------------


@router.get("/send")
async def send_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_send:
        return denied(request, viewer, "Your role cannot send messages.")
    return render(request, "send.html", viewer, numbers=await _viewer_numbers(request, viewer), form={})


@router.post("/send")
async def send(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_send:
        return denied(request, viewer, "Your role cannot send messages.")
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
    platform = platform_of(request)
    assert viewer.principal is not None
    now = platform.clock.now()
    try:
        body = OutboundRequest.model_validate(
            {"From": form.get("from", ""), "To": [{"Number": form.get("to", "")}], "Body": form.get("body", "")}
        )
        async with platform.db.quick_read() as session:
            prepared = await messaging.prepare_outbound(
                session, viewer.principal, body, now, messaging.SendPolicy.from_settings(platform.settings)
            )
        async with platform.db.write() as session:
            sent = await messaging.store_outbound(session, prepared, now)
        platform.jobs.notify()
    except (ApiError, ValidationError) as exc:
        numbers = await _viewer_numbers(request, viewer)
        return render(request, "send.html", viewer, status=400, numbers=numbers, form=form, error=_problem(exc))
    message_id = sent.messages[0].id
    return RedirectResponse(f"{PREFIX}/messages/{quote(message_id)}", status_code=303)


# ---- routes and webhooks --------------------------------------------------------------------------------------


async def _routes_page(request: Request, viewer: Viewer, *, error: str | None = None, status: int = 200) -> Response:
    assert viewer.principal is not None
    async with platform_of(request).db.read() as session:
        _, message_routes = await routes.list_message_routes(session, viewer.principal, None)
        _, voice_routes = await routes.list_voice_routes(session, viewer.principal, None)
    return render(
        request,
        "routes.html",
        viewer,
        status=status,
        message_routes=[route_presenters.message_route(r) for r in message_routes],
        voice_routes=[route_presenters.voice_route(r, listing=True) for r in voice_routes],
        notice=q(request, "notice"),
        error=error,
    )


@router.get("/routes")
async def routes_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    return await _routes_page(request, viewer)


async def _route_change(request: Request, route_id: str, build) -> Response:
    """An Account Admin's or a distributor's change of one route, through the service the API's update calls;
    a refusal (the API's message, naming the field) is shown on the routes page and changes nothing."""
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_manage:
        return denied(request, viewer, "Your role cannot change routes.")
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
    platform = platform_of(request)
    assert viewer.principal is not None
    try:
        async with platform.db.write() as session:
            notice = await build(session, viewer.principal, clean(route_id), form, platform.clock.now())
    except (ApiError, ValidationError) as exc:
        status = exc.status if isinstance(exc, ApiError) else 400  # another tenant's route: the API's 404
        return await _routes_page(request, viewer, error=_problem(exc), status=status)
    return RedirectResponse(f"{PREFIX}/routes?notice={quote(notice)}", status_code=303)


def _typed(form: dict[str, str], name: str) -> str | None:
    """A text field as typed, or None (the field cleared) when left empty."""
    value = form.get(name, "").strip()
    return value or None


@router.post("/routes/message/{route_id}/update")
async def message_route_update(request: Request, route_id: str) -> Response:
    async def build(session, principal, route_id, form, now) -> str:
        body = UpdateMessageRoute.model_validate(
            {
                "MessageRouteId": route_id,
                "MessageUrl": _typed(form, "message_url"),
                "CallbackMessageUrl": _typed(form, "callback_message_url"),
                "MessageRouteEnabled": form.get("enabled") == "1",
            }
        )
        route = await routes.update_message_route(session, principal, body, now)
        return f"Message route {route.id} saved."

    return await _route_change(request, route_id, build)


@router.post("/routes/voice/{route_id}/update")
async def voice_route_update(request: Request, route_id: str) -> Response:
    async def build(session, principal, route_id, form, now) -> str:
        body = UpdateVoiceRoute.model_validate(
            {
                "CallRouteId": route_id,
                "RouteEnabled": form.get("enabled") == "1",
                "VoiceUrl": _typed(form, "voice_url"),
                "TrunkIp1": _typed(form, "trunk_ip1"),
                "TrunkPort1": _typed(form, "trunk_port1"),
            }
        )
        route = await routes.update_voice_route(session, principal, body, now)
        return f"Voice route {route.id} saved."

    return await _route_change(request, route_id, build)


# ---- calls ----------------------------------------------------------------------------------------------------


@router.get("/calls")
async def calls_page(request: Request) -> Response:
    """The account's call records, newest first, through the search GET /ext/v1/calls uses. A Subscriber sees
    the calls of one of its own numbers at a time (from or to it), as on the messages page."""
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer)
    assert viewer.principal is not None
    filters = {k: q(request, k) for k in ("number", "direction", "disposition", "start", "end")}
    if not viewer.sees_account:
        filters["number"] = filters["number"] or (viewer.own_numbers[0] if viewer.own_numbers else "")
        if filters["number"] and not viewer.may_see_number(filters["number"]):
            return not_found(request, viewer, "such number in your console")
    result, error, status = None, None, 200
    if viewer.sees_account or filters["number"]:
        try:
            async with platform_of(request).db.read() as session:
                result = await calls.search(
                    session,
                    viewer.principal.visible_accounts(None),
                    phone_number=filters["number"] or None,
                    direction=filters["direction"] or None,
                    disposition=filters["disposition"] or None,
                    start_date=filters["start"] or None,
                    end_date=filters["end"] or None,
                    page=int(q(request, "page") or 1),
                    results=50,
                )
        except ApiError as exc:
            error, status = exc.message, exc.status
        except ValueError:
            error, status = "The page must be a number.", 400
    return render(
        request,
        "calls.html",
        viewer,
        status=status,
        filters=filters,
        result=result,
        error=error,
        numbers=list(viewer.own_numbers) if not viewer.sees_account else [],
        directions=calls.DIRECTIONS,
        dispositions=calls.DISPOSITIONS,
    )


@router.get("/webhooks")
async def webhooks_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    assert viewer.principal is not None
    async with platform_of(request).db.read() as session:
        hooks = await webhook_queries.account_webhooks(session, viewer.principal, None)
        attempts = await console_repository.recent_webhook_attempts(
            session, viewer.principal.account_ids, [h.id for h in hooks]
        )
    return render(
        request,
        "webhooks.html",
        viewer,
        hooks=[webhooks.present(h) for h in hooks],
        attempts=[webhook_queries.attempt(a) for a in attempts],
        events=EVENTS,
        accounts=viewer.principal.account_ids,
        notice=q(request, "notice"),
    )


# ---- operator -------------------------------------------------------------------------------------------------


@router.get("/ops")
async def ops_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.is_operator:
        return denied(request, viewer, "Only the platform operator sees these pages.")
    platform = platform_of(request)
    async with platform.db.read() as session:
        counts = await count_by_status(session)
        dead = await list_jobs(session, status="dead", limit=50)
        recent = await list_jobs(session, limit=20)
        distributors = await console_repository.distributors_with_counts(session)
    carriers = ops.carrier_states(request.app.state.runtime)
    period = _period(request)
    run = None
    async with platform.db.read() as session:
        try:
            run = statement.run_wire(await billing_service.find_run(session, period))
        except ApiError:
            run = None  # never scheduled for this period
    return render(
        request,
        "ops.html",
        viewer,
        period=period,
        run=run,
        counts=counts,
        dead=dead,
        recent=recent,
        distributors=distributors,
        carriers=carriers,
        notice=q(request, "notice"),
    )


@router.post("/ops/jobs/redrive")
async def ops_redrive(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.is_operator:
        return denied(request, viewer, "Only the platform operator may re-drive jobs.")
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
    platform = platform_of(request)
    job_ids = [int(v) for v in form.get("job_id", "").split(",") if v.strip().isdigit() and len(v.strip()) <= 18]
    async with platform.db.write() as session:
        moved = await redrive(session, platform.clock.now(), job_ids=job_ids, all_dead=form.get("all") == "1")
    platform.jobs.notify()
    return RedirectResponse(f"{PREFIX}/ops?notice={quote(f'Re-drove {moved} dead job(s).')}", status_code=303)


# ---- usage, statements, subscribers, catalog ----------------------------------------------------------------


@router.get("/numbers/{number}/usage")
async def number_usage(request: Request, number: str) -> Response:
    """The number's data usage: the API's usage info (used, remaining, behaviour) and a chart of the month's days."""
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if viewer.is_operator:
        return denied(request, viewer)
    number = clean(number)
    found = await _number_or_none(request, viewer, number) if viewer.may_see_number(number) else None
    if found is None:
        return not_found(request, viewer, "such number in your console")
    assert viewer.principal is not None
    platform = platform_of(request)
    now = platform.clock.now()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    async with platform.db.read() as session:
        info = await usage.info_of(
            session, viewer.principal, NumbersRequest.model_validate({"PhoneNumbers": [{"Number": found.number}]})
        )
        daily = await console_repository.daily_usage(session, found.number, start, now)
    month_days = calendar.monthrange(now.year, now.month)[1]  # the whole month, the days to come at zero
    days = [(day, daily.get(day, 0)) for day in range(1, month_days + 1)]
    return render(
        request,
        "usage.html",
        viewer,
        number=found.number,
        info=info["PhoneNumbers"][0],
        chart=charts.bars(days),
        month=start.strftime("%B %Y"),
        days=days,
    )


def _period(request: Request) -> str:
    now = platform_of(request).clock.now()
    return q(request, "period") or now.strftime("%Y-%m")


async def _statement(request: Request, viewer: Viewer) -> tuple[str, str, Any, list]:
    assert viewer.principal is not None
    platform = platform_of(request)
    account = viewer.principal.resolve_account(q(request, "account") or None)
    period = _period(request)
    try:
        billing_engine.parse_period(period)
    except ValueError:
        raise ApiError(400, "The period must look like YYYY-MM (e.g. 2026-01).") from None
    async with platform.db.read() as session:
        built = await statement.build(session, account, period, platform.settings.billing_currency)
    return account, period, built, [statement.charge_wire(c) for c in built.charges]


@router.get("/statements")
async def statements_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    assert viewer.principal is not None
    try:
        account, period, built, charges = await _statement(request, viewer)
    except ApiError as exc:
        return render(request, "error.html", viewer, status=exc.status, title="Statement", message=exc.message)
    return render(
        request,
        "statements.html",
        viewer,
        accounts=viewer.principal.account_ids,
        account=account,
        period=period,
        wire=statement.statement_wire(built),
        charges=charges,
    )


@router.get("/statements.csv")
async def statement_csv(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    try:
        account, period, _built, charges = await _statement(request, viewer)
    except ApiError as exc:
        return render(request, "error.html", viewer, status=exc.status, title="Statement", message=exc.message)
    out = io.StringIO()
    columns = [
        "ChargeId",
        "CreatedOn",
        "SubscriptionId",
        "PackageId",
        "PackageName",
        "Kind",
        "Description",
        "Amount",
        "Currency",
    ]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for charge in charges:
        writer.writerow({k: _csv_safe(str(charge.get(k) if charge.get(k) is not None else "")) for k in columns})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="statement-{account}-{period}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (descriptions and names come from API callers)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_amount(value) else value


def _is_amount(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@router.get("/subscribers")
async def subscribers_list(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    assert viewer.principal is not None
    try:
        page = int(q(request, "page") or 1)
        async with platform_of(request).db.read() as session:
            total, records = await distributors.subscribers_page(session, viewer.principal, page, 50)
    except (ApiError, ValueError) as exc:
        message = exc.message if isinstance(exc, ApiError) else "The page must be a number."
        return render(request, "error.html", viewer, status=400, title="Subscribers", message=message)
    return render(request, "subscribers.html", viewer, total=total, subscribers=records, page=page)


@router.get("/catalog")
async def catalog_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.sees_account:
        return denied(request, viewer)
    assert viewer.principal is not None
    async with platform_of(request).db.read() as session:
        products = await distributors.products(session, viewer.principal, "All")
        packages = await distributors.packages(session, viewer.principal, "All")
        _, subscriptions = await distributors.account_subscriptions(session, viewer.principal, None, "All")
    return render(
        request,
        "catalog.html",
        viewer,
        products=[catalog_presenters.product(p) for p in products],
        packages=[catalog_presenters.package(p) for p in packages],
        subscriptions=[catalog_presenters.subscription(s) for s in subscriptions],
    )


# ---- webhook changes (Account Admin, distributor) -------------------------------------------------------------


async def _webhook_change(request: Request, build) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_manage:
        return denied(request, viewer, "Your role cannot change webhooks.")
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
    platform = platform_of(request)
    assert viewer.principal is not None
    try:
        async with platform.db.write() as session:
            notice = await build(session, viewer.principal, form, platform.clock.now())
    except (ApiError, ValidationError) as exc:
        return render(request, "error.html", viewer, status=400, title="Webhook not saved", message=_problem(exc))
    return RedirectResponse(f"{PREFIX}/webhooks?notice={quote(notice)}", status_code=303)


@router.post("/webhooks/create")
async def webhook_create(request: Request) -> Response:
    async def build(session, principal, form, now) -> str:
        body = CreateWebhook.model_validate(
            {
                "WebhookUrl": form.get("webhook_url", ""),
                "SubscribedEvents": form.get("subscribed_events", ""),
                "AccountId": form.get("account_id") or None,
            }
        )
        hook = await webhooks.create(session, principal, body, now)
        return f"Webhook {hook.id} created."

    return await _webhook_change(request, build)


@router.post("/webhooks/{webhook_id}/update")
async def webhook_update(request: Request, webhook_id: str) -> Response:
    async def build(session, principal, form, now) -> str:
        fields: dict[str, Any] = {"WebhookId": clean(webhook_id), "Active": form.get("active") == "1"}
        if form.get("webhook_url"):
            fields["WebhookUrl"] = form["webhook_url"]
        hook = await webhooks.update(session, principal, UpdateWebhook.model_validate(fields), now)
        return f"Webhook {hook.id} saved."

    return await _webhook_change(request, build)
