"""The webhook sender's refusals: what cannot be sent safely is WebhookForbidden (not retried)."""

from __future__ import annotations

import pytest

from mpaas.core.egress import EgressPolicy
from mpaas.core.http.webhook_sender import WebhookForbidden, WebhookRefused, WebhookSender, WebhookTarget


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
    platform = Platform.build(
        Settings(data_dir=tmp_path, webhook_connections_per_destination=2, egress_allow="loopback")
    )
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
    sender = WebhookSender(timeout_seconds=5.0, policy=EgressPolicy.parse("loopback"))
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


async def test_destinations_the_egress_policy_refuses_are_never_connected_to():
    """By default (the production roles) only public addresses are reached: a receiver on loopback, by address
    or by name, gets no connection at all, and the refusal is WebhookRefused (not retried) whose text names
    neither the address nor anything the receiver said. With MPAAS_EGRESS_ALLOW=loopback it is reached."""
    server, port, targets = await _receiver()
    connections = []
    original = server._protocol_factory  # count connections, not only requests

    def counting():
        connections.append(1)
        return original()

    server._protocol_factory = counting
    public_only, loopback = WebhookSender(timeout_seconds=5.0), WebhookSender(5.0, EgressPolicy.parse("loopback"))
    try:
        for host in ("127.0.0.1", "localhost", "[::ffff:127.0.0.1]"):
            with pytest.raises(WebhookRefused) as refused:
                await public_only.send(
                    WebhookTarget(f"http://{host}:{port}/hook"),
                    {"A": 1},
                    signing_secret="s",
                    event_id="EVT-1",
                    timestamp=1,
                )
            assert str(refused.value) == "refused by the egress policy: the destination is not a public address"
        assert targets == [] and connections == []
        assert (
            await loopback.send(
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
        await loopback.close()
        server.close()


@pytest.mark.parametrize(
    "answer",
    [
        "100.64.0.1",  # shared address space (CGNAT): ipaddress's is_private missed it
        "192.0.0.8",  # IETF protocol assignments
        "169.254.169.254",  # link-local: cloud metadata
        "2002:a00:1::1",  # 6to4 wrapping 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "::ffff:169.254.1.1",  # IPv4-mapped link-local
        "::169.254.169.254",  # IPv4-compatible link-local
        "2001:db8::1",  # documentation
        "fe80::1",  # link-local
        "224.0.0.1",  # multicast
        "0.0.0.0",
    ],
)
async def test_every_address_that_is_not_global_is_refused_after_resolution(monkeypatch, answer):
    """A name resolving to any address outside the public internet is refused before connecting, including the
    ranges and IPv6 wrappings the old private-address check let through."""
    from mpaas.core.http import client as http1

    connected = []

    async def resolve(host, port):
        return [answer]

    async def open_connection(host, port, **kwargs):
        connected.append(host)
        raise ConnectionRefusedError("test")

    monkeypatch.setattr(http1, "resolve", resolve)
    monkeypatch.setattr(http1.asyncio, "open_connection", open_connection)
    sender = WebhookSender(timeout_seconds=5.0, policy=EgressPolicy.parse("loopback"))
    try:
        with pytest.raises(WebhookRefused):
            await sender.send(
                WebhookTarget("https://inside.example/hook"), {"A": 1}, signing_secret="s", event_id="E", timestamp=1
            )
    finally:
        await sender.close()
    assert connected == []


async def test_a_name_answering_a_public_and_a_private_address_is_refused(monkeypatch, caplog):
    from mpaas.core.http import client as http1

    async def resolve(host, port):
        return ["93.184.216.34", "10.0.0.5"]

    monkeypatch.setattr(http1, "resolve", resolve)
    sender = WebhookSender(timeout_seconds=5.0)
    try:
        with pytest.raises(WebhookRefused):
            await sender.send(
                WebhookTarget("https://mixed.example/hook"), {"A": 1}, signing_secret="s", event_id="E", timestamp=1
            )
    finally:
        await sender.close()
    # The operator's log names the addresses (the tenant's attempt does not).
    assert "egress refused: mixed.example resolves to 93.184.216.34, 10.0.0.5" in caplog.text


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
    sender = WebhookSender(timeout_seconds=5.0)  # public addresses only
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


async def test_send_all_gives_each_event_its_own_outcome_in_order():
    """Events to two receivers and one that cannot be sent, together: each outcome is what `send` would
    return or raise for it alone, in the order given, and every event that could go went, signed."""
    import asyncio

    from mpaas.core.egress import ALLOW_ALL
    from mpaas.core.http.webhook_sender import Delivery, WebhookRejected, sign

    got: list[tuple[bytes, bytes]] = []

    def receiver(status: int):
        async def handle(reader, writer):
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line)
                    body = await reader.readexactly(int(fields[b"Content-Length"]))
                    got.append((fields[b"X-Mpaas-Event-Id"], fields[b"X-Mpaas-Signature"]))
                    assert fields[b"X-Mpaas-Signature"].decode() == sign("s", "7", body)
                    writer.write(b"HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n" % status)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()

        return handle

    ok = await asyncio.start_server(receiver(204), "127.0.0.1", 0)
    busy = await asyncio.start_server(receiver(503), "127.0.0.1", 0)
    url_ok = f"http://127.0.0.1:{ok.sockets[0].getsockname()[1]}/hook"
    url_busy = f"http://127.0.0.1:{busy.sockets[0].getsockname()[1]}/hook"
    sender = WebhookSender(timeout_seconds=5.0, policy=ALLOW_ALL, per_destination=2)
    targets = [url_ok, url_busy, "ftp://127.0.0.1/hook", url_ok, url_ok, url_busy]
    try:
        outcomes = await sender.send_all(
            [Delivery(WebhookTarget(url), {"N": i}, "s", f"EVT-{i}", 7) for i, url in enumerate(targets)]
        )
    finally:
        await sender.close()
        ok.close()
        busy.close()
    kinds = [o if isinstance(o, int) else type(o) for o, _ in outcomes]
    assert kinds == [204, WebhookRejected, WebhookForbidden, 204, 204, WebhookRejected]
    assert outcomes[1][0].status_code == 503
    assert sorted(event for event, _ in got) == [b"EVT-0", b"EVT-1", b"EVT-3", b"EVT-4", b"EVT-5"]


@pytest.mark.parametrize(
    "target,data_format",
    [
        (WebhookTarget("http://127.0.0.1:8080/hook"), "json"),
        (WebhookTarget("http://127.0.0.1/hook?a=1&b=2", "PUT", "Basic", "user", "pa ss"), "xml"),
        (WebhookTarget("https://example.test/h", "post", "Bearer", None, "tok-1"), "json"),
    ],
)
def test_a_signed_head_is_the_one_request_head_writes(target, data_format):
    """The head built around the fixed parts of a destination is byte for byte the generic one (request_head
    with the same headers in the same order), so the receiver sees what it always saw."""
    from mpaas.core.http.client import request_head
    from mpaas.core.http.webhook_sender import USER_AGENT, Delivery, _auth_header, signatures

    sender = WebhookSender(timeout_seconds=1.0)
    delivery = Delivery(target, {"A": 1, "B": "é"}, ("s1", "s0"), "EVT-0193a1b2-c3d4", 1733366400, data_format)
    pool, method, head, body = sender._framed(delivery)
    content_type = "application/xml" if data_format == "xml" else "application/json"
    path = target.url.split(pool.host, 1)[1].split("/", 1)[1]
    expected = request_head(
        method,
        "/" + path,
        pool.host_header,
        [
            ("X-Mpaas-Timestamp", "1733366400"),
            ("X-Mpaas-Event-Id", "EVT-0193a1b2-c3d4"),
            ("User-Agent", USER_AGENT),
            *_auth_header(target).items(),
            ("Content-Type", content_type),
            ("X-Mpaas-Signature", signatures(("s1", "s0"), "1733366400", body)),
        ],
        len(body),
    )
    assert head == expected


def test_an_event_id_a_head_cannot_carry_is_forbidden():
    from mpaas.core.http.webhook_sender import Delivery

    sender = WebhookSender(timeout_seconds=1.0)
    for event_id in ("EVT-1\r\nX-Injected: 1", "EVT-€"):
        with pytest.raises(WebhookForbidden):
            sender._framed(Delivery(WebhookTarget("http://127.0.0.1/hook"), {"A": 1}, "s", event_id, 1))
