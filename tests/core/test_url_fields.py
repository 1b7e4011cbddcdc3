"""Every URL field of the requests is checked when it is saved (core/egress.py through core/wire.py): its syntax
everywhere, and, for a URL the platform will connect to, a host that is an address or `localhost` against the
egress policy. Refused with a 400 naming the field, instead of stored and dropped at delivery.

These tests run with the production roles' policy (public addresses only), not the suite's sandbox one."""

from __future__ import annotations

import pytest

from support.api import make_message_route, make_voice_route, provision

pytestmark = pytest.mark.no_workers


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"egress_allow": None})  # as `mpaas api`: nothing beyond public addresses


ROUTE = {"RouteName": "r", "MessageUrlMethod": "POST"}
REFUSED = [
    "http://127.0.0.1:8080/in",
    "http://localhost/in",
    "http://api.localhost/in",
    "http://[::1]/in",
    "http://[::ffff:127.0.0.1]/in",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/in",
    "http://100.64.0.1/in",
    "http://192.0.0.8/in",
    "http://[2002:7f00:1::1]/in",
    "http://0.0.0.0:9/in",
]
MALFORMED = [
    ("http://example.com:99999/in", "has an invalid port (1 to 65535)"),
    ("javascript:alert(1)", "must be an absolute http:// or https:// URL"),
    ("http://example.com/in\x00", "must"),  # "must not contain NUL", from the check every string gets
    ("http://example.com/in\r\nX: y", "must"),  # "must be a single line", likewise
    ("http://exa mple.com/in", "must not contain spaces"),
    ("https://user:pw@example.com/in", "must not contain credentials"),
]


async def _message(api, message, field):
    assert message.status_code == 400, message.text
    text = message.json()["Message"]
    assert text.startswith(f"The {field}"), text  # "MmsMedia" for a control character, found in the whole list
    return text


@pytest.mark.parametrize("url", REFUSED)
async def test_a_route_url_the_policy_refuses_is_refused_when_saved(api, url):
    response = await api.post("/v1.0/message/routes", {**ROUTE, "MessageUrl": url})
    text = await _message(api, response, "MessageUrl")
    assert "is not a public address" in text and "MPAAS_EGRESS_ALLOW" in text
    response = await api.post(
        "/v1.0/message/routes", {**ROUTE, "MessageUrl": "https://example.com/in", "CallbackMessageUrl": url}
    )
    await _message(api, response, "CallbackMessageUrl")


@pytest.mark.parametrize(("url", "problem"), MALFORMED)
async def test_a_malformed_url_is_refused_in_every_url_field(api, numbers, url, problem):
    route_id = await make_message_route(api, MessageUrl="https://example.com/in")
    cases = [
        ("/v1.0/message/routes", {**ROUTE, "MessageUrl": url}, "MessageUrl"),
        ("/v1.0/message/routes/update", {"MessageRouteId": route_id, "CallbackMessageUrl": url}, "CallbackMessageUrl"),
        (
            "/v1.0/voice/routes",
            {"RouteName": "v", "RouteType": "URL", "VoiceUrl": url, "VoiceUrlMethod": "POST"},
            "VoiceUrl",
        ),
        ("/v1.0/webhook/create", {"WebhookUrl": url, "SubscribedEvents": "New_Sms"}, "WebhookUrl"),
    ]
    for path, body, field in cases:
        text = await _message(api, await api.post(path, body), field)
        assert problem in text, (path, text)
    owner = (await provision(api, route_id))["PhoneNumberAssigned"]
    send = {"From": owner, "To": [{"Number": "+18015737111"}], "Body": "x", "MmsMedia": [{"MediaUrl": url}]}
    text = await _message(api, await api.post("/v1.0/message/outbound", send), "MmsMedia")
    assert problem in text


async def test_refused_destinations_are_refused_in_every_field_the_platform_connects_to(api, numbers):
    url = "http://169.254.169.254/latest"
    route_id = await make_message_route(api, MessageUrl="https://example.com/in")
    voice_id = await make_voice_route(api)
    cases = [
        ("/v1.0/message/routes/update", {"MessageRouteId": route_id, "MessageUrl": url}, "MessageUrl"),
        ("/v1.0/voice/routes/update", {"CallRouteId": voice_id, "CallbackVoiceUrl": url}, "CallbackVoiceUrl"),
        ("/v1.0/webhook/create", {"WebhookUrl": url, "SubscribedEvents": "New_Sms"}, "WebhookUrl"),
    ]
    for path, body, field in cases:
        await _message(api, await api.post(path, body), field)
    hook = await api.ok(
        "POST", "/v1.0/webhook/create", json={"WebhookUrl": "https://example.com/h", "SubscribedEvents": "New_Sms"}
    )
    response = await api.post("/v1.0/webhook/update", {"WebhookId": hook["WebhookId"], "WebhookUrl": url})
    await _message(api, response, "WebhookUrl")
    owner = (await provision(api, route_id))["PhoneNumberAssigned"]
    send = {"From": owner, "To": [{"Number": "+18015737111"}], "Body": "x", "MmsMedia": [{"MediaUrl": url}]}
    await _message(api, await api.post("/v1.0/message/outbound", send), "MmsMedia[0].MediaUrl")
    # Nothing was stored: the route still has its public URL.
    details = await api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": route_id})
    assert details["MessageUrl"] == "https://example.com/in"


async def test_host_names_are_not_resolved_when_saved(api):
    """A name (other than localhost) is not looked up at save time (docs/compatibility.md says why): the
    connection is checked when it is made."""
    route = await api.ok("POST", "/v1.0/message/routes", json={**ROUTE, "MessageUrl": "https://receiver.invalid/in"})
    assert route["MessageUrl"] == "https://receiver.invalid/in"


class TestWithLoopbackAllowed:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"egress_allow": "loopback"})  # as `mpaas serve`

    async def test_loopback_is_saved_and_other_private_ranges_are_not(self, api):
        assert (await make_message_route(api, MessageUrl="http://127.0.0.1:9/in")).startswith("MRID-")
        assert (await make_message_route(api, MessageUrl="http://localhost:9/in")).startswith("MRID-")
        response = await api.post("/v1.0/message/routes", {**ROUTE, "MessageUrl": "http://192.168.1.1/in"})
        await _message(api, response, "MessageUrl")
