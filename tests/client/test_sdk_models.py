"""The SDK's models: PascalCase on the wire, snake_case in Python, nothing the server sent is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mpaas.client import MpaasApiError, WireResponse
from mpaas.client.core import build_request, normalize_base, resolve
from mpaas.client.models import CreateMessageRouteRequest, SendOutboundMessageResponse
from mpaas.client.scaffold import operation_name


def test_response_keeps_and_exposes_every_field():
    sent = SendOutboundMessageResponse.model_validate(
        {
            "MessageId": "TMID-1",
            "Status": "Queued",
            "From": "+18015550000",
            "Cost": 0.0045,
            "To": [{"Number": "+18015737111"}],
            "CampaignId": "TCID-x",
            "AccountID": "AID-1",
        }
    )
    assert sent.message_id == "TMID-1" and sent.from_ == "+18015550000"
    assert sent.cost == Decimal("0.0045")
    assert sent.campaign_id == "TCID-x"  # undeclared, read in snake_case
    assert sent.account_id == "AID-1"  # `AccountID` casing too
    assert sent["AccountID"] == "AID-1"
    assert sent.to_wire()["CampaignId"] == "TCID-x"
    nested = WireResponse.model_validate({"Results": [{"PhoneNumber": "+1"}], "Account": {"AccountId": "AID-2"}})
    assert nested.results[0].phone_number == "+1"
    assert nested.account.account_id == "AID-2"
    with pytest.raises(AttributeError):
        _ = nested.no_such_field  # the access itself is what must raise


def test_requests_serialize_to_wire_names_and_keep_extras():
    request = CreateMessageRouteRequest(
        route_name="R", message_url="http://x", message_url_method="POST", SomethingNew=1
    )
    assert request.to_wire() == {
        "RouteName": "R",
        "MessageUrl": "http://x",
        "MessageUrlMethod": "POST",
        "SomethingNew": 1,
    }
    op = resolve("message_route_details")
    assert build_request(op, None, {"message_route_id": "MRID-1"}) == {"params": {"MessageRouteId": "MRID-1"}}
    assert build_request(resolve("list_message_routes"), {"AccountId": "AID-1"}, {}) == {
        "params": {"AccountId": "AID-1"}
    }
    with pytest.raises(MpaasApiError) as caught:
        build_request(resolve("create_message_route"), None, {"route_name": "R"})
    assert caught.value.status_code == 400 and caught.value.message == "The MessageUrl field is required."
    with pytest.raises(AttributeError):
        resolve("no_such_operation")


def test_names_and_bases():
    assert operation_name("Number Provision (Purchase/Order)") == "number_provision"
    assert operation_name("Get Account's Workgroups") == "get_accounts_workgroups"
    assert normalize_base("https://api.telegent.com/v1.0/") == "https://api.telegent.com"
    assert normalize_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
