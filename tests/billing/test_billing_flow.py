"""The billing engine end to end with an injected clock: proration, NRC once, the scheduled run as a durable
job, idempotent re-runs, deletion, statements and charges through /ext/v1, and the statement CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from mpaas.billing import repository
from mpaas.cli.main import app as cli
from mpaas.core.clock import FrozenClock
from support.api import OPERATOR_TOKEN, Api


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))


def move(api: Api, clock: FrozenClock, at: datetime) -> None:
    clock._at = at
    api.tokens.clear()  # tokens minted at the old time have expired


async def ops(http, method: str, path: str, **kwargs):
    return await http.request(method, path, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}, **kwargs)


async def wait_run(platform, period: str, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with platform.db.read() as session:
            run = await repository.billing_run(session, period)
        if (run is not None and run.status == "done") or asyncio.get_running_loop().time() > deadline:
            return run
        platform.jobs.notify()
        await asyncio.sleep(0.05)


async def setup_subscription(api: Api) -> tuple[str, str, str]:
    product = await api.ok(
        "POST",
        "/v1.0/products",
        json={"SKU": "SIM", "Description": "SIM card", "Type": "esim", "Cost": 5, "BillingFrequency": "NRC"},
    )
    basic = await api.ok(
        "POST",
        "/v1.0/packages",
        json={
            "PackageName": "Basic",
            "Type": "esim",
            "Price": 31,
            "Monthly": True,
            "PackageItems": [{"ProductId": product["ProductId"]}],
        },
    )
    plus = await api.ok(
        "POST", "/v1.0/packages", json={"PackageName": "Plus", "Type": "esim", "Price": 62, "Monthly": True}
    )
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Payer",
            "Email": "payer@example.com",
            "PhoneNumbers": [],
            "Role": "Subscriber",
            "Password": "a-long-password",
        },
    )
    sub = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={"SubscriberId": subscriber["SubscriberId"], "PackageId": basic["PackageId"], "Type": "mvno"},
    )
    return sub["SubscriptionId"], basic["PackageId"], plus["PackageId"]


async def test_billing_cycle(api: Api, http, platform, clock):
    sid, basic, plus = await setup_subscription(api)
    # Created on Jan 10: NRC once, and 22 of 31 days of Basic's 31.00.
    january = await api.ok("GET", "/ext/v1/billing/charges", params={"Period": "2026-01"})
    assert sorted((c["Kind"], c["Amount"]) for c in january["Charges"]) == [("MRC", "22.00"), ("NRC", "5.00")]
    assert all(c["Currency"] == "USD" for c in january["Charges"])
    # Jan 20: switch to Plus (62.00): credit 12 days of Basic, charge 12 days of Plus.
    move(api, clock, datetime(2026, 1, 20, 8, tzinfo=UTC))
    await api.ok("POST", "/v1.0/subscriptions/update", json={"SubscriptionId": sid, "PackageId": plus})
    statement = await api.ok(
        "GET", "/ext/v1/billing/statement", params={"Period": "2026-01", "AccountId": api.account_id}
    )
    assert statement["Total"] == "39.00" and statement["TotalCharges"] == 4 and statement["Currency"] == "USD"
    assert {line["PackageName"]: line["Amount"] for line in statement["Lines"]} == {"Basic": "15.00", "Plus": "24.00"}

    # Feb 1: the run scheduled at creation is due; the worker bills Plus in advance.
    move(api, clock, datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC))
    run = await wait_run(platform, "2026-02")
    assert run is not None and run.status == "done" and run.subscriptions_billed == 1
    february = await api.ok("GET", "/ext/v1/billing/statement", params={"Period": "2026-02"})
    assert february["Total"] == "62.00" and february["Lines"][0]["PackageName"] == "Plus"
    # Running the period again (operator) charges nothing more.
    queued = await ops(http, "POST", "/ops/v1/billing/runs", json={"Period": "2026-02"})
    assert queued.status_code == 200 and queued.json()["Status"] == "Queued"
    await asyncio.sleep(0.3)
    assert (await api.ok("GET", "/ext/v1/billing/statement", params={"Period": "2026-02"}))["Total"] == "62.00"
    assert (await ops(http, "POST", "/ops/v1/billing/runs", json={"Period": "2030-01"})).status_code == 400
    assert (await ops(http, "POST", "/ops/v1/billing/runs", json={"Period": "2026-1"})).status_code == 400
    assert (await http.post("/ops/v1/billing/runs", json={"Period": "2026-02"})).status_code == 401
    shown = (await ops(http, "GET", "/ops/v1/billing/runs", params={"Period": "2026-02"})).json()
    assert shown["Status"] == "done" and shown["SubscriptionsBilled"] == 1
    assert (await ops(http, "GET", "/ops/v1/billing/runs", params={"Period": "2029-02"})).status_code == 404

    # Deleted mid-February: February stays billed in advance, March bills nothing for it.
    move(api, clock, datetime(2026, 2, 10, tzinfo=UTC))
    await api.ok("POST", "/v1.0/subscriptions/delete", json={"SubscriptionId": sid})
    assert (await api.ok("GET", "/ext/v1/billing/statement", params={"Period": "2026-02"}))["Total"] == "62.00"
    move(api, clock, datetime(2026, 3, 1, 0, 0, 1, tzinfo=UTC))
    assert (await wait_run(platform, "2026-03")).status == "done"
    march = await api.ok("GET", "/ext/v1/billing/statement", params={"Period": "2026-03"})
    assert march["Total"] == "0.00" and march["Lines"] == []


async def test_billing_extension_tenancy_and_errors(api: Api, other_api: Api):
    await setup_subscription(api)
    response = await other_api.get("/ext/v1/billing/charges", AccountId=api.account_id, Period="2026-01")
    assert response.status_code == 400 and response.json()["Message"] == "Invalid AccountId"
    theirs = await other_api.ok("GET", "/ext/v1/billing/statement", params={"Period": "2026-01"})
    assert theirs["Total"] == "0.00" and theirs["AccountId"] == other_api.account_id
    assert (await api.get("/ext/v1/billing/statement", Period="January")).status_code == 400
    assert (await api.get("/ext/v1/billing/charges")).status_code == 200  # defaults to the current period


def test_statement_cli(tmp_path):
    """`mpaas billing statement` against a data dir: a table with package names, charges and a total."""
    from mpaas.billing import service as billing
    from mpaas.config import Settings
    from mpaas.core.db import migrate
    from mpaas.models import Package, Subscriber, Subscription
    from mpaas.roles.platform import Platform
    from support.seed import new_distributor

    settings = Settings(data_dir=tmp_path, seed_inventory_count=0)
    migrate.upgrade(settings.resolved_database_url())
    at = datetime(2026, 1, 10, tzinfo=UTC)

    async def seed() -> str:
        platform = Platform.build(settings, clock=FrozenClock(at))
        await platform.start()
        try:
            credential = await new_distributor(platform, "Cli Co")
            async with platform.db.write() as session:
                session.add(
                    Package(
                        id="PID-cli",
                        distributor_id=credential.account_key,
                        name="Unlimited Talk",
                        type="esim",
                        price=31,
                        monthly=True,
                        active=True,
                        created_at=at,
                    )
                )
                session.add(
                    Subscriber(
                        id="TSUID-cli",
                        account_id=credential.account_id,
                        name="n",
                        email="c@x.io",
                        email_key="c@x.io",
                        role="Subscriber",
                        password_hash="x",
                        phone_numbers=[],
                        created_at=at,
                        updated_at=at,
                    )
                )
                await session.flush()
                sub = Subscription(
                    id="SUB-cli",
                    account_id=credential.account_id,
                    subscriber_id="TSUID-cli",
                    package_id="PID-cli",
                    type="mvno",
                    active=True,
                    created_at=at,
                    updated_at=at,
                )
                session.add(sub)
                await session.flush()
                await billing.subscription_started(session, sub, at, "USD")
            return credential.account_id
        finally:
            await platform.close()

    account = asyncio.run(seed())
    result = CliRunner().invoke(
        cli, ["billing", "statement", "--account", account, "--period", "2026-01", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Unlimited Talk" in result.output and "22.00" in result.output and "Total" in result.output
    bad = CliRunner().invoke(
        cli, ["billing", "statement", "--account", "AID-nope", "--period", "2026-01", "--data-dir", str(tmp_path)]
    )
    assert bad.exit_code == 2
    run = CliRunner().invoke(cli, ["billing", "run", "--period", "2026-02", "--data-dir", str(tmp_path)])
    assert run.exit_code == 0 and "Billed 1 of 1" in run.output, run.output
    again = CliRunner().invoke(cli, ["billing", "run", "--period", "2026-02", "--data-dir", str(tmp_path)])
    assert "Billed 0 of 1" in again.output
