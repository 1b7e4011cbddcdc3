"""`mpaas api --workers 4` on PostgreSQL: four API processes share one inventory and, through Redis, one rate
limit per credential. 200 concurrent provisions for 50 numbers assign exactly 50; a credential allowed 20
requests a minute gets 20 across the processes, not 20 per process."""

from __future__ import annotations

import asyncio
import json

import httpx2
import psycopg
import pytest

from mpaas.core.jobs.wakeups import libpq_dsn
from support.processes import (
    env,
    free_port,
    fresh_database,
    mpaas,
    postgres_url_or_skip,
    redis_or_skip,
    run_mpaas,
    stop,
    wait_healthy,
)

# xdist_group: one cluster of API processes for the module, so its tests share one xdist worker
pytestmark = [pytest.mark.process, pytest.mark.slow, pytest.mark.xdist_group("cli_roles")]


INVENTORY = 50
PROVISIONS = 200


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    test_url = postgres_url_or_skip()
    redis_url = redis_or_skip()
    workdir = tmp_path_factory.mktemp("api4")
    url = fresh_database(test_url, "mpaas_test_api4")
    # The pools are env()'s small ones (support/processes.py): 200 provisions still contend for every connection.
    environ = env(MPAAS_DATABASE_URL=url, MPAAS_REDIS_URL=redis_url, MPAAS_DATA_DIR=str(workdir))
    run_mpaas("inventory", "generate", "--count", str(INVENTORY), environ=environ, cwd=workdir)
    port = free_port()
    proc = mpaas("api", "--workers", "4", "--port", str(port), environ=environ, cwd=workdir, log_name="api.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, workdir / "api.log")
        yield base, url, environ, workdir
    finally:
        stop(proc)


def _credential(environ, workdir, rate_limit: int) -> dict:
    return json.loads(
        run_mpaas(
            "admin",
            "create-distributor",
            "--name",
            f"limit {rate_limit}",
            "--rate-limit",
            str(rate_limit),
            "--json",
            environ=environ,
            cwd=workdir,
        )
    )


async def _token(client: httpx2.AsyncClient, base: str, credential: dict, path: str) -> httpx2.Response:
    return await client.post(
        f"{base}/v1.0/OAuth2/tokens",
        json={
            "AccountKey": credential["AccountKey"],
            "AccountSecret": credential["AccountSecret"],
            "ApiEndpoint": f"{base}{path}",
        },
    )


async def test_200_concurrent_provisions_for_50_numbers_assign_exactly_50(cluster):
    base, url, environ, workdir = cluster
    credential = _credential(environ, workdir, 0)
    async with httpx2.AsyncClient(timeout=60, limits=httpx2.Limits(max_connections=PROVISIONS)) as client:
        route_token = (await _token(client, base, credential, "/v1.0/message/routes")).json()["token"]
        route = (
            await client.post(
                f"{base}/v1.0/message/routes",
                headers={"Authorization": f"Bearer {route_token}"},
                json={
                    "RouteName": "r",
                    "MessageUrl": "http://127.0.0.1:9/in",
                    "MessageUrlMethod": "POST",
                    "CallbackMessageUrl": "http://127.0.0.1:9/status",
                },
            )
        ).json()
        token = (await _token(client, base, credential, "/v1.0/numbers/provision")).json()["token"]
        body = {
            "NumberType": "mvno",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": False,
            "MessageRouteId": route["MessageRouteId"],
            "ProductType": "Sms-Only",
        }
        responses = await asyncio.gather(
            *(
                client.post(f"{base}/v1.0/numbers/provision", headers={"Authorization": f"Bearer {token}"}, json=body)
                for _ in range(PROVISIONS)
            )
        )
    won = [r.json()["PhoneNumberAssigned"] for r in responses if r.status_code == 200]
    lost = [r for r in responses if r.status_code != 200]
    assert len(won) == INVENTORY and len(set(won)) == INVENTORY
    # The losers get the vendor's envelope with a client error, never a server error.
    assert {r.status_code for r in lost} <= {400, 404, 409, 422}, {r.status_code for r in lost}
    assert all(set(r.json()) == {"StatusCode", "Message"} for r in lost)
    with psycopg.connect(libpq_dsn(url)) as conn:
        assigned = conn.execute("SELECT count(*) FROM inventory_numbers WHERE status != 'available'").fetchone()[0]
        held = conn.execute("SELECT count(*) FROM phone_numbers").fetchone()[0]
        stock = conn.execute("SELECT coalesce(sum(available), 0) FROM number_area_stock").fetchone()[0]
    assert (assigned, held, stock) == (INVENTORY, INVENTORY, 0)


async def test_one_credentials_limit_holds_across_four_processes(cluster):
    base, _url, environ, workdir = cluster
    credential = _credential(environ, workdir, 20)
    # A new connection per request, so the four processes (sharing the listening socket) all take some.
    async with httpx2.AsyncClient(timeout=30, limits=httpx2.Limits(max_keepalive_connections=0)) as client:
        token = (await _token(client, base, credential, "/v1.0/account/message/routes")).json()["token"]
        statuses = []
        for _ in range(40):
            response = await client.get(
                f"{base}/v1.0/account/message/routes", headers={"Authorization": f"Bearer {token}"}
            )
            statuses.append(response.status_code)
    # The token request counted too: 1 + 19 fit in 20, the rest are refused wherever they land.
    assert statuses == [200] * 19 + [429] * 21
