"""Billing extension endpoints, outside the vendor's /v1.0 contract.

- /ext/v1/billing/...: a distributor's view of its accounts' charges, statements and threshold events, with the
  ordinary endpoint-scoped bearer tokens (mint one with ApiEndpoint = the /ext/v1 URL).
- /ops/v1/billing/...: the operator's controls (start a period's run, report usage), with the operator token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from mpaas.auth.dependencies import Caller, Operator
from mpaas.billing import enforcement, engine, service, statement
from mpaas.billing.schemas import (
    Charges,
    RunOut,
    RunQueued,
    RunRequest,
    StatementOut,
    ThresholdEvents,
    UsageRecorded,
    UsageReport,
)
from mpaas.core.errors import bad_request
from mpaas.dependencies import Now, ReadSession, SettingsDep, WriteSession

router = APIRouter(tags=["Billing (extension)"])


def _period(value: str | None, now: datetime) -> str:
    """The `Period` asked for (YYYY-MM), the current one when none is given."""
    if not value:
        return engine.period_of(now)
    try:
        engine.parse_period(value)
    except ValueError:
        raise bad_request("The Period field must look like YYYY-MM (e.g. 2026-01).") from None
    return value.strip()


@router.get("/ext/v1/billing/charges", summary="Charges of an account in a period", response_model=Charges)
async def charges(
    who: Caller,
    session: ReadSession,
    now: Now,
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict[str, Any]:
    # One account's money: AccountId may be left out only when the caller has a single account.
    account, wanted = who.require_account(account_id), _period(period, now)
    rows = await statement.charges(session, account, wanted)
    return {
        "AccountId": account,
        "Period": wanted,
        "TotalCharges": len(rows),
        "Charges": [statement.charge_wire(c) for c in rows],
    }


@router.get("/ext/v1/billing/statement", summary="Statement of an account for a period", response_model=StatementOut)
async def get_statement(
    who: Caller,
    session: ReadSession,
    now: Now,
    settings: SettingsDep,
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict[str, Any]:
    # One account's money: AccountId may be left out only when the caller has a single account.
    account, wanted = who.require_account(account_id), _period(period, now)
    return statement.statement_wire(await statement.build(session, account, wanted, settings.billing_currency))


@router.get(
    "/ext/v1/billing/threshold-events",
    summary="Threshold crossings (alerts, pauses, restrictions)",
    response_model=ThresholdEvents,
)
async def threshold_events(
    who: Caller,
    session: ReadSession,
    now: Now,
    account_id: str | None = Query(None, alias="AccountId"),
    period: str | None = Query(None, alias="Period"),
) -> dict[str, Any]:
    accounts, wanted = who.visible_accounts(account_id), _period(period, now)
    rows = await enforcement.threshold_events(session, accounts, wanted)
    return {"Period": wanted, "Events": [statement.threshold_event_wire(e) for e in rows]}


@router.post(
    "/ops/v1/billing/runs", dependencies=[Operator], summary="Start a period's billing run", response_model=RunQueued
)
async def start_run(body: RunRequest, session: WriteSession, now: Now) -> dict[str, Any]:
    period = _period(body.period, now)
    await service.start_run(session, period, now)  # its job wakes the workers once the session commits
    return {"Period": period, "Status": "Queued"}


@router.get("/ops/v1/billing/runs", dependencies=[Operator], summary="A period's billing run", response_model=RunOut)
async def get_run(session: ReadSession, now: Now, period: str = Query(..., alias="Period")) -> dict[str, Any]:
    return statement.run_wire(await service.find_run(session, _period(period, now)))


@router.post(
    "/ops/v1/billing/usage",
    dependencies=[Operator],
    summary="Report usage of a subscription",
    response_model=UsageRecorded,
)
async def report_usage(body: UsageReport, session: WriteSession, now: Now) -> dict[str, Any]:
    sub, total = await enforcement.report_usage(session, body.subscription_id, body.kind, body.amount, now)
    return {"SubscriptionId": sub.id, "Kind": body.kind, "Period": engine.period_of(now), "Usage": total}
