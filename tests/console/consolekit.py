"""Console test helpers (imported by the tests of tests/console as `consolekit`): a tenant with numbers, a message route and subscribers of each role, and sign-in
through the console's own form (its CSRF token read from the page, as a browser does)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx2

from support.api import Api, make_message_route, provision

PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1)


async def sign_in(http: httpx2.AsyncClient, kind: str, login: str, secret: str) -> httpx2.Response:
    page = await http.get("/console/login")
    fields = {"subscriber": ("email", "password"), "distributor": ("account_key", "account_secret")}
    form = {"csrf_token": csrf_of(page.text), "kind": kind}
    if kind == "operator":
        form["operator_token"] = secret
    else:
        form[fields[kind][0]], form[fields[kind][1]] = login, secret
    return await http.post("/console/login", data=form)


@dataclass
class Tenant:
    api: Api
    route_id: str
    numbers: list[str]  # provisioned: [0] is the subscriber's, [1] another subscriber's, [2] nobody's
    admin: str
    manager: str
    subscriber: str
    other_subscriber: str


async def make_tenant(api: Api, prefix: str, callback_url: str = "http://127.0.0.1:9/cb") -> Tenant:
    route_id = await make_message_route(api, CallbackMessageUrl=callback_url)
    numbers = [(await provision(api, route_id))["PhoneNumberAssigned"] for _ in range(3)]
    emails = {}
    for key, role, owned in (
        ("admin", "Account Admin", []),
        ("manager", "Manager", []),
        ("subscriber", "Subscriber", [numbers[0]]),
        ("other_subscriber", "Subscriber", [numbers[1]]),
    ):
        email = f"{prefix}-{key}@example.com"
        await api.ok(
            "POST",
            "/v1.0/subscribers/create",
            json={"Name": f"{prefix} {key}", "Email": email, "PhoneNumbers": owned, "Role": role, "Password": PASSWORD},
        )
        emails[key] = email
    return Tenant(api, route_id, numbers, **emails)
