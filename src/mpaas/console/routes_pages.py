"""The console's routes page and its message/voice route edits."""

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
    posted_form,
    q,
    render,
    to_login,
)
from mpaas.console.sessions import Viewer
from mpaas.core.errors import ApiError
from mpaas.dependencies import platform_of
from mpaas.routes import presenters as route_presenters
from mpaas.routes import service as routes
from mpaas.routes.schemas import UpdateMessageRoute, UpdateVoiceRoute

router = APIRouter(prefix=PREFIX, include_in_schema=False)

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
    checked = await posted_form(request, lambda v: v.can_manage, "Your role cannot change routes.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
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
