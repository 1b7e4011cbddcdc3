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
