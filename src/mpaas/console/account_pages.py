"""The console's account pages: webhooks, usage, statements, subscribers and the catalog."""

from __future__ import annotations

import calendar
import csv
import io
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from mpaas.billing import engine as billing_engine
from mpaas.billing import statement
from mpaas.catalog import presenters as catalog_presenters
from mpaas.console import charts
from mpaas.console import repository as console_repository
from mpaas.console.numbers_pages import _number_or_none
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
from mpaas.distributors import service as distributors
from mpaas.numbers.usage import service as usage
from mpaas.numbers.usage.schemas import NumbersRequest
from mpaas.subscribers import service as subscribers_service
from mpaas.subscribers.schemas import ROLES as SUBSCRIBER_ROLES
from mpaas.subscribers.schemas import CreateSubscriber
from mpaas.webhooks import queries as webhook_queries
from mpaas.webhooks import service as webhooks
from mpaas.webhooks.schemas import EVENTS, CreateWebhook, UpdateWebhook

router = APIRouter(prefix=PREFIX, include_in_schema=False)


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
    return await _subscribers_page(request, viewer)


async def _subscribers_page(
    request: Request, viewer: Viewer, *, form: dict | None = None, error: str | None = None, status: int = 200
) -> Response:
    assert viewer.principal is not None
    try:
        page = int(q(request, "page") or 1)
        async with platform_of(request).db.read() as session:
            total, records = await distributors.subscribers_page(session, viewer.principal, page, 50)
    except (ApiError, ValueError) as exc:
        message = exc.message if isinstance(exc, ApiError) else "The page must be a number."
        return render(request, "error.html", viewer, status=400, title="Subscribers", message=message)
    return render(
        request,
        "subscribers.html",
        viewer,
        status=status,
        total=total,
        subscribers=records,
        page=page,
        roles=SUBSCRIBER_ROLES,
        accounts=viewer.principal.account_ids,
        form=form or {},
        error=error,
        notice=q(request, "notice"),
    )


@router.post("/subscribers/create")
async def subscriber_create(request: Request) -> Response:
    """An Account Admin or a distributor adds a person to the account (who then signs in with the email and
    password, acting with the role), through the service POST /v1.0/subscribers/create calls."""
    checked = await posted_form(request, lambda v: v.can_manage, "Your role cannot add subscribers.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    platform = platform_of(request)
    assert viewer.principal is not None
    numbers = [n for n in form.get("phone_numbers", "").replace(",", " ").split() if n]
    try:
        body = CreateSubscriber.model_validate(
            {
                "Name": form.get("name", ""),
                "Email": form.get("email", ""),
                "PhoneNumbers": numbers,
                "Role": form.get("role", ""),
                "Password": form.get("password", ""),
                "AccountId": form.get("account_id") or None,
            }
        )
        async with platform.db.write() as session:
            made = await subscribers_service.create(session, viewer.principal, body, platform.clock.now())
            notice = f"Subscriber {made.email} added as {made.role}."
    except (ApiError, ValidationError) as exc:
        kept = {k: v for k, v in form.items() if k not in ("password", "csrf_token")}  # never echo the password
        return await _subscribers_page(request, viewer, form=kept, error=_problem(exc), status=400)
    return RedirectResponse(f"{PREFIX}/subscribers?notice={quote(notice)}", status_code=303)


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
    checked = await posted_form(request, lambda v: v.can_manage, "Your role cannot change webhooks.")
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
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
