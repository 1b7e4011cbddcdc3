"""The console over plain HTTP (httpx against the ASGI app): sign-in of each kind, cookie flags, CSRF on every
form, role rules and tenancy, and that actions go through the API's services (the API sees what the console did)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx2
import pytest
from consolekit import PASSWORD, csrf_of, make_tenant, sign_in

from support.api import OPERATOR_TOKEN, Api
from support.seed import new_distributor


def _session_cookie(response: httpx2.Response) -> str:
    cookies = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    found = [c for c in cookies if c.startswith("mpaas_console=")]
    assert found, cookies
    return found[0]


async def test_subscriber_sign_in_sets_a_server_side_session_cookie(console, tenant):
    response = await sign_in(console, "subscriber", tenant.subscriber, PASSWORD)
    assert response.status_code == 303
    cookie = _session_cookie(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/console" in cookie
    assert "secure" not in cookie  # plain HTTP here; over TLS the next test sees Secure
    page = await console.get("/console/numbers")
    assert page.status_code == 200
    assert tenant.numbers[0] in page.text
    assert tenant.numbers[1] not in page.text  # another subscriber's number


async def test_cookie_is_secure_over_tls(app, tenant):
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="https://testserver") as tls:
        response = await sign_in(
            tls, "distributor", tenant.api.credential.account_key, tenant.api.credential.account_secret
        )
        assert response.status_code == 303
        assert "secure" in _session_cookie(response).lower()


async def test_every_kind_of_sign_in(app, tenant):
    for kind, login, secret, home in (
        ("subscriber", tenant.admin, PASSWORD, "/console/numbers"),
        ("subscriber", tenant.manager, PASSWORD, "/console/numbers"),
        ("subscriber", tenant.subscriber, PASSWORD, "/console/numbers"),
        ("distributor", tenant.api.credential.account_key, tenant.api.credential.account_secret, "/console/numbers"),
        ("operator", "", OPERATOR_TOKEN, "/console/ops"),
    ):
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
            assert (await sign_in(c, kind, login, secret)).status_code == 303
            landing = await c.get("/console/")
            assert landing.status_code == 303 and landing.headers["location"] == home, (kind, login)
            assert (await c.get(home)).status_code == 200


async def test_wrong_credentials_are_refused_and_charged_to_the_api_budget(console, tenant, platform):
    for kind, login in (("subscriber", tenant.subscriber), ("distributor", tenant.api.credential.account_key)):
        response = await sign_in(console, kind, login, "wrong-password")
        assert response.status_code == 401
        assert "mpaas_console=" not in response.headers.get("set-cookie", "")
    assert (await console.get("/console/numbers")).status_code == 303  # still signed out
    # The API's failed-credential budget: 5 failures per key and address lock the pair, in the console and API.
    key = tenant.api.credential.account_key
    for _ in range(4):
        await sign_in(console, "distributor", key, "wrong")
    locked = await sign_in(console, "distributor", key, tenant.api.credential.account_secret)
    assert locked.status_code == 429
    token = await console.post(
        "/v1.0/OAuth2/tokens",
        json={
            "AccountKey": key,
            "AccountSecret": tenant.api.credential.account_secret,
            "ApiEndpoint": "http://testserver/v1.0/numbers",
        },
    )
    assert token.status_code == 429


async def test_sign_in_form_needs_its_csrf_token(console, tenant):
    await console.get("/console/login")
    response = await console.post(
        "/console/login", data={"kind": "subscriber", "email": tenant.admin, "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403
    assert (await console.get("/console/numbers")).status_code == 303


async def test_forms_without_the_session_csrf_token_are_refused(console, tenant):
    await sign_in(console, "subscriber", tenant.admin, PASSWORD)
    for path, form in (
        ("/console/numbers/provision", {"area_code": "801"}),
        ("/console/send", {"from": tenant.numbers[0], "to": "+18015550100", "body": "hi"}),
        (f"/console/numbers/{tenant.numbers[2]}/status", {"status_change": "park"}),
        ("/console/logout", {}),
    ):
        for token in (None, "forged"):
            data = dict(form) if token is None else {**form, "csrf_token": token}
            response = await console.post(path, data=data)
            assert response.status_code == 403, (path, token)
    # nothing happened: the number is still active, no message was sent, and the session still works
    detail = await tenant.api.ok("GET", "/v1.0/numbers", params={"Number": tenant.numbers[2]})
    assert detail["Status"] == "Active"
    assert (await console.get("/console/numbers")).status_code == 200


async def test_roles(app, tenant):
    async def client_as(email):
        c = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver")
        assert (await sign_in(c, "subscriber", email, PASSWORD)).status_code == 303
        return c

    sub, manager, admin = (
        await client_as(tenant.subscriber),
        await client_as(tenant.manager),
        await client_as(tenant.admin),
    )
    try:
        # A Subscriber: its own number only, no sending, no account pages, no provisioning.
        assert (await sub.get(f"/console/numbers/{tenant.numbers[0]}")).status_code == 200
        other = await sub.get(f"/console/numbers/{tenant.numbers[1]}")
        assert other.status_code == 404 and tenant.numbers[1] not in other.text.split("<main")[1].split("No such")[0]
        assert (await sub.get(f"/console/messages?number={tenant.numbers[1]}")).status_code == 404
        for path in ("/console/send", "/console/webhooks", "/console/routes", "/console/ops"):
            assert (await sub.get(path)).status_code == 403, path
        page = await sub.get("/console/numbers")
        assert (
            await sub.post("/console/numbers/provision", data={"csrf_token": csrf_of(page.text)})
        ).status_code == 403
        # A Manager: reads everything in the account and sends, but does not provision or change status.
        page = await manager.get("/console/numbers")
        assert all(n in page.text for n in tenant.numbers)
        assert "Provision a number" not in page.text
        assert (await manager.get("/console/send")).status_code == 200
        assert (await manager.get("/console/webhooks")).status_code == 200
        routes_page = await manager.get("/console/routes")
        assert routes_page.status_code == 200 and tenant.route_id in routes_page.text
        token = csrf_of(page.text)
        refused = await manager.post(
            f"/console/numbers/{tenant.numbers[2]}/status", data={"csrf_token": token, "status_change": "park"}
        )
        assert refused.status_code == 403
        # An Account Admin manages: provisioning goes through the API's service (the API sees the number).
        page = await admin.get("/console/numbers")
        done = await admin.post(
            "/console/numbers/provision",
            data={"csrf_token": csrf_of(page.text), "message_route_id": tenant.route_id, "area_code": ""},
        )
        assert done.status_code == 200 and "Provisioned +" in done.text
        number = done.text.split("Provisioned ")[1].split(".")[0]
        assert (await tenant.api.ok("GET", "/v1.0/numbers", params={"Number": number}))["Status"] == "Active"
        # and a status change
        parked = await admin.post(
            f"/console/numbers/{number}/status", data={"csrf_token": csrf_of(page.text), "status_change": "park"}
        )
        assert parked.status_code == 303
        assert (await tenant.api.ok("GET", "/v1.0/numbers", params={"Number": number}))["Status"] != "Active"
        # The operator's pages are the operator's only.
        assert (await admin.get("/console/ops")).status_code == 403
    finally:
        for c in (sub, manager, admin):
            await c.aclose()


async def test_another_tenant_is_never_shown(app, platform, tenant, http):
    other = Api(http, await new_distributor(platform, "Globex"))
    theirs = await make_tenant(other, "globex")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "distributor", tenant.api.credential.account_key, tenant.api.credential.account_secret)
        page = await c.get("/console/numbers")
        assert not any(n in page.text for n in theirs.numbers)
        assert (await c.get(f"/console/numbers/{theirs.numbers[0]}")).status_code == 404
        assert (await c.get(f"/console/messages?number={theirs.numbers[0]}")).status_code in (200, 404)
        sent = await c.post(
            "/console/send",
            data={"csrf_token": csrf_of(page.text), "from": theirs.numbers[0], "to": "+18015550100", "body": "x"},
        )
        assert sent.status_code == 400  # the API's own refusal: not one of the caller's numbers
        theirs_before = await other.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": theirs.route_id})
        edit = await c.post(
            f"/console/routes/message/{theirs.route_id}/update",
            data={"csrf_token": csrf_of(page.text), "message_url": "http://127.0.0.1:9/stolen"},
        )
        assert edit.status_code == 404  # the API's tenancy: not one of the caller's routes
        assert (
            await other.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": theirs.route_id}) == theirs_before
        )


async def test_send_and_read_the_message_and_its_webhook_attempts(console, tenant):
    await sign_in(console, "subscriber", tenant.manager, PASSWORD)
    page = await console.get("/console/send")
    assert page.status_code == 200
    bad = await console.post(
        "/console/send", data={"csrf_token": csrf_of(page.text), "from": tenant.numbers[0], "to": "12", "body": "hi"}
    )
    assert bad.status_code == 400 and "To[0].Number" in bad.text
    sent = await console.post(
        "/console/send",
        data={
            "csrf_token": csrf_of(page.text),
            "from": tenant.numbers[0],
            "to": "+18015550100",
            "body": "hi <b>there</b>",
        },
    )
    assert sent.status_code == 303
    message_page = await console.get(sent.headers["location"])
    assert message_page.status_code == 200
    assert "hi &lt;b&gt;there&lt;/b&gt;" in message_page.text  # escaped
    message_id = sent.headers["location"].rsplit("/", 1)[1]
    details = await tenant.api.ok("GET", "/v1.0/message/details", params={"MessageId": message_id})
    assert details["Body"] == "hi <b>there</b>"
    live = await console.get(f"/console/messages/{message_id}/live")
    assert live.status_code == 200 and 'id="message-status"' in live.text
    listing = await console.get(f"/console/messages?number={tenant.numbers[0]}")
    assert message_id in listing.text


async def test_signed_out_pages_redirect_and_logout_ends_the_session(console, tenant):
    assert (await console.get("/console/messages")).headers["location"].startswith("/console/login")
    await sign_in(console, "subscriber", tenant.admin, PASSWORD)
    page = await console.get("/console/numbers")
    assert (await console.post("/console/logout", data={"csrf_token": csrf_of(page.text)})).status_code == 303
    assert (await console.get("/console/numbers")).status_code == 303


async def test_a_rotated_secret_ends_distributor_sessions(console, tenant, http):
    cred = tenant.api.credential
    await sign_in(console, "distributor", cred.account_key, cred.account_secret)
    assert (await console.get("/console/numbers")).status_code == 200
    rotated = await http.post(
        "/ops/v1/distributors/rotate-secret",
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        json={"AccountKey": cred.account_key},
    )
    assert rotated.status_code == 200, rotated.text
    assert (await console.get("/console/numbers")).status_code == 303


@pytest.mark.no_workers
async def test_operator_redrives_dead_jobs(console, platform, tenant):
    from mpaas.core.jobs.queue import enqueue
    from mpaas.models import Job

    async with platform.db.write() as session:
        enqueue(session, platform.clock.now(), "console.test", {})
        await session.flush()
    async with platform.db.write() as session:
        from sqlalchemy import update

        await session.execute(update(Job).where(Job.kind == "console.test").values(status="dead", last_error="boom"))
    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    page = await console.get("/console/ops")
    assert page.status_code == 200 and "console.test" in page.text and "Acme" in page.text
    assert "No billing run scheduled for 2026-01" in (await console.get("/console/ops?period=2026-01")).text
    done = await console.post("/console/ops/jobs/redrive", data={"csrf_token": csrf_of(page.text), "all": "1"})
    assert done.status_code == 303 and "Re-drove%201" in done.headers["location"]
    assert (await console.get("/console/numbers")).status_code == 403


async def test_data_usage_chart_of_the_month(console, tenant, http, platform):
    now = platform.clock.now()
    ingested = await http.post(
        "/ops/v1/usage",
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        json={
            "Records": [
                {
                    "RecordId": "r1",
                    "PhoneNumber": tenant.numbers[0],
                    "Bytes": 3 * 1024 * 1024,
                    "Timestamp": now.isoformat(),
                },
                {
                    "RecordId": "r2",
                    "PhoneNumber": tenant.numbers[0],
                    "Bytes": 1024 * 1024,
                    "Timestamp": now.isoformat(),
                },
            ]
        },
    )
    assert ingested.status_code == 200, ingested.text
    await sign_in(console, "subscriber", tenant.subscriber, PASSWORD)
    page = await console.get(f"/console/numbers/{tenant.numbers[0]}/usage")
    assert page.status_code == 200
    assert "<svg" in page.text and f"day {now.day}: 4.0 MB" in page.text
    assert f"<td>{now.day}</td><td>{4 * 1024 * 1024}</td>" in page.text
    assert (await console.get(f"/console/numbers/{tenant.numbers[1]}/usage")).status_code == 404


async def test_statement_page_and_csv(console, tenant):
    await sign_in(console, "subscriber", tenant.manager, PASSWORD)
    page = await console.get("/console/statements?period=2026-01")
    assert page.status_code == 200 and 'id="statement-total"' in page.text
    csv_response = await console.get("/console/statements.csv?period=2026-01")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    assert csv_response.text.splitlines()[0].startswith("ChargeId,CreatedOn")
    assert (await console.get("/console/statements?period=bad")).status_code == 400
    assert (await console.get("/console/statements?account=AID-not-mine")).status_code == 400


async def test_subscribers_and_catalog_pages(app, tenant):
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "subscriber", tenant.admin, PASSWORD)
        subscribers = await c.get("/console/subscribers")
        assert subscribers.status_code == 200 and tenant.subscriber in subscribers.text
        assert (await c.get("/console/catalog")).status_code == 200
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "subscriber", tenant.subscriber, PASSWORD)
        for path in ("/console/subscribers", "/console/catalog", "/console/statements", "/console/statements.csv"):
            assert (await c.get(path)).status_code == 403, path


HOSTILE = [
    "\x00",
    "%00",
    "'; drop table messages; --",
    "9" * 400,
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "-1",
    "0",
]


async def test_hostile_input_never_gets_a_server_error(console, tenant):
    await sign_in(console, "distributor", tenant.api.credential.account_key, tenant.api.credential.account_secret)
    token = csrf_of((await console.get("/console/numbers")).text)
    for value in HOSTILE:
        part = quote(value, safe="")
        for path, params in (
            ("/console/numbers", {"status": value, "page": value}),
            (f"/console/numbers/{part}", {}),
            (f"/console/numbers/{part}/usage", {}),
            ("/console/messages", {"number": value, "page": value, "start": value, "direction": value}),
            (f"/console/messages/{part}", {}),
            (f"/console/messages/{part}/live", {}),
            ("/console/statements", {"period": value, "account": value}),
            ("/console/statements.csv", {"period": value}),
            ("/console/subscribers", {"page": value}),
            (
                "/console/calls",
                {"number": value, "page": value, "direction": value, "disposition": value, "start": value},
            ),
        ):
            response = await console.get(path, params=params)
            assert response.status_code < 500, (path, params, response.status_code)
        for path, form in (
            ("/console/numbers/search", {"area_code": value}),
            ("/console/numbers/provision", {"area_code": value, "message_route_id": value, "product_type": value}),
            (f"/console/numbers/{tenant.numbers[2]}/status", {"status_change": value, "effective_date": value}),
            ("/console/send", {"from": value, "to": value, "body": value}),
            ("/console/login", {"kind": value, "email": value, "password": value}),
            (f"/console/routes/message/{part}/update", {"message_url": value}),
            (
                f"/console/routes/message/{tenant.route_id}/update",
                {"message_url": value, "callback_message_url": value},
            ),
            (f"/console/routes/voice/{part}/update", {"trunk_ip1": value, "trunk_port1": value, "voice_url": value}),
        ):
            response = await console.post(path, data={"csrf_token": token, **form})
            assert response.status_code < 500, (path, form, response.status_code)
    assert (
        "<script>alert(1)</script>"
        not in (await console.get("/console/messages", params={"number": "<script>alert(1)</script>"})).text
    )


async def test_a_changed_operator_token_ends_operator_sessions(console, platform, tenant):
    await sign_in(console, "operator", "", OPERATOR_TOKEN)
    assert (await console.get("/console/ops")).status_code == 200
    platform.settings.operator_token = "a-new-operator-token"
    try:
        assert (await console.get("/console/ops")).status_code == 303
    finally:
        platform.settings.operator_token = OPERATOR_TOKEN


async def test_account_webhooks_are_added_and_changed_through_the_api_service(console, tenant):
    await sign_in(console, "subscriber", tenant.admin, PASSWORD)
    token = csrf_of((await console.get("/console/webhooks")).text)
    bad = await console.post(
        "/console/webhooks/create",
        data={"csrf_token": token, "webhook_url": "not a url", "subscribed_events": "New_Sms"},
    )
    assert bad.status_code == 400 and "WebhookUrl" in bad.text
    made = await console.post(
        "/console/webhooks/create",
        data={
            "csrf_token": token,
            "webhook_url": "http://127.0.0.1:9/hook",
            "subscribed_events": "New_Sms, Order_Update",
        },
    )
    assert made.status_code == 303
    hooks = await tenant.api.ok("GET", "/v1.0/account/webhooks")
    assert [h["WebhookUrl"] for h in hooks] == ["http://127.0.0.1:9/hook"]
    hook_id = hooks[0]["WebhookId"]
    saved = await console.post(
        f"/console/webhooks/{hook_id}/update", data={"csrf_token": token, "webhook_url": "http://127.0.0.1:10/fixed"}
    )
    assert saved.status_code == 303
    hook = (await tenant.api.ok("GET", "/v1.0/account/webhooks"))[0]
    assert hook["WebhookUrl"] == "http://127.0.0.1:10/fixed" and hook["Active"] is False  # the box was unticked
    assert (await console.post(f"/console/webhooks/{hook_id}/update", data={"webhook_url": "x"})).status_code == 403


async def test_a_manager_cannot_change_webhooks(console, tenant):
    await sign_in(console, "subscriber", tenant.manager, PASSWORD)
    page = await console.get("/console/webhooks")
    assert "Add a webhook" not in page.text
    refused = await console.post(
        "/console/webhooks/create",
        data={"csrf_token": csrf_of(page.text), "webhook_url": "http://127.0.0.1:9/h", "subscribed_events": "New_Sms"},
    )
    assert refused.status_code == 403


def test_the_api_role_serves_the_console(monkeypatch, tmp_path):
    """`mpaas api` (mpaas.app:api_only_app, the production layout) mounts the same console."""
    from mpaas.app import api_only_app
    from mpaas.core.http.server import iter_routes

    monkeypatch.setenv("MPAAS_DATA_DIR", str(tmp_path))
    paths = {path for path, _route in iter_routes(api_only_app().routes)}
    assert {"/console/login", "/console/numbers", "/console/messages/{message_id}", "/console/ops"} <= paths


async def test_an_expired_session_is_refused(console, tenant, platform):
    from datetime import timedelta

    from sqlalchemy import update

    from mpaas.console.models import ConsoleSession

    await sign_in(console, "subscriber", tenant.admin, PASSWORD)
    assert (await console.get("/console/numbers")).status_code == 200
    async with platform.db.write() as session:
        await session.execute(update(ConsoleSession).values(expires_at=platform.clock.now() - timedelta(seconds=1)))
    assert (await console.get("/console/numbers")).status_code == 303


async def test_sign_in_returns_only_to_console_pages(console, tenant):
    for target, expected in (
        ("/console/messages", "/console/messages"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/console/\\evil", "/console/"),
    ):
        console.cookies.clear()  # signed out again
        page = await console.get("/console/login")
        response = await console.post(
            "/console/login",
            data={
                "csrf_token": csrf_of(page.text),
                "kind": "subscriber",
                "email": tenant.admin,
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.status_code == 303 and response.headers["location"] == expected, target


# ---- calls and route changes ------------------------------------------------------------------------------------


async def test_calls_page_lists_own_calls_newest_first_and_filters(app, platform, tenant, http):
    from support.calls import new_call

    other = Api(http, await new_distributor(platform, "Initech"))
    theirs = await make_tenant(other, "initech")
    now = platform.clock.now()
    mine, another_subscribers = tenant.numbers[0], tenant.numbers[1]
    older = await new_call(platform, tenant.api.account_id, "c-old", to_number=mine, now=now - timedelta(hours=2))
    newer = await new_call(
        platform, tenant.api.account_id, "c-new", direction="outbound", from_number=mine, to_number="+18015550111"
    )
    rejected = await new_call(
        platform, tenant.api.account_id, "c-rej", to_number=another_subscribers, reject_code=486, reject_reason="Busy"
    )
    foreign = await new_call(platform, other.account_id, "c-foreign", to_number=theirs.numbers[0])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "subscriber", tenant.manager, PASSWORD)
        page = await c.get("/console/calls")
        assert page.status_code == 200 and "/console/calls" in page.text  # in the navigation
        assert all(cid in page.text for cid in (older, newer, rejected)) and foreign not in page.text
        assert page.text.index(rejected) < page.text.index(older)  # newest first
        only = (await c.get("/console/calls?disposition=rejected")).text
        assert rejected in only and older not in only and newer not in only
        outbound = (await c.get("/console/calls?direction=outbound")).text
        assert newer in outbound and older not in outbound
        by_number = (await c.get(f"/console/calls?number={quote(mine)}")).text
        assert older in by_number and newer in by_number and rejected not in by_number
        bad = await c.get("/console/calls?disposition=hung")
        assert bad.status_code == 400 and "The Disposition field must be one of" in bad.text
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "subscriber", tenant.subscriber, PASSWORD)
        page = await c.get("/console/calls")
        assert older in page.text and newer in page.text and rejected not in page.text and foreign not in page.text
        assert (await c.get(f"/console/calls?number={quote(another_subscribers)}")).status_code == 404
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
        await sign_in(c, "distributor", other.credential.account_key, other.credential.account_secret)
        page = await c.get("/console/calls")
        assert foreign in page.text and not any(cid in page.text for cid in (older, newer, rejected))


async def test_routes_are_changed_through_the_api_service(console, tenant):
    from support.api import make_voice_route

    voice_id = await make_voice_route(tenant.api)
    await sign_in(console, "subscriber", tenant.admin, PASSWORD)
    page = await console.get("/console/routes")
    assert "Save message route" in page.text and "Save voice route" in page.text
    token = csrf_of(page.text)
    path = f"/console/routes/message/{tenant.route_id}/update"
    before = await tenant.api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id})
    bad = await console.post(path, data={"csrf_token": token, "message_url": "not a url", "enabled": "1"})
    assert bad.status_code == 400 and "MessageUrl" in bad.text
    cleared = await console.post(path, data={"csrf_token": token, "message_url": "", "enabled": "1"})
    assert cleared.status_code == 400 and "The MessageUrl field cannot be cleared." in cleared.text
    assert await tenant.api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id}) == before
    saved = await console.post(
        path,
        data={
            "csrf_token": token,
            "message_url": "http://127.0.0.1:9/in",
            "callback_message_url": "http://127.0.0.1:9/status",
        },
    )
    assert saved.status_code == 303
    after = await tenant.api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id})
    assert after["MessageUrl"] == "http://127.0.0.1:9/in"
    assert after["CallbackMessageUrl"] == "http://127.0.0.1:9/status"
    assert after["MessageRouteEnabled"] is False  # the box was unticked
    assert "saved" in (await console.get(saved.headers["location"])).text

    vpath = f"/console/routes/voice/{voice_id}/update"
    bad = await console.post(vpath, data={"csrf_token": token, "trunk_ip1": "20.87.87.88", "trunk_port1": "99999"})
    assert bad.status_code == 400 and "TrunkPort1" in bad.text
    voice = await tenant.api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": voice_id})
    assert voice["TrunkIp1"] == "20.87.87.87" and voice["RouteEnabled"] is True
    saved = await console.post(vpath, data={"csrf_token": token, "trunk_ip1": "20.87.87.88", "trunk_port1": "5070"})
    assert saved.status_code == 303
    voice = await tenant.api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": voice_id})
    assert (voice["TrunkIp1"], voice["TrunkPort1"], voice["RouteEnabled"]) == ("20.87.87.88", "5070", False)
    # without the session's CSRF token: refused, nothing changed
    for token_value in (None, "forged"):
        data = {"trunk_ip1": "20.87.87.99", "enabled": "1"}
        if token_value:
            data["csrf_token"] = token_value
        assert (await console.post(vpath, data=data)).status_code == 403
    voice = await tenant.api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": voice_id})
    assert voice["TrunkIp1"] == "20.87.87.88"


async def test_a_manager_and_a_subscriber_cannot_change_routes(app, tenant):
    from support.api import make_voice_route

    voice_id = await make_voice_route(tenant.api)
    before = await tenant.api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id})
    for email in (tenant.manager, tenant.subscriber):
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as c:
            await sign_in(c, "subscriber", email, PASSWORD)
            page = await c.get("/console/routes" if email == tenant.manager else "/console/numbers")
            assert "Save message route" not in page.text and "Save voice route" not in page.text
            token = csrf_of(page.text)
            for path, form in (
                (f"/console/routes/message/{tenant.route_id}/update", {"message_url": "http://127.0.0.1:9/x"}),
                (f"/console/routes/voice/{voice_id}/update", {"trunk_ip1": "20.87.87.99"}),
            ):
                assert (await c.post(path, data={"csrf_token": token, **form})).status_code == 403, (email, path)
    assert await tenant.api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": tenant.route_id}) == before
    voice = await tenant.api.ok("GET", "/v1.0/voice/routes", params={"CallRouteID": voice_id})
    assert voice["TrunkIp1"] == "20.87.87.87"
