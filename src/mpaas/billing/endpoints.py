"""Billing extension endpoints, outside the vendor's /v1.0 contract.

- /ext/v1/billing/...: a distributor's view of its accounts' charges, statements and threshold events, with the
  ordinary endpoint-scoped bearer tokens (mint one with ApiEndpoint = the /ext/v1 URL).
- /ops/v1/billing/...: the operator's controls (start a period's run, report usage), with the operator token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.billing import enforcement, engine, repository, service, statement
from mpaas.core.errors import bad_request, missing
from mpaas.core.jobs.queue import enqueue
from mpaas.core.wire import Required, WireModel, one_of
from mpaas.ops.endpoints import operator

router = APIRouter(tags=["Billing (extension)"])


def _period(value: str | None, request: Request) -> str:
    if not value:
        return engine.period_of(platform_of(request).clock.now())
    try:
        engine.parse_period(value)
    except ValueError:
        raise bad_request("The Period field must look like YYYY-MM (e.g. 2026-01).") from None
    return value.strip()


@router.get("/ext/v1/billing/charges", summary="Charges of an account in a period")
async def charges(
    request: Request,
    who: Principal = Depends(principal),
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict:
    account, wanted = who.resolve_account(account_id), _period(period, request)
    async with platform_of(request).db.read() as session:
        rows = await repository.charges(session, account, wanted)
    return {
        "AccountId": account,
        "Period": wanted,
        "TotalCharges": len(rows),
        "Charges": [statement.charge_wire(c) for c in rows],
    }


@router.get("/ext/v1/billing/statement", summary="Statement of an account for a period")
async def get_statement(
    request: Request,
    who: Principal = Depends(principal),
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict:
    account, wanted = who.resolve_account(account_id), _period(period, request)
    platform = platform_of(request)
    async with platform.db.read() as session:
        built = await statement.build(session, account, wanted, platform.settings.billing_currency)
    return statement.statement_wire(built)


@router.get("/ext/v1/billing/threshold-events", summary="Threshold crossings (alerts, pauses, restrictions)")
async def threshold_events(
    request: Request,
    who: Principal = Depends(principal),
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict:
    accounts, wanted = who.visible_accounts(account_id), _period(period, request)
    async with platform_of(request).db.read() as session:
        rows = await repository.account_events(session, accounts, wanted)
    return {
        "Period": wanted,
        "Events": [
            {
                "ThresholdId": e.threshold_id,
                "SubscriptionId": e.subscription_id,
                "AccountId": e.account_id,
                "Action": e.action,
                "Usage": e.usage,
                "CreatedOn": e.created_at.isoformat(),
            }
            for e in rows
        ],
    }


class RunRequest(WireModel):
    period: Required = Field(alias="Period", examples=["2026-01"])


@router.post("/ops/v1/billing/runs", dependencies=[Depends(operator)], summary="Start a period's billing run")
async def start_run(body: RunRequest, request: Request) -> dict:
    platform = platform_of(request)
    period = _period(body.period, request)
    now = platform.clock.now()
    if engine.period_start(period) > now:
        raise bad_request(f"Period {period} has not started; MRC is billed when a period starts.")
    async with platform.db.write() as session:
        await service.schedule_run(session, period, now)
        # An explicit run always gets a job now; the ledger's keys make an extra run charge nothing.
        enqueue(session, now, service.RUN_JOB, {"period": period})
    platform.jobs.notify()
    return {"Period": period, "Status": "Queued"}


@router.get("/ops/v1/billing/runs", dependencies=[Depends(operator)], summary="A period's billing run")
async def get_run(request: Request, period: str = Query(..., alias="Period")) -> dict:
    wanted = _period(period, request)
    async with platform_of(request).db.read() as session:
        run = await repository.billing_run(session, wanted)
    if run is None:
        raise missing("billing run", wanted)
    return {
        "Period": run.period,
        "Status": run.status,
        "SubscriptionsBilled": run.subscriptions_billed,
        "CompletedOn": run.completed_at.isoformat() if run.completed_at else None,
    }


class UsageReport(WireModel):
    subscription_id: Required = Field(alias="SubscriptionId")
    kind: Annotated[str, one_of("Data", "SMS", "Voice")] = Field(alias="Kind")
    amount: int = Field(alias="Amount", gt=0, description="Data: bytes; Voice: minutes; SMS: messages")


@router.post("/ops/v1/billing/usage", dependencies=[Depends(operator)], summary="Report usage of a subscription")
async def report_usage(body: UsageReport, request: Request) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        sub = await repository.live_subscription(session, body.subscription_id)
        if sub is None:
            raise missing("subscription", body.subscription_id)
        total = await enforcement.record_usage(session, sub, body.kind, body.amount, platform.clock.now())
    return {
        "SubscriptionId": sub.id,
        "Kind": body.kind,
        "Period": engine.period_of(platform.clock.now()),
        "Usage": total,
    }
