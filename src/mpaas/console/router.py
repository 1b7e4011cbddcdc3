"""The console's router: one APIRouter at /console assembled from the page modules, in registration order."""

# Thin handlers: each reads its viewer (console/sessions.py), calls the service function the API's handler for the
# same operation calls, with the viewer's `Principal`, and renders a template.
# An `ApiError` from a service (validation, tenancy's 404) is shown on the page with the API's own message and
# status code; a Subscriber asking for a number or message that is not its own gets the console's 404 page.
# Forms are `application/x-www-form-urlencoded` (parsed in pages_common: no multipart dependency) and carry a
# CSRF token.

from __future__ import annotations

from fastapi import APIRouter

from mpaas.console import (
    account_pages,
    calls_pages,
    messages_pages,
    numbers_pages,
    operator_pages,
    routes_pages,
    sign_in,
)

router = APIRouter()
for _pages in (sign_in, numbers_pages, messages_pages, routes_pages, calls_pages, account_pages, operator_pages):
    router.include_router(_pages.router)
