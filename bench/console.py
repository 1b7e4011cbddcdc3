#!/usr/bin/env python
"""Console page latency: the five main pages' p50/p99 against GET /healthz, measured in the same run.

    .venv/bin/python bench/console.py              # 300 rounds
    .venv/bin/python bench/console.py --rounds 100 # quicker

What it does:
  1. starts `mpaas serve` (the seeded sandbox: demo distributor, number inventory, sandbox carrier) on a free
     port with a fresh data dir, MPAAS_RATE_LIMIT_PER_MINUTE=0, and waits for /healthz;
  2. with the demo credential over the API: a message route, 5 numbers, and 200 messages sent from the first
     (each Delivered by the sandbox carrier, with its status callback), so the pages show real rows;
  3. signs in to the console as the demo distributor through its form (CSRF token read from the page);
  4. rounds of one sequential request each to /healthz and the five pages (numbers, messages of a number,
     one message's timeline, send form, account webhooks), interleaved so every URL sees the same conditions;
  5. prints a table (ms) and, as the last line, one JSON object with every figure; always stops the server.

Target (issue 21): every page's p99 under 100 ms on the seeded sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

PAGES = ("numbers", "messages", "message", "send", "webhooks")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, port: int) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    environ.update(
        MPAAS_RATE_LIMIT_PER_MINUTE="0", MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS="0.05", MPAAS_EGRESS_ALLOW="loopback"
    )
    cmd = [sys.executable, "-m", "mpaas.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 (the child keeps writing to it)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=environ)
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            sys.exit("mpaas serve exited:\n" + (data_dir / "serve.log").read_text())
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            sys.exit("mpaas serve did not start")
        time.sleep(0.2)


def seed(base: str, cred: dict) -> tuple[str, str]:
    client = httpx2.Client(timeout=30)

    def call(path: str, body: dict) -> dict:
        token = client.post(
            f"{base}/v1.0/OAuth2/tokens",
            json={"AccountKey": cred["AccountKey"], "AccountSecret": cred["AccountSecret"], "ApiEndpoint": base + path},
        ).json()["token"]
        response = client.post(base + path, json=body, headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()

    route = call(
        "/v1.0/message/routes",
        {"RouteName": "bench", "MessageUrl": f"{base}/healthz", "MessageUrlMethod": "POST"},
    )["MessageRouteId"]
    provision = {
        "NumberType": "mvno",
        "MessageType": "p2p",
        "MessageEnabled": True,
        "VoiceEnabled": False,
        "MessageRouteId": route,
        "ProductType": "Sms+Data",
    }
    numbers = [call("/v1.0/numbers/provision", provision)["PhoneNumberAssigned"] for _ in range(5)]
    last = ""
    for i in range(200):
        sent = call(
            "/v1.0/message/outbound", {"From": numbers[0], "To": [{"Number": f"+1801573{i:04d}"}], "Body": f"bench {i}"}
        )
        last = sent["MessageId"] if "MessageId" in sent else sent["Messages"][0]["MessageId"]
    return numbers[0], last


def sign_in(client: httpx2.Client, cred: dict) -> None:
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        "/console/login",
        data={
            "csrf_token": token,
            "kind": "distributor",
            "account_key": cred["AccountKey"],
            "account_secret": cred["AccountSecret"],
        },
    )
    assert done.status_code == 303, done.text


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mpaas-console-bench-") as tmp:
        data_dir, port = Path(tmp), free_port()
        proc = start(data_dir, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cred = json.loads((data_dir / "demo-credentials.json").read_text())
            number, message_id = seed(base, cred)
            time.sleep(2)  # let the sandbox deliver the receipts and callbacks before measuring
            urls = {
                "healthz": "/healthz",
                "numbers": "/console/numbers",
                "messages": f"/console/messages?number={number.replace('+', '%2B')}",
                "message": f"/console/messages/{message_id}",
                "send": "/console/send",
                "webhooks": "/console/webhooks",
            }
            timings: dict[str, list[float]] = {name: [] for name in urls}
            with httpx2.Client(base_url=base, timeout=30) as client:
                sign_in(client, cred)
                for name, url in urls.items():  # warm-up, and every page answers 200
                    for _ in range(10):
                        response = client.get(url)
                        assert response.status_code == 200, (name, response.status_code, response.text[:300])
                for _ in range(args.rounds):
                    for name, url in urls.items():
                        t0 = time.perf_counter()
                        response = client.get(url)
                        timings[name].append((time.perf_counter() - t0) * 1000)
                        assert response.status_code == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    result = {}
    print(f"{'page':<10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  p99/healthz p99")
    base_p99 = pct(timings["healthz"], 99)
    for name, values in timings.items():
        p50, p99 = statistics.median(values), pct(values, 99)
        result[name] = {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "max_ms": round(max(values), 2)}
        print(f"{name:<10} {p50:8.2f} {p99:8.2f} {max(values):8.2f}  {p99 / base_p99:6.1f}x")
    worst = max(result[p]["p99_ms"] for p in PAGES)
    print(f"worst page p99: {worst:.1f} ms (target < 100 ms); rounds: {args.rounds}")
    print(json.dumps({"rounds": args.rounds, "pages": result, "worst_page_p99_ms": worst, "target_ms": 100}))


if __name__ == "__main__":
    main()
