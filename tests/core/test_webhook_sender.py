"""The webhook sender's refusals: what cannot be sent safely is WebhookForbidden (not retried)."""

from __future__ import annotations

import pytest

from mpaas.core.webhooks import WebhookForbidden, WebhookSender, WebhookTarget


@pytest.mark.parametrize("target", [
    WebhookTarget("http://127.0.0.1:9/hook", "POST", "Bearer", None, "token\r\nX-Injected: yes"),
    WebhookTarget("ftp://127.0.0.1/hook"),
])
async def test_unsafe_or_unsupported_targets_are_forbidden_without_connecting(target):
    sender = WebhookSender(timeout_seconds=1.0)
    with pytest.raises(WebhookForbidden):
        await sender.send(target, {"A": 1}, signing_secret="s", event_id="EVT-1", timestamp=1)
    await sender.close()


@pytest.mark.parametrize("target", [
    WebhookTarget("http://127.0.0.1:99999/hook"),  # port out of range
    WebhookTarget("http:///hook"),  # no host
])
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

    from mpaas.core.webhooks import sign

    for secret, ts, body in [("s1", "100", b"{}"), ("s2", "100", b"{}"), ("s1", "101", b'{"A":1}'), ("s1", "100", b"{}")]:
        expected = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert sign(secret, ts, body) == "sha256=" + expected


async def test_requests_in_flight_to_one_receiver_are_capped_by_the_setting(tmp_path):
    """MPAAS_WEBHOOK_CONNECTIONS_PER_DESTINATION: five events to a receiver that answers slowly, with a cap
    of two, never have more than two requests open at once; all five arrive."""
    import asyncio

    from pydantic import ValidationError

    from mpaas.config import Settings
    from mpaas.platform import Platform

    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, webhook_connections_per_destination=0)
    platform = Platform.build(Settings(data_dir=tmp_path, webhook_connections_per_destination=2))
    open_now, most, served = 0, 0, 0

    async def handle(reader, writer):
        nonlocal open_now, most, served
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
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
        await asyncio.gather(*(platform.webhooks.send(WebhookTarget(url), {"N": n}, signing_secret="s",
                                                      event_id=f"EVT-{n}", timestamp=1) for n in range(5)))
    finally:
        await platform.webhooks.close()
        server.close()
        await platform.db.dispose()
    assert (served, most) == (5, 2)
