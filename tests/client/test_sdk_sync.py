"""The blocking client against a real server on loopback: the quickstart, tokens, errors."""

from __future__ import annotations

import threading

import pytest

from mpaas.client import Client, MpaasApiError
from mpaas.client.models import CreateMessageRouteRequest

HANDSET = "+18015737111"


@pytest.fixture
def client(live_server) -> Client:
    with Client(live_server.base_url, live_server.key, live_server.secret) as c:
        yield c


def test_quickstart_walk(client: Client):
    route = client.create_message_route(
        route_name="Main", message_url="http://127.0.0.1:9/in", message_url_method="POST"
    )
    assert route.message_route_id.startswith("MRID-")
    assert route.account_id.startswith("AID-")
    voice = client.create_voice_route(route_name="Trunk", route_type="Trunk", trunk_ip_1="20.87.87.87")
    assert voice.call_route_id.startswith("CRID-")
    available = client.search_available_numbers(
        number_type="mobile", message_type="p2p", area_code="801", message_enabled=True, voice_enabled=False
    )
    assert available.results_total > 0
    subscriber = client.create_subscriber(
        name="Jo User", email="jo.sdk@example.com", phone_numbers=[], role="Subscriber", password="a-temporary-password"
    )
    assert subscriber.subscriber_id.startswith("TSUID-")
    number = client.number_provision(
        number_type="mvno",
        message_type="p2p",
        message_enabled=True,
        voice_enabled=False,
        message_route_id=route.message_route_id,
        product_type="Sms+Data",
        area_code="801",
        assigned_subscriber_id=subscriber.subscriber_id,
    )
    assert number.phone_number_assigned.startswith("+1801")
    sent = client.send_outbound_message(
        from_=number.phone_number_assigned, to=[{"Number": HANDSET}], body="Hello from the SDK"
    )
    assert sent.message_id.startswith("TMID-")
    details = client.message_details(message_id=sent.message_id)
    assert details.message_id == sent.message_id
    assert details.body == "Hello from the SDK"
    # Raw wire access and snake_case access to undeclared fields both work.
    assert details["MessageId"] == sent.message_id
    assert details.created_on


def test_one_token_per_endpoint_reused(client: Client):
    for _ in range(3):
        client.create_message_route(
            CreateMessageRouteRequest(route_name="R", message_url="http://127.0.0.1:9/x", message_url_method="GET")
        )
    listed = client.list_message_routes()
    assert listed.total_routes >= 3
    assert client.mints == 2  # one for /v1.0/message/routes, one for /v1.0/account/message/routes


def test_concurrent_threads_mint_once_per_endpoint(live_server):
    with Client(live_server.base_url, live_server.key, live_server.secret) as client:
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def work():
            try:
                start.wait()
                client.list_message_routes()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert client.mints == 1


def test_token_reminted_shortly_before_expiry(live_server):
    now = [1_000.0]
    with Client(
        live_server.base_url, live_server.key, live_server.secret, clock=lambda: now[0], refresh_margin=60
    ) as client:
        client.list_voice_routes()
        client.list_voice_routes()
        assert client.mints == 1
        # The server's tokens live 15 minutes; the client renews 60 s before tokenExpiry by its own clock.
        import time

        now[0] = time.time() + live_server.settings.token_lifetime_seconds - 59
        client.list_voice_routes()
        assert client.mints == 2


def test_stale_token_is_replaced_after_401(client: Client):
    client.list_voice_routes()
    key = "/v1.0/account/voice/routes"
    client._tokens[key].value = "not-a-token"
    client.list_voice_routes()
    assert client.mints == 2


def test_errors_carry_status_and_message(client: Client):
    with pytest.raises(MpaasApiError) as missing:
        client.message_route_details(message_route_id="MRID-00000000-0000-0000-0000-000000000000")
    assert missing.value.status_code == 404
    assert missing.value.StatusCode == 404
    assert missing.value.message.startswith("Not found")
    with pytest.raises(MpaasApiError) as invalid:
        client.create_message_route(route_name="", message_url="http://x", message_url_method="POST")
    assert invalid.value.status_code == 400
    assert "RouteName" in invalid.value.message


def test_local_validation_is_an_api_error_too(client: Client):
    with pytest.raises(MpaasApiError) as caught:
        client.create_message_route(message_url="http://x", message_url_method="POST")
    assert caught.value.status_code == 400
    assert caught.value.message == "The RouteName field is required."
    assert client.mints == 0  # nothing was sent


def test_bad_credentials_raise_401(live_server):
    with Client(live_server.base_url, live_server.key, "wrong") as client, pytest.raises(MpaasApiError) as caught:
        client.list_voice_routes()
    assert caught.value.status_code == 401
    assert "AccountSecret" in caught.value.message


def test_scope_host_is_configurable(live_server):
    # The server compares scopes by path, so a token named for the vendor's host still works here.
    with Client(
        live_server.base_url, live_server.key, live_server.secret, scope_base="https://api.telegent.com"
    ) as client:
        assert client.list_message_routes().account_id.startswith("AID-")


def test_base_url_may_include_the_version(live_server):
    # The vendor's docs call `https://api.telegent.com/v1.0` the base URL.
    with Client(f"{live_server.base_url}/v1.0/", live_server.key, live_server.secret) as client:
        assert client.base_url == live_server.base_url
        assert client.list_message_routes().account_id.startswith("AID-")


def test_ad_hoc_request(client: Client):
    body = client.request("GET", "/v1.0/account/message/routes")
    assert body.account_id.startswith("AID-")
    with pytest.raises(MpaasApiError) as caught:
        client.request("GET", "/v1.0/no/such/thing")
    assert caught.value.status_code in (403, 404)


def test_operator_operations(live_server):
    with Client(live_server.base_url, "", "", operator_token="sdk-operator") as operator:
        issued = operator.ops_create_distributor(name="Created by SDK")
    assert issued.account_key.startswith("DID-")
    with Client(live_server.base_url, issued.account_key, issued.account_secret) as client:
        assert client.list_message_routes().total_routes == 0
