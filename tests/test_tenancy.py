"""Two distributors never see or touch each other's routes, subscribers, numbers, orders or messages."""

from __future__ import annotations

import pytest

from support.api import make_message_route, make_voice_route, provision


@pytest.mark.slow
async def test_distributors_are_isolated(api, other_api, numbers):
    route = await make_message_route(api)
    voice = await make_voice_route(api)
    subscriber = await api.ok(
        "POST",
        "/v1.0/subscribers/create",
        json={"Name": "A", "Email": "a@example.com", "PhoneNumbers": [], "Role": "Subscriber", "Password": "password1"},
    )
    number = await provision(api, route)
    message = await api.ok(
        "POST",
        "/v1.0/message/outbound",
        json={"From": number["PhoneNumberAssigned"], "To": [{"Number": "+18015737111"}], "Body": "mine"},
    )

    reads = [
        ("/v1.0/message/routes", {"MessageRouteId": route}),
        ("/v1.0/voice/routes", {"CallRouteID": voice}),
        ("/v1.0/subscribers/get", {"SubscriberId": subscriber["SubscriberId"]}),
        ("/v1.0/numbers", {"Number": number["PhoneNumberAssigned"]}),
        ("/v1.0/numbers/order", {"OrderId": number["OrderId"]}),
        ("/v1.0/message/details", {"MessageId": message["MessageId"]}),
    ]
    for path, params in reads:
        response = await other_api.get(path, **params)
        assert response.status_code == 404, path
        assert response.json()["StatusCode"] == 404

    writes = [
        ("/v1.0/message/routes/update", {"MessageRouteId": route, "RouteName": "stolen"}),
        ("/v1.0/message/routes/delete", {"MessageRouteId": route}),
        ("/v1.0/voice/routes/update", {"CallRouteId": voice, "RouteName": "stolen"}),
        ("/v1.0/voice/routes/delete", {"CallRouteId": voice}),
        ("/v1.0/subscribers/update", {"SubscriberId": subscriber["SubscriberId"], "Name": "stolen"}),
    ]
    for path, body in writes:
        assert (await other_api.post(path, body)).status_code == 404, path

    # The AccountId of another distributor is refused outright.
    response = await other_api.post(
        "/v1.0/message/routes",
        {"RouteName": "x", "MessageUrl": "https://e.com/x", "MessageUrlMethod": "POST", "AccountId": api.account_id},
    )
    assert response.json() == {"StatusCode": 400, "Message": "Invalid AccountId"}
    response = await other_api.get("/v1.0/account/message/routes", AccountId=api.account_id)
    assert response.status_code == 400

    assert (await other_api.ok("GET", "/v1.0/account/message/routes"))["TotalRoutes"] == 0
    assert (await other_api.ok("GET", "/v1.0/account/voice/routes"))["TotalRoutes"] == 0
    assert (await other_api.ok("GET", "/v1.0/numbers/inventory"))["TotalResults"] == 0

    # Nothing of the owner's changed.
    assert (await api.ok("GET", "/v1.0/message/routes", params={"MessageRouteId": route}))[
        "RouteName"
    ] == "Main SMS Webhook"
    assert (await api.ok("GET", "/v1.0/subscribers/get", params={"SubscriberId": subscriber["SubscriberId"]}))[
        "Name"
    ] == "A"
