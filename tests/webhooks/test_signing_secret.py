"""An account's webhook signing secret: its owner reads and rotates it (/ext/v1/accounts/webhook-signing-secret),
and docs/webhooks.md's receiver, run as written on a real HTTP server, verifies real callbacks with it; after a
rotation both secrets verify until the grace period ends."""

from __future__ import annotations

import asyncio
import re
import threading
from http.server import HTTPServer
from pathlib import Path

import pytest

from support.api import make_message_route, provision

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SECRET_PATH = "/ext/v1/accounts/webhook-signing-secret"
ROTATE_PATH = "/ext/v1/accounts/webhook-signing-secret/rotate"


def documented_receiver(secret: str, monkeypatch) -> type:
    """docs/webhooks.md's receiver, executed as written, reading `secret` from MPAAS_WEBHOOK_SECRET."""
    blocks = re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", DOC.read_text(), re.S | re.M)
    block = next(b for b in blocks if "class Receiver" in b)
    monkeypatch.setenv("MPAAS_WEBHOOK_SECRET", secret)
    namespace: dict = {"__name__": "webhooks_doc"}
    exec(compile(block, "docs/webhooks.md receiver", "exec"), namespace)
    return namespace["Receiver"]


class Running:
    """A real HTTP server on loopback running a receiver class, in a thread."""

    def __init__(self, handler: type):
        self.server = HTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    started: list[Running] = []

    def start(handler: type) -> Running:
        started.append(Running(handler))
        return started[-1]

    yield start
    for running in started:
        running.close()


async def _statuses(api, message_id: str, count: int) -> list[int | None]:
    """The status codes of the message's first `count` webhook attempts, once they are recorded."""
    for _ in range(200):
        attempts = (await api.ok("GET", "/ext/v1/messages/webhook-attempts", params={"MessageId": message_id}))[
            "Attempts"
        ]
        if len(attempts) >= count:
            return [a["StatusCode"] for a in attempts]
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} attempts for {message_id}")


async def _inbound(api, number: str, body: str) -> str:
    sent = await api.ok("POST", "/sandbox/v1/inbound", json={"From": "+18015737111", "To": number, "Body": body})
    return sent["MessageId"]


async def test_the_owner_reads_the_secret_and_the_documented_receiver_verifies_a_real_callback(
    api, numbers, receivers, monkeypatch
):
    secret = (await api.ok("GET", SECRET_PATH))["WebhookSigningSecret"]
    assert len(secret) >= 32
    good = receivers(documented_receiver(secret, monkeypatch))
    wrong = receivers(documented_receiver("not-the-secret", monkeypatch))
    by_get = receivers(documented_receiver(secret, monkeypatch))
    route = await make_message_route(api, MessageUrl=good.url("/in"), CallbackMessageUrl=good.url("/cb"))
    number = (await provision(api, route))["PhoneNumberAssigned"]
    assert await _statuses(api, await _inbound(api, number, "hello"), 1) == [204]  # signed with this secret
    await api.ok("POST", "/v1.0/message/routes/update", json={"MessageRouteId": route, "MessageUrl": wrong.url("/in")})
    assert (await _statuses(api, await _inbound(api, number, "again"), 1))[0] == 401  # another secret fails
    await api.ok(
        "POST",
        "/v1.0/message/routes/update",
        json={"MessageRouteId": route, "MessageUrl": by_get.url("/in"), "MessageUrlMethod": "GET"},
    )
    assert await _statuses(api, await _inbound(api, number, "by GET"), 1) == [204]  # the query string is signed


async def test_after_a_rotation_both_secrets_verify_until_the_grace_period_ends(api, numbers, receivers, monkeypatch):
    old = (await api.ok("GET", SECRET_PATH, params={"AccountId": api.account_id}))["WebhookSigningSecret"]
    rotated = await api.ok("POST", ROTATE_PATH, json={"AccountId": api.account_id})
    new = rotated["WebhookSigningSecret"]
    assert new != old and rotated["AccountId"] == api.account_id
    assert rotated["PreviousSecretValidUntil"] is not None
    assert (await api.ok("GET", SECRET_PATH))["WebhookSigningSecret"] == new
    old_receiver = receivers(documented_receiver(old, monkeypatch))
    new_receiver = receivers(documented_receiver(new, monkeypatch))
    route = await make_message_route(api, MessageUrl=old_receiver.url("/in"))
    number = (await provision(api, route))["PhoneNumberAssigned"]
    assert await _statuses(api, await _inbound(api, number, "old"), 1) == [204]  # still valid in its grace period
    await api.ok(
        "POST", "/v1.0/message/routes/update", json={"MessageRouteId": route, "MessageUrl": new_receiver.url("/in")}
    )
    assert await _statuses(api, await _inbound(api, number, "new"), 1) == [204]
    # A second rotation drops the oldest secret at once: the receiver with it refuses.
    await api.ok("POST", ROTATE_PATH, json={})
    await api.ok(
        "POST", "/v1.0/message/routes/update", json={"MessageRouteId": route, "MessageUrl": old_receiver.url("/in")}
    )
    assert (await _statuses(api, await _inbound(api, number, "too late"), 1))[0] == 401


class TestWithoutGrace:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"webhook_secret_grace_seconds": 0})

    async def test_the_old_secret_stops_at_once(self, api, numbers, receivers, monkeypatch):
        old = (await api.ok("GET", SECRET_PATH))["WebhookSigningSecret"]
        rotated = await api.ok("POST", ROTATE_PATH, json={})
        assert rotated["PreviousSecretValidUntil"] is None
        route = await make_message_route(api, MessageUrl=receivers(documented_receiver(old, monkeypatch)).url("/in"))
        number = (await provision(api, route))["PhoneNumberAssigned"]
        assert (await _statuses(api, await _inbound(api, number, "x"), 1))[0] == 401


@pytest.mark.no_workers
async def test_only_the_owner_reads_or_rotates_it(api, other_api):
    mine = (await api.ok("GET", SECRET_PATH))["WebhookSigningSecret"]
    for response in (
        await other_api.get(SECRET_PATH, AccountId=api.account_id),
        await other_api.post(ROTATE_PATH, {"AccountId": api.account_id}),
    ):
        assert response.status_code == 400 and response.json()["Message"] == "Invalid AccountId"
    assert (await api.ok("GET", SECRET_PATH))["WebhookSigningSecret"] == mine
    # Endpoint-scoped tokens: the token for reading it cannot rotate it, and no token is no access.
    read_token = await api.token(SECRET_PATH)
    response = await api.http.post(ROTATE_PATH, json={}, headers={"Authorization": f"Bearer {read_token}"})
    assert response.status_code in (401, 403)
    assert (await api.http.get(SECRET_PATH)).status_code == 401
