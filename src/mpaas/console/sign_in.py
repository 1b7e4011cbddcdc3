"""The console's static files, home redirect and sign-in/out pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mpaas.console import sessions
from mpaas.console.pages_common import (
    _STATIC,
    _TYPES,
    PREFIX,
    _address,
    _home,
    checked_form,
    csrf_failed,
    current,
    form_of,
    render,
)
from mpaas.dependencies import platform_of

router = APIRouter(prefix=PREFIX, include_in_schema=False)

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
