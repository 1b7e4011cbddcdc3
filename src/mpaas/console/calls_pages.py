"""The console's calls page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mpaas.console.pages_common import PREFIX, current, denied, not_found, q, render, to_login
from mpaas.core.errors import ApiError
from mpaas.dependencies import platform_of
from mpaas.voice import calls

router = APIRouter(prefix=PREFIX, include_in_schema=False)

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
