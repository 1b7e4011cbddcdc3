"""The console's guarantees checked across all of it rather than page by page (issue 21): every POST form refuses a
missing or forged CSRF token and every rendered POST form carries one; pages load only the package's own assets
(offline); a distributor sees and manages every one of its accounts; a Subscriber cannot open another subscriber's
message by URL; the messages page pages and filters; the operator re-drives one dead job, starts a billing run and
sees the carrier binds."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import httpx2
import pytest
from consolekit import PASSWORD, csrf_of, sign_in
from sqlalchemy import select, update

from mpaas.billing import engine as billing_engine
from mpaas.console.router import router as console_router
from mpaas.core.http.server import iter_routes
from mpaas.core.jobs.queue import enqueue
from mpaas.models import Job
from support.api import OPERATOR_TOKEN, make_message_route, make_voice_route, provision


class Forms(HTMLParser):
    """The page's POST forms (their action and hidden csrf_token values) and the URLs of its assets."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.assets: list[str] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = {"method": (a.get("method") or "get").lower(), "action": a.get("action"), "csrf": []}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and a.get("name") == "csrf_token":
            self._open["csrf"].append(a.get("value") or "")
        elif (tag == "script" and a.get("src")) or (tag == "img" and a.get("src")):
            self.assets.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.assets.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _parse(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


async def _client(app, kind: str, login: str, secret: str) -> httpx2.AsyncClient:
    client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver")
    assert (await sign_in(client, kind, login, secret)).status_code == 303, (kind, login)
    return client


async def _dead_job(platform, kind: str) -> int:
    async with platform.db.write() as session:
        enqueue(session, platform.clock.now(), kind, {})
        await session.flush()
    async with platform.db.write() as session:
        await session.execute(update(Job).where(Job.kind == kind).values(status="dead", last_error="boom"))
        return (await session.execute(select(Job.id).where(Job.kind == kind))).scalar_one()


async def _job_status(platform, job_id: int) -> str:
    async with platform.db.read() as session:
        return (await session.execute(select(Job.status).where(Job.id == job_id))).scalar_one()


def _post_routes() -> list[str]:
    return sorted(
        path
        for path, route in iter_routes(console_router.routes)
        if "POST" in (getattr(route, "methods", None) or ()) and path != "/console/login"  # double-submit: own test
    )


@pytest.mark.no_workers
async def test_every_post_form_refuses_a_missing_or_forged_csrf_token(app, platform, tenant):
    """Every POST handler of the console's router, found from the router itself (a new form is covered the day it
    is added), answers 403 without the session's token and does nothing."""
    api = tenant.api
    voice_id = await make_voice_route(api)
    hook = await api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": "http://127.0.0.1:9/h", "Method": "POST", "SubscribedEvents": "New_Sms"},
    )
    job_id = await _dead_job(platform, "console.csrf")
    period = billing_engine.period_of(platform.clock.now())
    target = tenant.numbers[2]
    params = {
        "{number}": quote(target),
        "{webhook_id}": hook["WebhookId"],
        "/message/{route_id}": f"/message/{tenant.route_id}",
        "/voice/{route_id}": f"/voice/{voice_id}",
    }
    forms = {  # what each form would do with a good token
        "/console/numbers/search": {"area_code": "801"},
        "/console/numbers/provision": {"message_route_id": tenant.route_id},
        "/console/numbers/{number}/status": {"status_change": "park"},
        "/console/send": {"from": tenant.numbers[0], "to": "+18015550100", "body": "forged"},
        "/console/routes/message/{route_id}/update": {"message_url": "http://127.0.0.1:9/stolen", "enabled": "1"},
        "/console/routes/voice/{route_id}/update": {"trunk_ip1": "20.87.87.99", "enabled": "1"},
        "/console/webhooks/create": {"webhook_url": "http://127.0.0.1:9/stolen", "subscribed_events": "New_Sms"},
        "/console/webhooks/{webhook_id}/update": {"webhook_url": "http://127.0.0.1:9/stolen", "active": "1"},
        "/console/ops/jobs/redrive": {"job_id": str(job_id), "all": "1"},
        "/console/ops/billing/run": {"period": period},
        "/console/subscribers/create": {
            "name": "Forged",
            "email": "forged@example.com",
            "role": "Account Admin",
            "password": "long-enough-password",
        },
        "/console/logout": {},
    }
    paths = _post_routes()
    assert set(paths) == set(forms), "a console POST form without a case here: add it"
    cred = api.credential
    distributor = await _client(app, "distributor", cred.account_key, cred.account_secret)
    operator = await _client(app, "operator", "", OPERATOR_TOKEN)
    routes_before = await api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id})
    try:
        for path in paths:
            url = path
            for placeholder, value in params.items():
                url = url.replace(placeholder, value)
            assert "{" not in url, url
            client = operator if path.startswith("/console/ops") else distributor
            for token in (None, "forged"):
                data = dict(forms[path]) if token is None else {**forms[path], "csrf_token": token}
                response = await client.post(url, data=data)
                assert response.status_code == 403, (path, token, response.status_code)
                assert "security token" in response.text, path
        # nothing happened
        assert (await api.ok("GET", "/v1.0/numbers", params={"Number": target}))["Status"] == "Active"
        assert len((await api.ok("GET", "/v1.0/numbers/inventory"))["PhoneNumbers"]) == 3
        assert await api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id}) == routes_before
        voice = await api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": voice_id})
        assert voice["TrunkIp1"] == "20.87.87.87"
        assert [h["WebhookUrl"] for h in await api.ok("GET", "/v1.0/account/webhooks")] == ["http://127.0.0.1:9/h"]
        sent = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": tenant.numbers[0]})
        assert sent["ResultsTotalRecords"] == 0
        assert await _job_status(platform, job_id) == "dead"
        run = await api.http.get(
            "/ops/v1/billing/runs", params={"Period": period}, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        )
        assert run.status_code == 404
        assert "forged@example.com" not in (await distributor.get("/console/subscribers")).text
        assert (await distributor.get("/console/numbers")).status_code == 200  # the forged sign-out did nothing
        assert (await operator.get("/console/ops")).status_code == 200
    finally:
        await distributor.aclose()
        await operator.aclose()


