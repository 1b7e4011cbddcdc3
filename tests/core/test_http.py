"""Every failure in the vendor envelope: unknown paths, wrong methods, malformed bodies, validation."""

from __future__ import annotations

import pytest

from mpaas.core.errors import STANDARD_MESSAGES

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def test_unknown_path_is_404_envelope(http):
    response = await http.get("/v1.0/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"StatusCode": 404, "Message": STANDARD_MESSAGES[404]}


async def test_wrong_method_is_405_envelope(http):
    response = await http.get("/v1.0/OAuth2/tokens")
    assert response.status_code == 405
    assert response.json() == {"StatusCode": 405, "Message": STANDARD_MESSAGES[405]}


async def test_plural_messages_path_does_not_exist(api):
    response = await api.http.post("/v1.0/messages/outbound", json={})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "content,message",
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"[1, 2]", "The request body must be a JSON object."),
        (b'"text"', "The request body must be a JSON object."),
    ],
)
async def test_malformed_bodies(http, content, message):
    response = await http.post("/v1.0/OAuth2/tokens", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": message}


async def test_missing_body(http):
    response = await http.post("/v1.0/OAuth2/tokens")
    assert response.status_code == 400
    assert response.json()["StatusCode"] == 400


async def test_wrong_type_names_field(api):
    response = await api.post(
        "/v1.0/numbers/availability", {"NumberType": "mobile", "MessageEnabled": "maybe", "VoiceEnabled": True}
    )
    assert response.status_code == 400
    assert response.json()["Message"].startswith("The MessageEnabled field")


async def test_nested_field_path(api, numbers):
    from support.api import make_message_route, provision

    source = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    response = await api.post("/v1.0/message/outbound", {"From": source, "To": [{"Nope": 1}], "Body": "x"})
    assert response.json()["Message"] == "The To[0].Number field is required."


async def test_query_names_case_insensitive(api):
    response = await api.get("/v1.0/subscribers/get", subscriberid="TSUID-x")
    assert response.status_code == 404  # reached the handler with the parameter, not a 400
