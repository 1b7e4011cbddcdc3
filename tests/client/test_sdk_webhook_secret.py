"""The webhook signing secret through the SDK (both clients) and `mpaas webhook-secret`, against a real server."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mpaas.cli.main import app
from mpaas.client import AsyncClient, Client

runner = CliRunner()


def _creds(live_server) -> list[str]:
    return ["--base-url", live_server.base_url, "--key", live_server.key, "--secret", live_server.secret]


def test_the_sdk_reads_and_rotates_it(live_server):
    with Client(live_server.base_url, live_server.key, live_server.secret) as api:
        before = api.webhook_signing_secret()
        assert before.account_id == live_server.credential.account_id and before.webhook_signing_secret
        after = api.rotate_webhook_signing_secret(account_id=before.account_id)
        assert after.webhook_signing_secret != before.webhook_signing_secret
        assert after.previous_secret_valid_until
        assert api.webhook_signing_secret().webhook_signing_secret == after.webhook_signing_secret


async def test_the_async_sdk_reads_it(live_server):
    async with AsyncClient(live_server.base_url, live_server.key, live_server.secret) as api:
        assert (await api.webhook_signing_secret()).webhook_signing_secret


def test_the_cli_shows_and_rotates_it(live_server):
    shown = runner.invoke(app, ["webhook-secret", "show", "--json", *_creds(live_server)])
    assert shown.exit_code == 0, shown.output
    secret = json.loads(shown.output)["WebhookSigningSecret"]
    rotated = runner.invoke(app, ["webhook-secret", "rotate", *_creds(live_server)])
    assert rotated.exit_code == 0, rotated.output
    assert "WebhookSigningSecret" in rotated.output and secret not in rotated.output
    assert "previous secret signs until" in rotated.output
    again = runner.invoke(app, ["webhook-secret", "show", "--json", *_creds(live_server)])
    assert json.loads(again.output)["WebhookSigningSecret"] in rotated.output
