"""Wrong secrets under load: another tenant's read latency and the server's memory while a credential is
attacked (issue 16: 300 wrong secrets from 30 threads took RSS 450 MB -> 2 GB and another tenant's reads
6 ms -> 1.75 s).

    .venv/bin/python bench/credentials.py                     # 300 wrong secrets, 30 at a time
    .venv/bin/python bench/credentials.py --attack 60 --attackers 10 --idle-seconds 3
    .venv/bin/python bench/credentials.py --budget default    # the failure budget on (most guesses get 429)

Starts `mpaas serve` on a free port with a temporary data dir (SQLite, no inventory, rate limits off, argon2 at
its production cost). By default the failure budget is lifted (`--budget lifted`), so every guess reaches
argon2 and only the bounded verifier (MPAAS_PASSWORD_HASH_CONCURRENCY, `--hash-concurrency`) protects the
server: the worst case. The victim is the demo credential `serve` prints; the other tenant is a credential
from `mpaas admin create-distributor`, whose token is minted before any measurement.

1. idle: the other tenant reads GET /v1.0/account/message/routes back to back for --idle-seconds;
2. attack: --attack token requests with wrong secrets for the victim's key, --attackers at a time, while the
   other tenant keeps reading until the attack is over.
Prints p50/p99 of the other tenant's reads in both phases, their ratio (attack p99 / idle p99), the attack's
answers, and the server's RSS before and at its peak (sampled every 5 ms from /proc), then one JSON line.
The server is stopped (SIGTERM, then SIGKILL) and the data dir removed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

READ = "/v1.0/account/message/routes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class PeakRss(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.005)


def start_server(data_dir: Path, port: int, args) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    environ.update(
        MPAAS_SEED_INVENTORY_COUNT="0",
        MPAAS_RATE_LIMIT_PER_MINUTE="0",
        MPAAS_OPERATOR_TOKEN="bench-credentials",
        PYTHONUNBUFFERED="1",
    )
    if args.hash_concurrency:
        environ["MPAAS_PASSWORD_HASH_CONCURRENCY"] = str(args.hash_concurrency)
    if args.budget == "lifted":
        for name in ("KEY_ADDRESS", "ADDRESS", "KEY"):
            environ[f"MPAAS_AUTH_FAILURES_PER_{name}"] = "1000000"
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 - the child keeps writing it while it runs
    cmd = [sys.executable, "-m", "mpaas.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=environ)


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("mpaas serve exited early")
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("mpaas serve did not become healthy")


async def reader(client: httpx2.AsyncClient, token: str, stop: asyncio.Event, out: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        started = time.perf_counter()
        response = await client.get(READ, headers=headers)
        if response.status_code == 200:
            out.append((time.perf_counter() - started) * 1000)


async def measure(base: str, victim: str, token: str, args) -> dict:
    async with httpx2.AsyncClient(base_url=base, timeout=120, limits=httpx2.Limits(max_connections=200)) as client:
        idle: list[float] = []
        stop = asyncio.Event()
        task = asyncio.create_task(reader(client, token, stop, idle))
        await asyncio.sleep(args.idle_seconds)
        stop.set()
        await task

        under: list[float] = []
        stop = asyncio.Event()
        task = asyncio.create_task(reader(client, token, stop, under))
        answers: collections.Counter[int] = collections.Counter()
        queue = list(range(args.attack))

        async def attacker() -> None:
            while queue:
                n = queue.pop()
                body = {"AccountKey": victim, "AccountSecret": f"guess-{n}", "ApiEndpoint": f"{base}{READ}"}
                answers[(await client.post("/v1.0/OAuth2/tokens", json=body)).status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(attacker() for _ in range(args.attackers)))
        attack_seconds = time.perf_counter() - started
        stop.set()
        await task
    return {"idle": idle, "under": under, "answers": dict(answers), "attack_seconds": attack_seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attack", type=int, default=300, help="wrong secrets sent (default 300)")
    parser.add_argument("--attackers", type=int, default=30, help="of them in flight at once (default 30)")
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="the idle phase's length (default 5)")
    parser.add_argument("--budget", choices=("lifted", "default"), default="lifted")
    parser.add_argument(
        "--hash-concurrency", type=int, default=0, help="MPAAS_PASSWORD_HASH_CONCURRENCY (default: the server's)"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="mpaas-bench-credentials-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(data_dir, port, args)
    try:
        wait_healthy(base, proc)
        victim = re.search(r"AccountKey\s+(DID-\S+)", (data_dir / "serve.log").read_text()).group(1)
        created = subprocess.run(
            [sys.executable, "-m", "mpaas.cli", "admin", "create-distributor", "--name", "Other tenant"]
            + ["--rate-limit", "0", "--json", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            check=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")},
        )
        other = json.loads(created.stdout.strip().splitlines()[-1])
        minted = httpx2.post(
            f"{base}/v1.0/OAuth2/tokens",
            json={
                "AccountKey": other["AccountKey"],
                "AccountSecret": other["AccountSecret"],
                "ApiEndpoint": f"{base}{READ}",
            },
            timeout=30,
        )
        token = minted.json()["token"]
        before = rss_bytes(proc.pid)
        peak = PeakRss(proc.pid)
        peak.start()
        result = asyncio.run(measure(base, victim, token, args))
        peak.done.set()
        peak.join()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(data_dir, ignore_errors=True)

    idle, under = result["idle"], result["under"]
    figures = {
        "attack": args.attack,
        "attackers": args.attackers,
        "budget": args.budget,
        "hash_concurrency": args.hash_concurrency or "server default",
        "answers": result["answers"],
        "attack_seconds": round(result["attack_seconds"], 2),
        "idle_reads": len(idle),
        "idle_p50_ms": round(pct(idle, 0.50), 2),
        "idle_p99_ms": round(pct(idle, 0.99), 2),
        "attack_reads": len(under),
        "attack_p50_ms": round(pct(under, 0.50), 2),
        "attack_p99_ms": round(pct(under, 0.99), 2),
        "p99_ratio": round(pct(under, 0.99) / pct(idle, 0.99), 2) if idle and under else None,
        "rss_before_mb": round(before / 2**20, 1),
        "rss_peak_mb": round(peak.peak / 2**20, 1),
        "rss_growth_mb": round((peak.peak - before) / 2**20, 1),
    }
    print(f"wrong secrets: {args.attack}, {args.attackers} at a time, budget {args.budget}: {result['answers']}")
    print(f"  attack took {figures['attack_seconds']} s")
    print(
        f"other tenant's reads, idle:         {len(idle):6d} reads  p50 {figures['idle_p50_ms']:8.2f} ms  p99 {figures['idle_p99_ms']:8.2f} ms"
    )
    print(
        f"other tenant's reads, under attack: {len(under):6d} reads  p50 {figures['attack_p50_ms']:8.2f} ms  p99 {figures['attack_p99_ms']:8.2f} ms"
    )
    print(f"  p99 ratio (attack / idle): {figures['p99_ratio']}")
    print(
        f"server RSS: {figures['rss_before_mb']} MB before, {figures['rss_peak_mb']} MB peak (+{figures['rss_growth_mb']} MB)"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
