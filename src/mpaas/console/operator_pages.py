"""The console's operator page: job queue counts and dead-job re-drive, carrier binds, billing runs (shown and
started), distributors."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mpaas.billing import engine as billing_engine
from mpaas.billing import service as billing_service
from mpaas.billing import statement
from mpaas.carriers.lease import AdvisoryLockLease, FileLockLease, lease_for
from mpaas.console import repository as console_repository
from mpaas.console.account_pages import _period
from mpaas.console.pages_common import (
    PREFIX,
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
from mpaas.core.jobs.queue import count_by_status, list_jobs, redrive
from mpaas.dependencies import platform_of
from mpaas.ops import bind_states
from mpaas.ops import service as ops
from mpaas.roles.platform import Platform

router = APIRouter(prefix=PREFIX, include_in_schema=False)

# ---- operator -------------------------------------------------------------------------------------------------


@router.get("/ops")
async def ops_page(request: Request) -> Response:
    viewer = await current(request)
    if viewer is None:
        return to_login(request)
    if not viewer.is_operator:
        return denied(request, viewer, "Only the platform operator sees these pages.")
    return await _ops_page(request, viewer)


async def _ops_page(
    request: Request, viewer: Viewer, *, period: str | None = None, error: str | None = None, status: int = 200
) -> Response:
    platform = platform_of(request)
    async with platform.db.read() as session:
        counts = await count_by_status(session)
        dead = await list_jobs(session, status="dead", limit=50)
        recent = await list_jobs(session, limit=20)
        distributors = await console_repository.distributors_with_counts(session)
    carriers = ops.carrier_states(request.app.state.runtime)
    reported = not carriers
    if reported:
        # none here (an `mpaas api` process of the production layout): the binds as their holder last reported
        # them (ops/bind_states.py), and who holds the bind lease, if any process does
        async with platform.db.read() as session:
            carriers = await bind_states.published(session, platform.clock.now())
    holder = await bind_lease_holder(platform) if reported else None
    period = period or _period(request)
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
        reported=reported,
        holder=holder,
        notice=q(request, "notice"),
        error=error,
        status=status,
    )


@router.post("/ops/jobs/redrive")
async def ops_redrive(request: Request) -> Response:
    checked = await posted_form(request, lambda v: v.is_operator, "Only the platform operator may re-drive jobs.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    job_ids = [int(v) for v in form.get("job_id", "").split(",") if v.strip().isdigit() and len(v.strip()) <= 18]
    async with platform.db.write() as session:
        moved = await redrive(session, platform.clock.now(), job_ids=job_ids, all_dead=form.get("all") == "1")
    platform.jobs.notify()
    return RedirectResponse(f"{PREFIX}/ops?notice={quote(f'Re-drove {moved} dead job(s).')}", status_code=303)


@router.post("/ops/billing/run")
async def ops_billing_run(request: Request) -> Response:
    """Start a period's billing run now, through the service POST /ops/v1/billing/runs calls (a period not yet
    started is refused with the API's message); the workers bill it, the page shows its progress."""
    checked = await posted_form(request, lambda v: v.is_operator, "Only the platform operator may start billing runs.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    period = clean(form.get("period", "")) or billing_engine.period_of(platform.clock.now())
    try:
        billing_engine.parse_period(period)
    except ValueError:
        message = "The Period field must look like YYYY-MM (e.g. 2026-01)."
        return await _ops_page(request, viewer, error=message, status=400)
    try:
        async with platform.db.write() as session:
            await billing_service.start_run(session, period, platform.clock.now())
    except ApiError as exc:
        return await _ops_page(request, viewer, period=period, error=exc.message, status=exc.status)
    platform.jobs.notify()
    notice = quote(f"Billing run for {period} queued.")
    return RedirectResponse(f"{PREFIX}/ops?period={quote(period)}&notice={notice}", status_code=303)


async def bind_lease_holder(platform: Platform) -> dict | None:
    """Which process holds the carrier binds' lease (carriers/lease.py), seen from a process that holds none:
    on PostgreSQL the session holding the advisory lock; on SQLite whether the lock file beside the database is
    locked, and the pid its holder wrote in it. None when no process holds the binds."""
    lease = lease_for(platform.settings.resolved_database_url())
    if isinstance(lease, AdvisoryLockLease):
        async with platform.db.read() as session:
            return await console_repository.advisory_lock_holder(session, lease.key)
    if isinstance(lease, FileLockLease):
        return _file_lock_holder(lease.path)
    return None


def _file_lock_holder(path: Path) -> dict | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # never made: no gateway ever held the binds of this database
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.read(fd, 32).decode(errors="replace").strip()
            return {"pid": pid if pid.isdigit() else "", "name": "", "address": "this machine", "since": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
