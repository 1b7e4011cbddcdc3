"""The console's messages pages: list, a message's timeline (and its live view), and send."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from mpaas.console.pages_common import (
    PREFIX,
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
from mpaas.messaging import queries as message_queries
from mpaas.messaging import service as messaging
from mpaas.messaging.schemas import OutboundRequest
from mpaas.numbers.provisioning import service as provisioning

router = APIRouter(prefix=PREFIX, include_in_schema=False)

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
    checked = await posted_form(request, lambda v: v.can_send, "Your role cannot send messages.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
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
