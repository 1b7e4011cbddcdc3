"""`Content-Type: text/json`, which the contract's v1.1 operations list beside application/json (issue 17)."""

from __future__ import annotations

import json

import pytest

from support.api import MESSAGE_ROUTE

pytestmark = pytest.mark.no_workers


@pytest.mark.parametrize("content_type", ["text/json", "text/json; charset=utf-8", "Text/JSON", "application/*+json"])
async def test_text_json_body_is_read_as_json(api, content_type):
    hook = {"WebhookUrl": "https://example.com/events", "Method": "POST", "SubscribedEvents": "Order_Update"}
    response = await api.call(
        "POST", "/v1.0/webhook/create", content=json.dumps(hook), headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    route = await api.call(
        "POST", "/v1.0/message/routes", content=json.dumps(MESSAGE_ROUTE), headers={"Content-Type": content_type}
    )
    assert route.status_code == 200, route.text


async def test_other_text_types_are_not_json(api):
    response = await api.call(
        "POST", "/v1.0/message/routes", content=json.dumps(MESSAGE_ROUTE), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
