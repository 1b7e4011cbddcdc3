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
