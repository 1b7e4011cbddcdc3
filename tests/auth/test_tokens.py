"""POST /v1.0/OAuth2/tokens and endpoint scoping."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mpaas.core.clock import FrozenClock
from mpaas.core.errors import STANDARD_MESSAGES
from support.api import BASE_URL, Api

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run


async def _mint(api: Api, endpoint: str | None, path: str = "/v1.0/OAuth2/tokens", **extra):
    body = {"AccountKey": api.credential.account_key, "AccountSecret": api.credential.account_secret, **extra}
    if endpoint is not None:
        body["ApiEndpoint"] = endpoint
    return await api.http.post(path, json=body)


async def test_token_response_shape(api):
    response = await _mint(api, f"{BASE_URL}/v1.0/message/routes")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"token", "successful", "tokenExpiry"}
    assert data["successful"] is True
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d (AM|PM)", data["tokenExpiry"])


@pytest.mark.parametrize("path", ["/v1.0/oauth2/tokens", "/V1.0/OAUTH2/TOKENS", "/v1.0/OAuth2/tokens/"])
async def test_token_path_any_casing(api, path):
    response = await _mint(api, f"{BASE_URL}/v1.0/message/routes", path=path)
    assert response.status_code == 200, response.text


async def test_missing_api_endpoint(api):
    response = await _mint(api, None)
    assert response.status_code == 400
    assert response.json() == {"StatusCode": 400, "Message": "The ApiEndpoint field is required."}


async def test_blank_api_endpoint_counts_as_missing(api):
    response = await _mint(api, "  ")
    assert response.json()["Message"] == "The ApiEndpoint field is required."


async def test_missing_account_key(api):
    response = await api.http.post("/v1.0/OAuth2/tokens", json={"AccountSecret": "x", "ApiEndpoint": "/v1.0/x"})
    assert response.status_code == 400
    assert response.json()["Message"] == "The AccountKey field is required."


async def test_wrong_secret_is_401(api):
    response = await api.http.post(
        "/v1.0/OAuth2/tokens",
        json={
            "AccountKey": api.credential.account_key,
            "AccountSecret": "wrong",
            "ApiEndpoint": "/v1.0/message/routes",
        },
    )
    assert response.status_code == 401
    assert response.json()["StatusCode"] == 401


async def test_unknown_key_is_401(api):
    response = await api.http.post(
        "/v1.0/OAuth2/tokens",
        json={"AccountKey": "DID-00000000-0000-0000-0000-000000000000", "AccountSecret": "x", "ApiEndpoint": "/v1.0/x"},
    )
    assert response.status_code == 401


async def test_missing_token_is_401_with_contract_text(api):
    response = await api.http.get("/v1.0/account/message/routes")
    assert response.status_code == 401
    assert response.json() == {"StatusCode": 401, "Message": STANDARD_MESSAGES[401]}


async def test_garbage_token_is_401(api):
    response = await api.http.get("/v1.0/account/message/routes", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401


async def test_token_for_other_endpoint_is_403(api):
    token = (await _mint(api, f"{BASE_URL}/v1.0/numbers/provision")).json()["token"]
    response = await api.http.get("/v1.0/account/message/routes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json() == {"StatusCode": 403, "Message": STANDARD_MESSAGES[403]}


async def test_scope_ignores_host_query_and_case(api):
    token = (await _mint(api, "https://api.telegent.com/V1.0/Account/Message/Routes?x=1")).json()["token"]
    response = await api.http.get("/v1.0/account/message/routes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


async def test_token_is_not_valid_for_the_token_of_another_path_prefix(api):
    token = (await _mint(api, f"{BASE_URL}/v1.0/message/routes")).json()["token"]
    response = await api.http.post(
        "/v1.0/message/routes/update", json={"MessageRouteId": "MRID-x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


async def test_expired_token_is_401(api, clock, platform):
    token = (await _mint(api, f"{BASE_URL}/v1.0/account/message/routes")).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.http.get("/v1.0/account/message/routes", headers=headers)).status_code == 200
    clock.advance(seconds=platform.settings.token_lifetime_seconds + 1)
    response = await api.http.get("/v1.0/account/message/routes", headers=headers)
    assert response.status_code == 401


async def test_token_expiry_reflects_lifetime_setting(api, clock, platform):
    data = (await _mint(api, f"{BASE_URL}/v1.0/message/routes")).json()
    assert data["tokenExpiry"] == "03/01/2026 12:15:00 PM"


async def test_a_token_stops_working_when_its_distributor_is_deactivated_or_its_accounts_are(api, platform):
    """The principal is read per request: an inactive account drops out of it, an inactive distributor ends
    its tokens, and a distributor left with no active account still authenticates (and sees none)."""
    from sqlalchemy import update

    from mpaas.models import Account, Distributor

    token = (await _mint(api, f"{BASE_URL}/v1.0/account/message/routes")).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.http.get("/v1.0/account/message/routes", headers=headers)).status_code == 200
    async with platform.db.write() as session:
        await session.execute(
            update(Account).where(Account.distributor_id == api.credential.account_key).values(active=False)
        )
    response = await api.http.get("/v1.0/account/message/routes", headers=headers)
    # Authenticated (not 401), with no account left to act for: the list spans the caller's accounts, none.
    assert response.status_code == 200, response.text
    assert (response.json()["TotalRoutes"], response.json()["Results"]) == (0, [])
    async with platform.db.write() as session:
        await session.execute(
            update(Distributor).where(Distributor.id == api.credential.account_key).values(active=False)
        )
    assert (await api.http.get("/v1.0/account/message/routes", headers=headers)).status_code == 401