async def test_every_rendered_post_form_carries_the_csrf_token_and_assets_are_the_packages(app, platform, tenant):
    """Each page's POST forms carry the session's token (the sign-in form its double-submit token); the pages load
    nothing but the package's own stylesheet and script, which are served: no CDN, works offline."""
    await _dead_job(platform, "console.forms")  # so the operator's re-drive forms are on the page
    await make_voice_route(tenant.api)
    await tenant.api.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": "http://127.0.0.1:9/h", "Method": "POST", "SubscribedEvents": "New_Sms"},
    )
    admin = await _client(app, "subscriber", tenant.admin, PASSWORD)
    operator = await _client(app, "operator", "", OPERATOR_TOKEN)
    anonymous = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver")
    try:
        token = csrf_of((await admin.get("/console/numbers")).text)
        sent = await admin.post(
            "/console/send", data={"csrf_token": token, "from": tenant.numbers[0], "to": "+18015550100", "body": "x"}
        )
        assert sent.status_code == 303
        number = quote(tenant.numbers[0])
        pages = [
            (admin, path)
            for path in (
                "/console/numbers",
                f"/console/numbers/{number}",
                f"/console/numbers/{number}/usage",
                f"/console/messages?number={number}",
                sent.headers["location"],
                "/console/calls",
                "/console/send",
                "/console/routes",
                "/console/webhooks",
                "/console/subscribers",
                "/console/catalog",
                "/console/statements",
            )
        ] + [(operator, "/console/ops"), (anonymous, "/console/login")]
        posts_seen, assets = set(), set()
        for client, path in pages:
            page = await client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"].startswith("default-src 'self'"), path
            parsed = _parse(page.text)
            for form in parsed.forms:
                if form["method"] == "post":
                    posts_seen.add(form["action"].split("/console", 1)[1].split("?")[0])
                    assert len(form["csrf"]) == 1 and len(form["csrf"][0]) >= 32, (path, form["action"])
            assets.update(parsed.assets)
            assert "http://" not in "".join(parsed.assets) and "https://" not in "".join(parsed.assets), path
        assert len(posts_seen) >= 10, posts_seen  # the forms of every kind above were on the pages
        assert assets == {"/console/static/console.css", "/console/static/console.js"}
        for asset in assets:
            served = await anonymous.get(asset)
            assert served.status_code == 200 and served.content, asset
    finally:
        for client in (admin, operator, anonymous):
            await client.aclose()


