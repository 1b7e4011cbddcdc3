#!/usr/bin/env python
"""Routing-decision latency: POST /sip/v1/route (issue 18's goal: p99 <= 5 ms on SQLite) against GET /healthz,
measured in the same run.

    .venv/bin/python bench/voice_route.py                 # 2,000 decisions, in process (httpx ASGI), seconds
    .venv/bin/python bench/voice_route.py --calls 200     # a smoke run
    .venv/bin/python bench/voice_route.py --live          # through uvicorn on loopback, as Kamailio asks

One run: a fresh SQLite data dir, the app (no job workers: a decision runs none), a distributor whose account has
`--numbers` voice numbers on a two-trunk route (same priority, weighted) and a whitelisted customer trunk. Then,
one request at a time (Kamailio's worker waits for each answer), `--calls` decisions: nine in ten inbound to a
random number of the account, one in ten outbound from the whitelisted address with one of its numbers as caller
id. Every call has a new Call-ID, so every decision writes its call record, as in production. Before them, the same
number of GET /healthz (the same stack without authentication or database) and a warm-up of 100 of each.
Prints p50/p90/p99/max per kind and the ratio to /healthz, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx2
import uvicorn

from mpaas.accounts.service import create_distributor
from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.core.db import migrate
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform

SECRET = "bench-sip-secret"
PBX = "198.51.100.7"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(at(0.90) * 1000, 3),
        "p99_ms": round(at(0.99) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


async def setup(platform: Platform, client: httpx2.AsyncClient, count: int, trunks: dict | None = None) -> list[str]:
    """`count` voice numbers of a new distributor's account on one Trunk route (`trunks`: its trunk fields,
    default two weighted trunks on documentation addresses). bench/voice.py uses it with a loopback trunk."""
    now = platform.clock.now()
    await inventory.load(platform.db, list(inventory_data.generate(count, seed=18, area_codes=["801"])), now)
    async with platform.db.write() as session:
        cred = await create_distributor(session, name="Bench", rate_limit=0, now=now)

    async def call(path: str, body: dict) -> dict:
        token = await client.post(
            "/v1.0/OAuth2/tokens",
            json={
                "AccountKey": cred.account_key,
                "AccountSecret": cred.account_secret,
                "ApiEndpoint": str(client.base_url).rstrip("/") + path,
            },
        )
        r = await client.post(path, json=body, headers={"Authorization": f"Bearer {token.json()['token']}"})
        assert r.status_code == 200, r.text
        return r.json()

    message_route = (
        await call(
            "/v1.0/message/routes",
            {"RouteName": "bench", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"},
        )
    )["MessageRouteId"]
    voice_route = (
        await call(
            "/v1.0/voice/routes",
            {
                "RouteName": "bench trunks",
                "RouteType": "Trunk",
                **(
                    trunks
                    or {
                        "TrunkIp1": "20.87.87.87",
                        "TrunkIp2": "20.87.87.86",
                        "Trunk1Priortiy": 10,
                        "Trunk2Priortiy": 10,
                        "Trunk1Weight": 3,
                        "Trunk2Weight": 1,
                    }
                ),
                "IpWhitelist": [{"IpAddress": PBX}],
            },
        )
    )["CallRouteId"]
    numbers = []
    for _ in range(count):
        data = await call(
            "/v1.0/numbers/provision",
            {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": True,
                "MessageRouteId": message_route,
                "VoiceRouteId": voice_route,
                "ProductType": "Sms+Data+Voice",
            },
        )
        numbers.append(data["PhoneNumberAssigned"])
    return numbers


async def measure(client: httpx2.AsyncClient, numbers: list[str], calls: int) -> dict:
    rng = random.Random(18)
    headers = {"X-Mpaas-Sip-Secret": SECRET}
    serial = 0

    async def decision() -> tuple[str, float]:
        nonlocal serial
        serial += 1
        if rng.random() < 0.9:
            kind, body = "inbound", {"From": "+12125550100", "To": rng.choice(numbers), "SourceIp": "20.1.1.1"}
        else:
            kind, body = "outbound", {"From": rng.choice(numbers), "To": "+12125550123", "SourceIp": PBX}
        body |= {"CallId": f"bench-{serial}@voice", "SourcePort": 5060, "Transport": "udp"}
        start = time.perf_counter()
        r = await client.post("/sip/v1/route", json=body, headers=headers)
        elapsed = time.perf_counter() - start
        assert r.status_code == 200 and "routes" in r.json(), r.text
        return kind, elapsed

    async def healthz() -> float:
        start = time.perf_counter()
        r = await client.get("/healthz")
        elapsed = time.perf_counter() - start
        assert r.status_code == 200
        return elapsed

    for _ in range(100):  # warm-up: connections, statement caches, the route cache
        await healthz()
        await decision()
    cpu = time.process_time()
    health = [await healthz() for _ in range(calls)]
    health_cpu = time.process_time() - cpu
    by_kind: dict[str, list[float]] = {"inbound": [], "outbound": []}
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        kind, elapsed = await decision()
        by_kind[kind].append(elapsed)
    wall, route_cpu = time.perf_counter() - start, time.process_time() - cpu
    every = by_kind["inbound"] + by_kind["outbound"]
    result = {
        "healthz": percentiles(health),
        "route": percentiles(every),
        "inbound": percentiles(by_kind["inbound"]),
        "outbound": percentiles(by_kind["outbound"]) if by_kind["outbound"] else None,
        "decisions_per_s_one_at_a_time": round(calls / wall, 1),
        # CPU time of this process (client and app) per request: what the machine's load does not inflate
        "cpu_ms_per_healthz": round(health_cpu / calls * 1000, 3),
        "cpu_ms_per_decision": round(route_cpu / calls * 1000, 3),
    }
    result["ratio_p50"] = round(result["route"]["p50_ms"] / result["healthz"]["p50_ms"], 2)
    result["ratio_p99"] = round(result["route"]["p99_ms"] / result["healthz"]["p99_ms"], 2)
    return result


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--numbers", type=int, default=50)
    ap.add_argument("--live", action="store_true", help="through uvicorn on loopback instead of in process")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mpaas-bench-voice-"))
    try:
        settings = Settings(
            data_dir=tmp,
            seed_inventory_count=0,
            rate_limit_per_minute=0,
            database_url=None,
            egress_allow="loopback",
            sip_shared_secret=SECRET,
            sip_carrier_uri="sip:127.0.0.1:5070",
        )
        migrate.upgrade(settings.resolved_database_url())
        platform = Platform.build(settings)
        app = create_app(settings, platform, run_workers=False)
        if args.live:
            port = free_port()
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
            serving = asyncio.create_task(server.serve())
            while not server.started:
                await asyncio.sleep(0.05)
            client = httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
        else:
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
            client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://bench", timeout=30)
        try:
            numbers = await setup(platform, client, args.numbers)
            result = await measure(client, numbers, args.calls)
        finally:
            await client.aclose()
            if args.live:
                server.should_exit = True
                await serving
            else:
                await lifespan.__aexit__(None, None, None)
        mode = "uvicorn on loopback" if args.live else "in process (httpx ASGI)"
        print(f"POST /sip/v1/route vs GET /healthz, {args.calls} each, one at a time, {mode}, SQLite")
        print(f"{'':10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for name in ("healthz", "route", "inbound", "outbound"):
            row = result[name]
            if row:
                print(f"{name:10} {row['p50_ms']:8.3f} {row['p90_ms']:8.3f} {row['p99_ms']:8.3f} {row['max_ms']:8.3f}")
        print(f"route / healthz: p50 x{result['ratio_p50']}, p99 x{result['ratio_p99']}")
        print(
            f"CPU per request (client + app, this process): healthz {result['cpu_ms_per_healthz']} ms, "
            f"decision {result['cpu_ms_per_decision']} ms"
        )
        print(json.dumps({"mode": "live" if args.live else "asgi", "calls": args.calls, **result}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
