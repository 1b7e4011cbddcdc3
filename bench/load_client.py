#!/usr/bin/env python
"""What the load generator itself costs: CPU per request of the two clients bench/pipeline.py can send with,
against the benches' own webhook receiver (bench/api.py Receiver, a minimal keep-alive HTTP/1.1 server) in this
process, so no server under test is involved.

    .venv/bin/python bench/load_client.py                       # 6,000 requests, 32 in flight, each client
    .venv/bin/python bench/load_client.py --requests 20000 --concurrency 64

On a two-core machine the load generator, the server, the SMSC simulator and the receiver share the cores: CPU
the client spends per request is taken from the server's. httpx (httpx2) cost 0.50 ms a request here and managed
about 2,000 requests/s alone; LeanConnection (bench/api.py) 0.026 ms. bench/pipeline.py sends with
LeanConnection unless `--client httpx`. Prints both, their ratio, and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import LeanConnection, Receiver

BODY = json.dumps({"From": "+18015550100", "To": [{"Number": "+18015550199"}], "Body": "hello"}).encode()
# A bearer token the size of mpaas's, so the request is the size of a real send.
HEADERS = {"Authorization": "Bearer " + "x" * 300, "Content-Type": "application/json"}


async def with_httpx(base: str, requests: int, concurrency: int) -> tuple[float, float]:
    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=concurrency + 4)) as client:

        async def sender(count: int) -> None:
            for _ in range(count):
                response = await client.post(base + "/send", content=BODY, headers=HEADERS)
                assert response.status_code == 200

        await sender(50)  # connections and imports warm
        return await _measure(
            lambda: asyncio.gather(*(sender(requests // concurrency) for _ in range(concurrency))), requests
        )


async def with_lean(base: str, requests: int, concurrency: int) -> tuple[float, float]:
    connections = [LeanConnection(base) for _ in range(concurrency)]

    async def sender(connection: LeanConnection, count: int) -> None:
        for _ in range(count):
            status, _ = await connection.post("/send", BODY, HEADERS)
            assert status == 200

    await sender(connections[0], 50)
    try:
        return await _measure(
            lambda: asyncio.gather(*(sender(c, requests // concurrency) for c in connections)), requests
        )
    finally:
        for connection in connections:
            connection.close()


async def _measure(run, requests: int) -> tuple[float, float]:
    """(CPU ms per request of this process, requests/s)."""
    cpu, wall = time.process_time(), time.perf_counter()
    await run()
    return (time.process_time() - cpu) / requests * 1000, requests / (time.perf_counter() - wall)


async def main(args: argparse.Namespace) -> dict:
    receiver = Receiver()
    await receiver.start()
    try:
        httpx_ms, httpx_rate = await with_httpx(receiver.base, args.requests, args.concurrency)
        lean_ms, lean_rate = await with_lean(receiver.base, args.requests, args.concurrency)
    finally:
        await receiver.stop()
    print(f"httpx2:         {httpx_ms:.3f} ms CPU a request (client and receiver), {httpx_rate:,.0f} requests/s")
    print(f"LeanConnection: {lean_ms:.3f} ms CPU a request (client and receiver), {lean_rate:,.0f} requests/s")
    print(f"httpx2 / LeanConnection CPU per request: {httpx_ms / lean_ms:.1f}x")
    return {
        "bench": "mpaas-load-client",
        "requests": args.requests,
        "concurrency": args.concurrency,
        "httpx_cpu_ms_per_request": round(httpx_ms, 4),
        "httpx_requests_per_s": round(httpx_rate, 1),
        "lean_cpu_ms_per_request": round(lean_ms, 4),
        "lean_requests_per_s": round(lean_rate, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    arguments = parser.parse_args()
    try:
        import uvloop

        summary = uvloop.run(main(arguments))
    except ImportError:
        summary = asyncio.run(main(arguments))
    print(json.dumps(summary))