@pytest.mark.no_workers
async def test_a_distributor_sees_and_manages_every_one_of_its_accounts(app, tenant):
    api = tenant.api
    second = (await api.ok("POST", "/v1.0/account/create", json={"AccountName": "Second"}))["AccountId"]
    second_route = await make_message_route(api, AccountId=second)
    theirs = (await provision(api, second_route, AccountId=second))["PhoneNumberAssigned"]
    cred = api.credential
    distributor = await _client(app, "distributor", cred.account_key, cred.account_secret)
    admin = await _client(app, "subscriber", tenant.admin, PASSWORD)  # the first account's Account Admin
    try:
        page = await distributor.get("/console/numbers")
        assert all(n in page.text for n in [*tenant.numbers, theirs])
        assert 'name="account_id"' in page.text and second in page.text  # the provision form names the account
        assert (await distributor.get(f"/console/numbers/{quote(theirs)}")).status_code == 200
        # provisioning into the second account with its route: the API sees the number there
        done = await distributor.post(
            "/console/numbers/provision",
            data={"csrf_token": csrf_of(page.text), "account_id": second, "message_route_id": second_route},
        )
        assert done.status_code == 200 and "Provisioned +" in done.text, done.text
        number = done.text.split("Provisioned ")[1].split(".")[0]
        found = await api.ok("GET", "/v1.0/numbers/inventory", params={"AccountId": second})
        assert number in [n["Number"] for n in found["PhoneNumbers"]]
        # the second account's route with the first account named: the API's own refusal, nothing provisioned
        refused = await distributor.post(
            "/console/numbers/provision",
            data={"csrf_token": csrf_of(page.text), "account_id": api.account_id, "message_route_id": second_route},
        )
        assert refused.status_code == 400 and f"does not exist in account {api.account_id}" in refused.text
        # the first account's Admin sees its account only: no account choice, not the second account's number
        mine = await admin.get("/console/numbers")
        assert theirs not in mine.text and number not in mine.text and 'name="account_id"' not in mine.text
        assert (await admin.get(f"/console/numbers/{quote(theirs)}")).status_code == 404
        statements = await distributor.get(f"/console/statements?account={second}")
        assert statements.status_code == 200
    finally:
        await distributor.aclose()
        await admin.aclose()


@pytest.mark.no_workers
async def test_a_subscriber_cannot_open_another_subscribers_message_by_url(app, tenant):
    manager = await _client(app, "subscriber", tenant.manager, PASSWORD)
    subscriber = await _client(app, "subscriber", tenant.subscriber, PASSWORD)
    try:
        token = csrf_of((await manager.get("/console/send")).text)
        ids = []
        for sender in tenant.numbers[:2]:  # the subscriber's number, then another subscriber's
            sent = await manager.post(
                "/console/send", data={"csrf_token": token, "from": sender, "to": "+18015550100", "body": "mine?"}
            )
            assert sent.status_code == 303
            ids.append(sent.headers["location"].rsplit("/", 1)[1])
        own, others = ids
        assert (await subscriber.get(f"/console/messages/{own}")).status_code == 200
        assert (await subscriber.get(f"/console/messages/{own}/live")).status_code == 200
        refused = await subscriber.get(f"/console/messages/{others}")
        assert refused.status_code == 404 and "Not found" in refused.text and tenant.numbers[1] not in refused.text
        assert (await subscriber.get(f"/console/messages/{others}/live")).status_code == 404
        assert (await manager.get(f"/console/messages/{others}")).status_code == 200  # the Manager reads it all
    finally:
        await manager.aclose()
        await subscriber.aclose()


