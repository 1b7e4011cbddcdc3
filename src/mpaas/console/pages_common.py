"""Shared plumbing for the console's pages: rendering, forms, CSRF checks, the viewer and its scoping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from mpaas.console import sessions
from mpaas.console.sessions import Viewer
from mpaas.core.errors import ApiError
from mpaas.dependencies import platform_of

HERE = Path(__file__).parent
PREFIX = "/console"
MAX_FORM_BYTES = 64 * 1024
PAGE_SIZE = 100  # numbers per page

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), enable_async=False
)
_STATIC = {name: (HERE / "static" / name).read_bytes() for name in ("console.css", "console.js")}
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
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


async def posted_form(
    request: Request, may: Callable[[Viewer], bool], refusal: str = "You do not have access to this page."
) -> tuple[Viewer, dict[str, str]] | Response:
    """A console form's POST checked as every one is, in this order: signed in (else to the sign-in page), a role
    `may` allow (else 403 with `refusal`), and a CSRF token that is the session's (else 403). The viewer and the
    form, or the response that refuses it."""
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not may(viewer):
        return denied(request, viewer, refusal)
    form = await checked_form(request, viewer)
    if form is None:
        return csrf_failed(request, viewer)
    return viewer, form


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
