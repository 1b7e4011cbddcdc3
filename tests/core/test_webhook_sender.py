"""The webhook sender's refusals: what cannot be sent safely is WebhookForbidden (not retried)."""

from __future__ import annotations

import pytest

from mpaas.core.http.webhook_sender import WebhookForbidden, WebhookSender, WebhookTarget


@pytest.mark.parametrize(
    "target",
    [
        WebhookTarget("http://127.0.0.1:9/hook", "POST", "Bearer", None, "token\r\nX-Injected: yes"),
        WebhookTarget("ftp://127.0.0.1/hook"),
    ],
)
async def test_unsafe_or_unsupported_targets_are_forbidden_without_connecting(target):
    sender = WebhookSender(timeout_seconds=1.0)
    with pytest.raises(WebhookForbidden):
        await sender.send(target, {"A": 1}, signing_secret="s", event_id="EVT-1", timestamp=1)
    await sender.close()


@pytest.mark.parametrize(
    "target",
    [
        WebhookTarget("http://127.0.0.1:99999/hook"),  # port out of range
        WebhookTarget("http:///hook"),  # no host
    ],
)
async def test_malformed_urls_are_forbidden_every_time(target):
    sender = WebhookSender(timeout_seconds=1.0)
    for _ in range(2):  # parsed URLs are cached; a refusal is not
        with pytest.raises(WebhookForbidden):
            await sender.send(target, {"A": 1}, signing_secret="s", event_id="EVT-1", timestamp=1)
    await sender.close()


def test_signature_is_the_documented_hmac_whatever_was_signed_before():
    """sign() keeps each secret's keyed HMAC and copies it: nothing from one message leaks into the next."""
    import hashlib
    import hmac

    from mpaas.core.http.webhook_sender import sign

    for secret, ts, body in [
        ("s1", "100", b"{}"),
        ("s2", "100", b"{}"),
        ("s1", "101", b'{"A":1}'),
        ("s1", "100", b"{}"),
    ]:
        expected = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert sign(secret, ts, body) == "sha256=" + expected


async def test_requests_in_flight_to_one_receiver_are_capped_by_the_setting(tmp_path):
    """MPAAS_WEBHOOK_CONNECTIONS_PER_DESTINATION: five events to a receiver that answers slowly, with a cap
    of two, never have more than two requests open at once; all five arrive."""
    import asyncio

    from pydantic import ValidationError

    from mpaas.config import Settings
    from mpaas.roles.platform import Platform

    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, webhook_connections_per_destination=0)
    platform = Platform.build(Settings(data_dir=tmp_path, webhook_connections_per_destination=2))
    open_now, most, served = 0, 0, 0

    async def handle(reader, writer):
        nonlocal open_now, most, served
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(
                    next(
                        line.split(b":")[1]
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    )
                )
                await reader.readexactly(length)
                open_now += 1
                most = max(most, open_now)
                await asyncio.sleep(0.05)
                open_now -= 1
                served += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    try:
        await asyncio.gather(
            *(
                platform.webhooks.send(
                    WebhookTarget(url), {"N": n}, signing_secret="s", event_id=f"EVT-{n}", timestamp=1
                )
                for n in range(5)
            )
        )
    finally:
        await platform.webhooks.close()
        server.close()
        await platform.db.dispose()
    assert (served, most) == (5, 2)


async def _receiver():
    """A receiver on 127.0.0.1 that answers 200 and records the request target of each request it gets."""
    import asyncio

    targets: list[bytes] = []

    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        targets.append(head.split(b" ")[1])
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        await reader.readexactly(length)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], targets


async def test_an_internationalized_url_is_sent_percent_encoded():
    """A route URL with non-ASCII characters or spaces in its path or query (an IRI, as people paste them) is
    delivered with those characters percent-encoded as UTF-8, as a browser would send it; before, the request
    target was refused and the event never arrived."""
    server, port, targets = await _receiver()
    sender = WebhookSender(timeout_seconds=5.0)
    try:
        for path in ("/hooks/café?team=équipe ü&x=%41", "/plain/path?a=1&b=%7E"):
            assert (
                await sender.send(
                    WebhookTarget(f"http://127.0.0.1:{port}{path}"),
                    {"A": 1},
                    signing_secret="s",
                    event_id="EVT-1",
                    timestamp=1,
                )
                == 200
            )
    finally:
        await sender.close()
        server.close()
    assert targets == [
        b"/hooks/caf%C3%A9?team=%C3%A9quipe%20%C3%BC&x=%41",
        b"/plain/path?a=1&b=%7E",
    ]  # already valid: unchanged, byte for byte


def test_an_internationalized_host_name_is_sent_as_idna():
    from mpaas.core.http.webhook_sender import _destination

    assert _destination("https://bücher.example/hook") == ("https", "xn--bcher-kva.example", 443, "/hook", "")


async def test_private_destinations_are_forbidden_when_only_public_ones_are_allowed():
    """MPAAS_WEBHOOK_ALLOW_PRIVATE=false: a receiver on loopback, by address or by name, gets nothing, and
    the refusal is WebhookForbidden (not retried). The same receiver is reached when private ones are allowed."""
    server, port, targets = await _receiver()
    public_only, anything = WebhookSender(timeout_seconds=5.0, allow_private=False), WebhookSender(timeout_seconds=5.0)
    try:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(WebhookForbidden, match="private or reserved address"):
                await public_only.send(
                    WebhookTarget(f"http://{host}:{port}/hook"),
                    {"A": 1},
                    signing_secret="s",
                    event_id="EVT-1",
                    timestamp=1,
                )
        assert targets == []
        assert (
            await anything.send(
                WebhookTarget(f"http://127.0.0.1:{port}/hook"),
                {"A": 1},
                signing_secret="s",
                event_id="EVT-1",
                timestamp=1,
            )
            == 200
        )
        assert targets == [b"/hook"]
    finally:
        await public_only.close()
        await anything.close()
        server.close()


async def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """The name is resolved once per connection and the connection is made to the address that passed the
    check, not by name again: a name answering a public address and then a private one (DNS rebinding)
    cannot reach the private one. (Before, the check did a blocking lookup on the event loop and the
    connection a second one.)"""
    from mpaas.core.http import client as http1
    from mpaas.core.http.webhook_sender import WebhookUnreachable

    answers = [["93.184.216.34"], ["127.0.0.1"]]
    lookups, connected_to = [], []

    async def resolve(host, port):
        lookups.append(host)
        return answers[len(lookups) - 1]

    async def open_connection(host, port, **kwargs):
        connected_to.append((host, kwargs.get("server_hostname")))
        raise ConnectionRefusedError("test: nothing listens there")

    monkeypatch.setattr(http1, "resolve", resolve)
    monkeypatch.setattr(http1.asyncio, "open_connection", open_connection)
    sender = WebhookSender(timeout_seconds=5.0, allow_private=False)
    try:
        with pytest.raises(WebhookUnreachable):
            await sender.send(
                WebhookTarget("https://rebind.example/hook"),
                {"A": 1},
                signing_secret="s",
                event_id="EVT-1",
                timestamp=1,
            )
    finally:
        await sender.close()
    assert lookups == ["rebind.example"]
    assert connected_to == [("93.184.216.34", "rebind.example")]  # TLS still checks the name