@pytest.mark.no_workers
async def test_messages_page_pages_and_filters(console, tenant):
    """More than a page of a number's messages: the page links to the next; the direction filter is the API's."""
    for batch in range(2):
        recipients = [{"Number": f"+1801555{batch}{i:03d}"} for i in range(30)]
        await tenant.api.ok(
            "POST", "/v1.0/message/outbound", json={"From": tenant.numbers[0], "To": recipients, "Body": f"b{batch}"}
        )
    await sign_in(console, "subscriber", tenant.manager, PASSWORD)
    number = quote(tenant.numbers[0])
    first = await console.get(f"/console/messages?number={number}")
    assert first.status_code == 200 and "60 message(s)" in first.text and "Page 1 of 2" in first.text
    assert first.text.count("/console/messages/TMID-") == 50
    assert 'rel="next"' in first.text and "page=2" in first.text  # the Next link (it keeps the filters)
    second = await console.get(f"/console/messages?number={number}&direction=&start=&end=&type=&page=2")
    assert second.status_code == 200 and "Page 2 of 2" in second.text
    assert second.text.count("/console/messages/TMID-") == 10
    inbound = await console.get(f"/console/messages?number={number}&direction=Inbound")
    assert inbound.status_code == 200 and "0 message(s)" in inbound.text
    outbound = await console.get(f"/console/messages?number={number}&direction=Outbound")
    assert "60 message(s)" in outbound.text


