"""An API client that mints endpoint-scoped tokens the way a real integration must, and the requests many
tests start from (a message route, a voice route, a provisioned number)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx2

from mpaas.accounts.service import IssuedCredential

BASE_URL = "http://testserver"
OPERATOR_TOKEN = "test-operator-token"


@dataclass
class Api:
    """A client holding one distributor credential; mints and caches one token per endpoint."""

    http: httpx2.AsyncClient
    credential: IssuedCredential
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return self.credential.account_id

    async def token(self, path: str) -> str:
        key = path.lower()
        if key not in self.tokens:
            response = await self.http.post(
                "/v1.0/OAuth2/tokens",
                json={
                    "AccountKey": self.credential.account_key,
                    "AccountSecret": self.credential.account_secret,
                    "ApiEndpoint": f"{BASE_URL}{path}",
                },
            )
            assert response.status_code == 200, response.text
            self.tokens[key] = response.json()["token"]
        return self.tokens[key]

    async def call(self, method: str, path: str, **kwargs) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {await self.token(path)}", **kwargs.pop("headers", {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def post(self, path: str, body: dict) -> httpx2.Response:
        return await self.call("POST", path, json=body)

    async def get(self, path: str, **params) -> httpx2.Response:
        return await self.call("GET", path, params=params)

    async def ok(self, method: str, path: str, **kwargs) -> dict:
        response = await self.call(method, path, **kwargs)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()


MESSAGE_ROUTE = {"RouteName": "Main SMS Webhook", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"}


async def make_message_route(api: Api, **overrides) -> str:
    return (await api.ok("POST", "/v1.0/message/routes", json={**MESSAGE_ROUTE, **overrides}))["MessageRouteId"]


async def make_voice_route(api: Api, **overrides) -> str:
    body = {"RouteName": "Main SIP Trunk", "RouteType": "Trunk", "TrunkIp1": "20.87.87.87", **overrides}
    return (await api.ok("POST", "/v1.0/voice/routes", json=body))["CallRouteId"]


async def provision(api: Api, route_id: str, **overrides) -> dict:
    body = {
        "NumberType": "mvno",
        "MessageType": "p2p",
        "MessageEnabled": True,
        "VoiceEnabled": False,
        "MessageRouteId": route_id,
        "ProductType": "Sms+Data",
        **overrides,
    }
    return await api.ok("POST", "/v1.0/numbers/provision", json=body)
