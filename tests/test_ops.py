"""Operator API under /ops/v1: the operator bearer token, distributor creation."""

from __future__ import annotations

from mpaas.accounts.service import IssuedCredential
from support.api import OPERATOR_TOKEN, Api


async def test_needs_operator_token(http):
    assert (await http.get("/ops/v1/health")).status_code == 401
    bad = await http.get("/ops/v1/health", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["StatusCode"] == 401
    good = await http.get("/ops/v1/health", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert good.json() == {"Status": "ok"}


async def test_a_distributor_token_is_not_an_operator_token(api):
    token = await api.token("/ops/v1/health")
    assert (await api.http.get("/ops/v1/health", headers={"Authorization": f"Bearer {token}"})).status_code == 401


async def test_create_distributor(http):
    response = await http.post(
        "/ops/v1/distributors",
        json={"Name": "Initech", "RateLimit": 0},
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
    )
    data = response.json()
    assert set(data) == {"AccountKey", "AccountSecret", "AccountId"}
    assert data["AccountKey"].startswith("DID-") and data["AccountId"].startswith("AID-")
    api = Api(http, IssuedCredential(data["AccountKey"], data["AccountSecret"], data["AccountId"]))
    assert (await api.get("/v1.0/account/message/routes")).status_code == 200


async def test_create_distributor_validation(http):
    response = await http.post(
        "/ops/v1/distributors", json={"RateLimit": -1}, headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    )
    assert response.status_code == 400
    assert response.json()["Message"] == "The Name field is required."


async def test_carriers_of_the_running_process(http):
    response = await http.get("/ops/v1/carriers", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    carriers = response.json()["Carriers"]
    assert [(c["name"], c["bound"]) for c in carriers] == [("sandbox", True)]
    assert (await http.get("/ops/v1/carriers")).status_code == 401


OPS = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
ROUTES = "/v1.0/account/message/routes"


async def _mint(api: Api, secret: str):
    body = {"AccountKey": api.credential.account_key, "AccountSecret": secret, "ApiEndpoint": ROUTES}
    return await api.http.post("/v1.0/OAuth2/tokens", json=body)


async def test_rotate_secret(api, other_api, http):
    """The old secret stops working at once, and so do the tokens minted with it; other distributors are
    untouched."""
    old_token = await api.token(ROUTES)
    other_token = await other_api.token(ROUTES)
    body = {"AccountKey": api.credential.account_key}
    response = await http.post("/ops/v1/distributors/rotate-secret", json=body, headers=OPS)
    data = response.json()
    assert set(data) == {"AccountKey", "AccountSecret"} and data["AccountKey"] == api.credential.account_key
    assert data["AccountSecret"] != api.credential.account_secret
    assert (await _mint(api, api.credential.account_secret)).status_code == 401
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {old_token}"})).status_code == 401
    assert (await _mint(api, data["AccountSecret"])).status_code == 200
    new_token = (await _mint(api, data["AccountSecret"])).json()["token"]
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {new_token}"})).status_code == 200
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {other_token}"})).status_code == 200


async def test_deactivate_and_reactivate(api, http):
    token = await api.token(ROUTES)
    key = api.credential.account_key
    response = await http.post("/ops/v1/distributors/deactivate", json={"AccountKey": key}, headers=OPS)
    assert response.json() == {"AccountKey": key, "Active": False}
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {token}"})).status_code == 401
    assert (await _mint(api, api.credential.account_secret)).status_code == 401
    response = await http.post("/ops/v1/distributors/reactivate", json={"AccountKey": key}, headers=OPS)
    assert response.json() == {"AccountKey": key, "Active": True}
    # A token minted before the deactivation stays refused; a new one works.
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {token}"})).status_code == 401
    fresh = (await _mint(api, api.credential.account_secret)).json()["token"]
    assert (await api.http.get(ROUTES, headers={"Authorization": f"Bearer {fresh}"})).status_code == 200


async def test_credential_operations_need_the_operator_and_a_distributor(api, http):
    body = {"AccountKey": api.credential.account_key}
    assert (await http.post("/ops/v1/distributors/rotate-secret", json=body)).status_code == 401
    token = await api.token("/ops/v1/distributors/deactivate")
    forged = {"Authorization": f"Bearer {token}"}
    assert (await http.post("/ops/v1/distributors/deactivate", json=body, headers=forged)).status_code == 401
    missing = await http.post("/ops/v1/distributors/deactivate", json={"AccountKey": "DID-nope"}, headers=OPS)
    assert missing.status_code == 404