@pytest.mark.no_workers
async def test_operator_redrives_one_dead_job_and_starts_a_billing_run(console, platform, tenant, http):
    one, other = await _dead_job(platform, "console.one"), await _dead_job(platform, "console.other")
    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    page = await console.get("/console/ops")
    assert f'aria-label="Re-drive job {one}"' in page.text and f'aria-label="Re-drive job {other}"' in page.text
    token = csrf_of(page.text)
    done = await console.post("/console/ops/jobs/redrive", data={"csrf_token": token, "job_id": str(one)})
    assert done.status_code == 303 and "Re-drove%201" in done.headers["location"]
    assert await _job_status(platform, one) == "pending" and await _job_status(platform, other) == "dead"
    # billing: a period not yet started is the API's refusal; the current one is queued, seen by the API and page
    now = platform.clock.now()
    future = f"{now.year + 1:04d}-01"
    refused = await console.post("/console/ops/billing/run", data={"csrf_token": token, "period": future})
    assert refused.status_code == 400 and f"Period {future} has not started" in refused.text
    bad = await console.post("/console/ops/billing/run", data={"csrf_token": token, "period": "2026-13"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.text
    period = billing_engine.period_of(now)
    started = await console.post("/console/ops/billing/run", data={"csrf_token": token, "period": period})
    assert started.status_code == 303, started.text
    run = await http.get(
        "/ops/v1/billing/runs", params={"Period": period}, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    )
    assert run.status_code == 200 and run.json()["Period"] == period
    shown = await console.get(started.headers["location"])
    assert 'id="billing-run"' in shown.text and f"<dd>{period}</dd>" in shown.text and "queued" in shown.text


async def test_operator_sees_the_carrier_binds(console, tenant):
    """With workers (the embedded layout), the process's carrier connector is on the page as a bind row."""
    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    page = await console.get("/console/ops")
    carriers = page.text.split('id="carriers"')[1].split("</table>")[0]
    assert "<td>sandbox</td>" in carriers and "<td>bound</td>" in carriers and "{" not in carriers


@pytest.mark.no_workers
async def test_a_process_without_binds_shows_who_holds_the_bind_lease(console, platform, tenant):
    """An `mpaas api` process (no workers, no binds) tells the operator whether some process holds the carrier
    binds' lease: on PostgreSQL the session holding the advisory lock, on SQLite the lock file's holder."""
    import os

    from mpaas.carriers.lease import FileLockLease, lease_for

    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    page = await console.get("/console/ops")
    assert "No carrier binds reported: this process holds none" in page.text
    assert 'id="bind-lease"' in page.text and "No process holds the carrier binds" in page.text
    lease = lease_for(platform.settings.resolved_database_url())  # as a gateway takes it
    assert await lease.try_acquire()
    try:
        held = (await console.get("/console/ops")).text
        assert "The bind lease is held by process" in held and "No process holds" not in held
        if isinstance(lease, FileLockLease):
            assert f"process {os.getpid()}" in held
        else:
            assert "(mpaas gateway)" in held  # the lease connection's application_name
    finally:
        await lease.release()
    assert "No process holds the carrier binds" in (await console.get("/console/ops")).text


@pytest.mark.no_workers
async def test_catalog_subscribers_and_statement_show_a_real_subscription_and_its_charges(console, platform, tenant):
    """A package and a subscription made through the API: the catalog lists them, the subscribers page counts the
    subscription, and the period's statement (page and CSV) carries its charges with the API's own total; the
    period before has none."""
    import csv
    import io

    api = tenant.api
    provisioned = await provision(api, tenant.route_id)
    package = await api.ok(
        "POST", "/v1.0/packages", json={"PackageName": "Console Plan", "Type": "p2p", "Price": 7, "Monthly": True}
    )
    holder = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={
            "Name": "Plan Holder",
            "Email": "plan-holder@example.com",
            "PhoneNumbers": [provisioned["PhoneNumberAssigned"]],
            "Role": "Subscriber",
            "Password": PASSWORD,
        },
    )
    sub = await api.ok(
        "POST",
        "/v1.0/subscriptions",
        json={
            "SubscriberId": holder["SubscriberId"],
            "TNID": provisioned["PhoneNumberId"],
            "PackageId": package["PackageId"],
            "Type": "mvno",
        },
    )
    period = billing_engine.period_of(platform.clock.now())
    wire = await api.ok("GET", "/ext/v1/billing/statement", params={"Period": period})
    assert wire["TotalCharges"] >= 1
    await sign_in(console, "subscriber", tenant.manager, PASSWORD)
    catalog = (await console.get("/console/catalog")).text
    assert "Console Plan" in catalog and sub["SubscriptionId"] in catalog and package["PackageId"] in catalog
    subscribers = (await console.get("/console/subscribers")).text
    row = subscribers.split("plan-holder@example.com")[1].split("</tr>")[0]
    assert provisioned["PhoneNumberAssigned"] in row and row.rstrip().endswith("<td>1</td>")
    page = await console.get(f"/console/statements?period={period}")
    assert page.status_code == 200 and "Console Plan" in page.text
    assert f'id="statement-total">{wire["Total"]} {wire["Currency"]}' in page.text
    assert f"({wire['TotalCharges']} charges)" in page.text
    download = await console.get(f"/console/statements.csv?period={period}")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == wire["TotalCharges"] and {r["SubscriptionId"] for r in rows} == {sub["SubscriptionId"]}
    assert all(r["PackageName"] == "Console Plan" for r in rows)
    year, month = billing_engine.parse_period(period)
    before = f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"
    assert "No charges in this period." in (await console.get(f"/console/statements?period={before}")).text
    assert len((await console.get(f"/console/statements.csv?period={before}")).text.splitlines()) == 1


@pytest.mark.no_workers
async def test_another_tenants_messages_webhooks_and_numbers_are_never_shown_or_changed(app, platform, tenant, http):
    from consolekit import make_tenant

    from support.api import Api
    from support.seed import new_distributor

    other = Api(http, await new_distributor(platform, "Umbrella"))
    theirs = await make_tenant(other, "umbrella")
    sent = await other.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": theirs.numbers[0], "To": [{"Number": "+18015550199"}], "Body": "umbrella secret"},
    )
    their_message = sent["MessageId"]
    assert their_message.startswith("TMID-")
    their_hook = await other.ok(
        "POST",
        "/v1.0/webhook/create",
        json={"WebhookUrl": "http://127.0.0.1:9/umbrella", "Method": "POST", "SubscribedEvents": "New_Sms"},
    )
    their_route = await other.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": theirs.route_id})
    cred = tenant.api.credential
    mine = await _client(app, "distributor", cred.account_key, cred.account_secret)
    try:
        token = csrf_of((await mine.get("/console/numbers")).text)
        number = quote(theirs.numbers[0])
        listing = await mine.get(f"/console/messages?number={number}")
        assert "umbrella secret" not in listing.text and their_message not in listing.text
        for path in (
            f"/console/messages/{their_message}",
            f"/console/messages/{their_message}/live",
            f"/console/numbers/{number}",
            f"/console/numbers/{number}/usage",
        ):
            response = await mine.get(path)
            assert response.status_code == 404 and "umbrella secret" not in response.text, path
        for path in ("/console/webhooks", "/console/routes", "/console/subscribers", "/console/catalog"):
            page = (await mine.get(path)).text
            assert their_hook["WebhookId"] not in page and theirs.route_id not in page, path
            assert "umbrella-" not in page, path  # their subscribers' emails
        assert (await mine.get(f"/console/statements?account={other.account_id}")).status_code == 400
        changed = await mine.post(
            f"/console/numbers/{number}/status", data={"csrf_token": token, "status_change": "park"}
        )
        assert changed.status_code in (400, 404)
        hook = await mine.post(
            f"/console/webhooks/{their_hook['WebhookId']}/update",
            data={"csrf_token": token, "webhook_url": "http://127.0.0.1:9/stolen", "active": "1"},
        )
        assert hook.status_code in (400, 404)
        assert (await other.ok("GET", "/v1.0/numbers", params={"Number": theirs.numbers[0]}))["Status"] == "Active"
        assert [h["WebhookUrl"] for h in await other.ok("GET", "/v1.0/account/webhooks")] == [
            "http://127.0.0.1:9/umbrella"
        ]
        assert await other.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": theirs.route_id}) == their_route
    finally:
        await mine.aclose()


