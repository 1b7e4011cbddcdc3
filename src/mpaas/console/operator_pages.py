"""The console's operator page: job queue counts and dead-job redrive."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mpaas.billing import service as billing_service
from mpaas.billing import statement
from mpaas.console import repository as console_repository
from mpaas.console.account_pages import _period
from mpaas.console.pages_common import PREFIX, checked_form, csrf_failed, current, denied, q, render, to_login
from mpaas.core.errors import ApiError
from mpaas.core.jobs.queue import count_by_status, list_jobs, redrive
from mpaas.dependencies import platform_of
from mpaas.ops import service as ops

router = APIRouter(prefix=PREFIX, include_in_schema=False)

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
