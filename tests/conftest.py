"""Shared fixtures: a migrated database per test, the app with its workers, and an API client that mints
endpoint-scoped tokens the way a real integration must.

Set MPAAS_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test) to run on PostgreSQL;
the default is a fresh SQLite file per test, copied from one migrated template."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest

from mpaas.accounts.service import IssuedCredential, create_distributor
from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.core.clock import FrozenClock, SystemClock
from mpaas.core.db import migrate
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform

BASE_URL = "http://testserver"
OPERATOR_TOKEN = "test-operator-token"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """Run the real Alembic history once; each test copies the result."""
    path = tmp_path_factory.mktemp("template") / "mpaas.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path, migrated_template) -> Settings:
    url = os.environ.get("MPAAS_TEST_DATABASE_URL")
    if url is None:
        shutil.copy(migrated_template, tmp_path / "mpaas.db")
    else:
        _reset_database(url)
    return Settings(
        data_dir=tmp_path,
        database_url=url,
        seed_inventory_count=0,
        operator_token=OPERATOR_TOKEN,
        sandbox_receipt_delay_seconds=0.05,
        worker_poll_seconds=0.05,
        rate_limit_per_minute=0,
    )


def _reset_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    from mpaas.core.db.database import sync_url

    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    engine.dispose()
    migrate.upgrade(url)


@pytest.fixture
def clock() -> SystemClock:
    return SystemClock()


@pytest.fixture
async def platform(settings, clock) -> AsyncIterator[Platform]:
    platform = Platform.build(settings, clock=clock)
    yield platform


@pytest.fixture
async def app(platform):
    application = create_app(platform.settings, platform)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL) as client:
        yield client


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


async def new_distributor(platform: Platform, name: str = "Acme", rate_limit: int | None = 0) -> IssuedCredential:
    async with platform.db.write() as session:
        return await create_distributor(session, name=name, rate_limit=rate_limit, now=platform.clock.now())


@pytest.fixture
async def api(platform, http) -> Api:
    return Api(http, await new_distributor(platform, "Acme"))


@pytest.fixture
async def other_api(platform, http) -> Api:
    return Api(http, await new_distributor(platform, "Globex"))


async def add_inventory(
    platform: Platform, count: int, area_codes: list[str] | None = None, seed: int = 1
) -> list[str]:
    rows = list(
        inventory_data.generate(
            count,
            seed=seed,
            area_codes=area_codes,
            exclude=(await inventory.existing_numbers(platform.db)).__contains__,
        )
    )
    await inventory.load(platform.db, rows, platform.clock.now())
    return [r.number for r in rows]


@pytest.fixture
async def numbers(platform) -> list[str]:
    """A small inventory: 20 numbers in 801, 20 in 212."""
    return await add_inventory(platform, 20, ["801"]) + await add_inventory(platform, 20, ["212"], seed=2)


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


__all__ = [
    "Api",
    "FrozenClock",
    "add_inventory",
    "make_message_route",
    "make_voice_route",
    "new_distributor",
    "provision",
]