@pytest.mark.no_workers
async def test_an_account_admin_adds_a_subscriber_who_then_signs_in(app, platform, tenant, http):
    from consolekit import make_tenant

    from support.api import Api
    from support.seed import new_distributor

    admin = await _client(app, "subscriber", tenant.admin, PASSWORD)
    manager = await _client(app, "subscriber", tenant.manager, PASSWORD)
    try:
        page = await admin.get("/console/subscribers")
        assert 'id="new-subscriber"' in page.text
        token = csrf_of(page.text)
        form = {
            "csrf_token": token,
            "name": "New Manager",
            "email": "new-manager@example.com",
            "role": "Manager",
            "password": "a-new-long-password",
            "phone_numbers": tenant.numbers[2],
        }
        # the API's validation, shown on the page; the password is never sent back
        bad = await admin.post("/console/subscribers/create", data={**form, "email": "not-an-email"})
        assert bad.status_code == 400 and "Email" in bad.text and "a-new-long-password" not in bad.text
        short = await admin.post("/console/subscribers/create", data={**form, "password": "short"})
        assert short.status_code == 400 and "Password" in short.text
        other = Api(http, await new_distributor(platform, "Hooli"))
        theirs = await make_tenant(other, "hooli")
        foreign = await admin.post("/console/subscribers/create", data={**form, "phone_numbers": theirs.numbers[0]})
        assert (
            foreign.status_code == 400
            and "new-manager@example.com" not in foreign.text.split("<table")[1].split("</table>")[0]
        )
        # added, through the API's service: the API sees it, with its number and role
        done = await admin.post("/console/subscribers/create", data=form)
        assert done.status_code == 303, done.text
        listed = (await admin.get(done.headers["location"])).text
        assert "new-manager@example.com added as Manager" in listed
        row = listed.split("new-manager@example.com</td>")[1].split("</tr>")[0]
        assert "<td>Manager</td>" in row and tenant.numbers[2] in row
        again = await admin.post("/console/subscribers/create", data=form)
        assert again.status_code == 400  # the API's refusal of a second subscriber with that email
        # ... who signs in with that email and password, with a Manager's rights
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
            assert (await sign_in(c, "subscriber", "new-manager@example.com", "a-new-long-password")).status_code == 303
            numbers = await c.get("/console/numbers")
            assert numbers.status_code == 200 and all(n in numbers.text for n in tenant.numbers)
            assert (await c.get("/console/send")).status_code == 200
        # a Manager gets no form and is refused
        mine = await manager.get("/console/subscribers")
        assert 'id="new-subscriber"' not in mine.text
        refused = await manager.post(
            "/console/subscribers/create", data={**form, "csrf_token": csrf_of(mine.text), "email": "m2@example.com"}
        )
        assert refused.status_code == 403
        assert "m2@example.com" not in (await admin.get("/console/subscribers")).text
    finally:
        await admin.aclose()
        await manager.aclose()


