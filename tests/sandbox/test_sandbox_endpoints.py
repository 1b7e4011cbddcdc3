"""/sandbox/v1: a switch of its own (MPAAS_SANDBOX_ENDPOINTS, on in `mpaas serve`, off in the production roles),
an endpoint-scoped token like every other endpoint, and only the caller's own numbers."""

from __future__ import annotations

import pytest

from support.api import make_message_route, provision

pytestmark = pytest.mark.no_workers
INBOUND = "/sandbox/v1/inbound"


async def test_a_token_is_required(api, numbers, http):
    owner = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    body = {"From": "+18015737111", "To": owner, "Body": "hi"}
    assert (await http.post(INBOUND, json=body)).status_code == 401
    wrong_scope = await api.token("/v1.0/message/routes")
    response = await http.post(INBOUND, json=body, headers={"Authorization": f"Bearer {wrong_scope}"})
    assert response.status_code in (401, 403)
    assert (await api.post(INBOUND, body)).status_code == 200


async def test_only_the_callers_own_numbers(api, other_api, numbers):
    """Another tenant's number is answered as one that does not exist: nothing is stored or sent for it."""
    owner = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
    response = await other_api.post(INBOUND, {"From": "+18015737111", "To": owner, "Body": "spoofed"})
    assert response.status_code == 404
    assert response.json()["Message"] == f"Not found: {owner} is not a messaging-enabled number on this platform."
    found = await api.ok("GET", "/v1.0/message/search", params={"PhoneNumber": owner})
    assert all(m.get("Body") != "spoofed" for m in found.get("Results", []))


class TestOff:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"sandbox_endpoints": None})  # as `mpaas api`

    async def test_off_they_do_not_exist(self, api, numbers, http):
        owner = (await provision(api, await make_message_route(api)))["PhoneNumberAssigned"]
        body = {"From": "+18015737111", "To": owner, "Body": "hi"}
        for response in (await http.post(INBOUND, json=body), await api.post(INBOUND, body), await http.post(INBOUND)):
            assert response.status_code == 404
            assert "MPAAS_SANDBOX_ENDPOINTS" in response.json()["Message"]
