#!/usr/bin/env python
"""Usage-ingestion benchmark: records/s over RADIUS accounting and over HTTP (`POST /ops/v1/usage`), with
limits evaluated, each as a ratio against parsing the same records alone in the same run.

    .venv/bin/python bench/usage.py            # about 30 s
    .venv/bin/python bench/usage.py --quick    # about 10 s

One run: a fresh SQLite data dir, the app under uvicorn on a free port with the RADIUS listener on
another, N provisioned numbers with Notify/Throttle/Limit set low enough that the load crosses them
(so the throttle/block policy is evaluated and changes). Then:
  1. parse alone: decode + authenticate the pre-built RADIUS packets (pyrad) and validate the HTTP
     batches (pydantic), in this process, no database;
  2. RADIUS: Interim-Updates with growing counters sent over loopback UDP by an asyncio client keeping a
     window of requests in flight; a record counts when its Accounting-Response arrives (the server
     answers after the usage is committed);
  3. HTTP: batches of records POSTed by concurrent keep-alive clients; each record has a new RecordId.
Prints a table and a final JSON line. The load generator shares the machine with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx2
import uvicorn
from pyrad import packet

from mpaas.accounts.service import create_distributor
from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.core.db import migrate
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.numbers.usage import radius
from mpaas.numbers.usage.schemas import UsageBatch
from mpaas.roles.platform import Platform

SECRET = b"bench-secret"
OPERATOR = "bench-operator-token"


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_packets(numbers: list[str], count: int) -> list[bytes]:
    d = radius.dictionary()
    totals = {n: 0 for n in numbers}
    out = []
    for i in range(count):
        number = numbers[i % len(numbers)]
        totals[number] += random.randint(20_000, 80_000)
        pkt = packet.AcctPacket(code=packet.AccountingRequest, id=i % 256, secret=SECRET, dict=d)
        pkt["Acct-Status-Type"] = "Interim-Update"
        pkt["Acct-Session-Id"] = f"bench-{number}"
        pkt["Calling-Station-Id"] = number
        pkt["Acct-Input-Octets"] = totals[number] % (1 << 32)
        pkt["Acct-Input-Gigawords"] = totals[number] >> 32
        pkt["Acct-Output-Octets"] = 0
        out.append(pkt.RequestPacket())
    return out


def build_batches(numbers: list[str], count: int, size: int) -> list[bytes]:
    batches, records = [], []
    for i in range(count):
        records.append(
            {
                "RecordId": f"http-{i}",
                "PhoneNumber": numbers[i % len(numbers)],
                "Bytes": random.randint(20_000, 80_000),
                "Timestamp": "2026-01-30T12:00:00Z",
            }
        )
        if len(records) == size:
            batches.append(json.dumps({"Records": records}).encode())
            records = []
    if records:
        batches.append(json.dumps({"Records": records}).encode())
    return batches


def parse_radius(packets: list[bytes]) -> float:
    d = radius.dictionary()
    start = time.perf_counter()
    for data in packets:
        pkt = radius.parse(data, SECRET, d)
        assert pkt is not None and radius.fields(pkt) is not None
    return len(packets) / (time.perf_counter() - start)


def parse_http(batches: list[bytes], count: int) -> float:
    start = time.perf_counter()
    for body in batches:
        UsageBatch.model_validate_json(body)
    return count / (time.perf_counter() - start)


class UdpClient(asyncio.DatagramProtocol):
    def __init__(self):
        self.replies = 0
        self.event = asyncio.Event()

    def datagram_received(self, data, addr):
        self.replies += 1
        self.event.set()


async def send_radius(port: int, packets: list[bytes], window: int) -> float:
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_datagram_endpoint(UdpClient, remote_addr=("127.0.0.1", port))
    start = time.perf_counter()
    sent = 0
    deadline = start + 120
    while proto.replies < len(packets) and time.perf_counter() < deadline:
        while sent < len(packets) and sent - proto.replies < window:
            transport.sendto(packets[sent])
            sent += 1
        proto.event.clear()
        try:
            await asyncio.wait_for(proto.event.wait(), timeout=2.0)
        except TimeoutError:  # lost datagrams: resend what is unanswered (they count once)
            sent = proto.replies
    elapsed = time.perf_counter() - start
    transport.close()
    return proto.replies / elapsed


async def send_http(base: str, batches: list[bytes], count: int, concurrency: int) -> float:
    queue = list(batches)
    headers = {"Authorization": f"Bearer {OPERATOR}", "Content-Type": "application/json"}
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:

        async def worker():
            while queue:
                body = queue.pop()
                r = await client.post("/ops/v1/usage", content=body, headers=headers)
                assert r.status_code == 200, r.text

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - start)


async def token(client: httpx2.AsyncClient, cred, base: str, path: str) -> dict:
    r = await client.post(
        "/v1.0/OAuth2/tokens",
        json={"AccountKey": cred.account_key, "AccountSecret": cred.account_secret, "ApiEndpoint": base + path},
    )
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def setup(platform: Platform, base: str, count: int) -> list[str]:
    now = platform.clock.now()
    rows = list(inventory_data.generate(count, seed=7, area_codes=["801"]))
    await inventory.load(platform.db, rows, now)
    async with platform.db.write() as session:
        cred = await create_distributor(session, name="Bench", rate_limit=0, now=now)
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
        h = await token(client, cred, base, "/v1.0/message/routes")
        route = (
            await client.post(
                "/v1.0/message/routes",
                headers=h,
                json={"RouteName": "bench", "MessageUrl": "http://127.0.0.1:9/in", "MessageUrlMethod": "POST"},
            )
        ).json()["MessageRouteId"]
        h = await token(client, cred, base, "/v1.0/numbers/provision")
        numbers = []
        for _ in range(count):
            r = await client.post(
                "/v1.0/numbers/provision",
                headers=h,
                json={
                    "NumberType": "mvno",
                    "MessageType": "p2p",
                    "MessageEnabled": True,
                    "VoiceEnabled": False,
                    "MessageRouteId": route,
                    "ProductType": "Sms+Data",
                    "DataEnabled": True,
                },
            )
            numbers.append(r.json()["PhoneNumberAssigned"])
        h = await token(client, cred, base, "/v1.0/numbers/data-usage")
        r = await client.post(
            "/v1.0/numbers/data-usage",
            headers=h,
            json={
                "ValueUnit": "KB",
                "NotifyValue": 500,
                "ThrottleValue": 1000,
                "ThrottleSpeed": "1-mbps",
                "LimitValue": 2000,
                "PhoneNumbers": [{"Number": n} for n in numbers],
            },
        )
        assert r.status_code == 200, r.text
    return numbers


async def policies(base: str, numbers: list[str]) -> dict:
    seen: dict[str, int] = {}
    async with httpx2.AsyncClient(base_url=base) as client:
        for n in numbers:
            r = await client.get(
                "/ops/v1/policy", params={"PhoneNumber": n}, headers={"Authorization": f"Bearer {OPERATOR}"}
            )
            seen[r.json()["Behavior"]] = seen.get(r.json()["Behavior"], 0) + 1
    return seen


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--numbers", type=int, default=100)
    ap.add_argument("--radius-records", type=int, default=None)
    ap.add_argument("--http-records", type=int, default=None)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--window", type=int, default=256)
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    radius_n = args.radius_records or (1000 if args.quick else 5000)
    http_n = args.http_records or (5000 if args.quick else 40000)

    tmp = Path(tempfile.mkdtemp(prefix="mpaas-bench-usage-"))
    try:
        http_port, radius_port = free_port(), free_port(socket.SOCK_DGRAM)
        settings = Settings(
            data_dir=tmp,
            seed_inventory_count=0,
            operator_token=OPERATOR,
            rate_limit_per_minute=0,
            radius_addr=f"127.0.0.1:{radius_port}",
            radius_secret=SECRET.decode(),
            database_url=None,
            egress_allow="loopback",  # its message route points at 127.0.0.1:9
        )
        migrate.upgrade(settings.resolved_database_url())
        platform = Platform.build(settings)
        app = create_app(settings, platform)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=http_port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{http_port}"
        numbers = await setup(platform, base, args.numbers)

        packets = build_packets(numbers, radius_n)
        batches = build_batches(numbers, http_n, args.batch)
        parse_r = parse_radius(packets)
        parse_h = parse_http(batches, http_n)
        radius_rate = await send_radius(radius_port, packets, args.window)
        http_rate = await send_http(base, batches, http_n, args.concurrency)
        behaviors = await policies(base, numbers)

        server.should_exit = True
        await serving
        figures = {
            "radius_parse_records_per_s": round(parse_r),
            "radius_records_per_s": round(radius_rate),
            "radius_ratio_vs_parse": round(radius_rate / parse_r, 4),
            "http_parse_records_per_s": round(parse_h),
            "http_records_per_s": round(http_rate),
            "http_ratio_vs_parse": round(http_rate / parse_h, 4),
            "radius_records": radius_n,
            "http_records": http_n,
            "http_batch": args.batch,
            "numbers": args.numbers,
            "policy_after_load": behaviors,
            "cores": os.cpu_count(),
        }
        print(f"{'path':<22}{'records/s':>12}{'parse alone':>14}{'ratio':>9}")
        print(f"{'RADIUS (UDP loopback)':<22}{radius_rate:>12,.0f}{parse_r:>14,.0f}{radius_rate / parse_r:>9.3f}")
        print(f"{'HTTP /ops/v1/usage':<22}{http_rate:>12,.0f}{parse_h:>14,.0f}{http_rate / parse_h:>9.3f}")
        print(f"policy after the load: {behaviors}")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