@pytest.mark.no_workers
async def test_a_password_changed_through_the_api_ends_the_subscribers_console_sessions(app, tenant):
    """As a rotated AccountSecret ends a distributor's sessions; a role changed through the API acts at once."""
    manager = await _client(app, "subscriber", tenant.manager, PASSWORD)
    other = await _client(app, "subscriber", tenant.subscriber, PASSWORD)
    try:
        assert (await manager.get("/console/send")).status_code == 200
        sub_id = await _manager_id(tenant)
        await tenant.api.ok("POST", "/v1.0/subscribers/update", json={"SubscriberId": sub_id, "Role": "Subscriber"})
        assert (await manager.get("/console/send")).status_code == 403  # now a Subscriber, on the next request
        await tenant.api.ok(
            "POST",
            "/v1.0/subscribers/update",
            json={"SubscriberId": sub_id, "Password": "a-changed-password"},
        )
        assert (await manager.get("/console/numbers")).status_code == 303  # signed out: the old password's session
        assert (await other.get("/console/numbers")).status_code == 200  # another subscriber's session is kept
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
            assert (await sign_in(c, "subscriber", tenant.manager, PASSWORD)).status_code == 401
            assert (await sign_in(c, "subscriber", tenant.manager, "a-changed-password")).status_code == 303
            assert (await c.get("/console/numbers")).status_code == 200
    finally:
        await manager.aclose()
        await other.aclose()


async def _manager_id(tenant) -> str:
    """The tenant's Manager's SubscriberId, from the API's listing."""
    page = await tenant.api.ok("GET", "/v1.0/distributor/subscribers")
    return next(r["SubscriberId"] for r in page["Subscribers"] if r["Email"] == tenant.manager)


@pytest.mark.no_workers
async def test_a_process_without_binds_shows_the_binds_their_holder_reported(console, platform, tenant):
    """The production layout's gateway reports its binds (ops/bind_states.py, as carriers/gateway.py calls it); the
    operator page of a process without binds shows them with their reporter and age, and marks a report its holder
    stopped renewing as stale."""
    from datetime import timedelta

    from mpaas.ops import bind_states

    publish = bind_states.publisher(platform.db, platform.clock)
    state = {"name": "carrier-a", "kind": "smpp", "bound": True, "host": "127.0.0.1:2775", "binds": 2, "window": 50}
    await publish([state, {**state, "name": "carrier-b", "bound": False, "last_error": "bind refused: 0x0d"}])
    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    carriers = (await console.get("/console/ops")).text.split('id="carriers"')[1].split("</table>")[0]
    assert "<td>carrier-a</td>" in carriers and "<td>bound</td>" in carriers and "127.0.0.1:2775" in carriers
    assert "<td>carrier-b</td>" in carriers and "not bound" in carriers and "bind refused: 0x0d" in carriers
    assert bind_states.this_process() in carriers and "stale" not in carriers
    old = platform.clock.now() - timedelta(seconds=bind_states.STALE_AFTER_SECONDS + 1)
    async with platform.db.write() as session:  # the last report of a holder that died
        await bind_states.replace(session, [state], "pid 1 on elsewhere", old)
    carriers = (await console.get("/console/ops")).text.split('id="carriers"')[1].split("</table>")[0]
    assert "stale: its holder stopped reporting" in carriers
    await publish([])  # the holder let the binds go
    page = (await console.get("/console/ops")).text
    assert "carrier-a" not in page and "No carrier binds reported" in page
