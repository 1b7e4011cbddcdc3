"""`mpaas quickstart` and `mpaas api-call` against a real server on loopback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mpaas.cli.main import app

runner = CliRunner()


def _creds(live_server) -> list[str]:
    return ["--base-url", live_server.base_url, "--key", live_server.key, "--secret", live_server.secret]


def test_quickstart_walks_seven_steps_and_leaves_a_message(live_server):
    result = runner.invoke(app, ["quickstart", *_creds(live_server), "--area-code", "801"])
    assert result.exit_code == 0, result.output
    for n in range(1, 8):
        assert f"Step {n}/7" in result.output
    assert "Quickstart complete" in result.output
    assert "MRID-" in result.output and "TSUID-" in result.output and "TMID-" in result.output
    assert "Status: Delivered" in result.output
    message_id = next(w for w in result.output.split() if w.startswith("TMID-"))
    # The message it left is there for anyone to read back.
    shown = runner.invoke(
        app,
        [
            "api-call",
            "GET",
            "/v1.0/message/details",
            "--data",
            json.dumps({"MessageId": message_id}),
            *_creds(live_server),
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["Body"] == "Hello from the mpaas quickstart!"


def test_quickstart_reports_api_errors(live_server):
    result = runner.invoke(
        app, ["quickstart", "--base-url", live_server.base_url, "--key", live_server.key, "--secret", "wrong"]
    )
    assert result.exit_code == 1
    assert "401" in result.output


def test_api_call_post_and_get(live_server):
    created = runner.invoke(
        app,
        [
            "api-call",
            "post",
            "/v1.0/message/routes",
            "--data",
            json.dumps(
                {"RouteName": "From the CLI", "MessageUrl": "https://example.com/in", "MessageUrlMethod": "POST"}
            ),
            *_creds(live_server),
        ],
    )
    assert created.exit_code == 0, created.output
    route_id = json.loads(created.output)["MessageRouteId"]
    shown = runner.invoke(
        app, ["api-call", "GET", f"/v1.0/message/routes?MessageRouteId={route_id}", *_creds(live_server)]
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["RouteName"] == "From the CLI"


def test_api_call_errors_and_bad_json(live_server):
    missing = runner.invoke(
        app,
        ["api-call", "GET", "/v1.0/message/routes", "--data", '{"MessageRouteId": "MRID-nope"}', *_creds(live_server)],
    )
    assert missing.exit_code == 1
    assert "404" in missing.output
    bad = runner.invoke(app, ["api-call", "POST", "/v1.0/message/routes", "--data", "{nope", *_creds(live_server)])
    assert bad.exit_code == 2
    assert "not valid JSON" in bad.output
