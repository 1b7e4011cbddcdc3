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
