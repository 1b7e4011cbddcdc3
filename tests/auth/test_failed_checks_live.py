"""Concurrent wrong secrets against a real `mpaas serve` process, at argon2's production cost (64 MiB a check):
the bounded slots keep the server's memory flat (unbounded, 300 of them took it from 450 MB to 2 GB).

The failure budget is lifted here so that every guess reaches argon2: this tests the bound, not the budget
(tests/auth/test_failed_checks.py tests the budget). Timings are not asserted; bench/credentials.py measures
another tenant's latency under such an attack."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import httpx2
import pytest

from support.processes import env, free_port, mpaas, stop, wait_healthy

MiB = 1024 * 1024
GUESSES = 40  # more than anyio's 40 worker threads would run at once unbounded: 40 x 64 MiB = 2.5 GB


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class PeakRss:
    """Samples a process's RSS every few milliseconds in a thread; `peak` is the highest seen."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes(self.pid))
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.process
@pytest.mark.slow
def test_concurrent_wrong_secrets_keep_the_servers_memory_bounded(tmp_path):
    port = free_port()
    environ = env(
        MPAAS_SEED_INVENTORY_COUNT="0",
        MPAAS_OPERATOR_TOKEN="failed-checks-operator",
        MPAAS_PASSWORD_HASH_CONCURRENCY="2",
        MPAAS_AUTH_FAILURES_PER_KEY_ADDRESS="100000",
        MPAAS_AUTH_FAILURES_PER_ADDRESS="100000",
        MPAAS_AUTH_FAILURES_PER_KEY="100000",
    )
    proc = mpaas(
        "serve", "--port", str(port), "--data-dir", str(tmp_path), environ=environ, cwd=tmp_path, log_name="s.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, tmp_path / "s.log")
        key = re.search(r"AccountKey\s+(DID-\S+)", (tmp_path / "s.log").read_text()).group(1)
        body = {"AccountKey": key, "AccountSecret": "wrong", "ApiEndpoint": f"{base}/v1.0/account/message/routes"}
        assert httpx2.post(f"{base}/v1.0/OAuth2/tokens", json=body, timeout=30).status_code == 401  # warm up

        async def attack() -> list[int]:
            limits = httpx2.Limits(max_connections=GUESSES)
            async with httpx2.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
                responses = await asyncio.gather(
                    *(
                        client.post("/v1.0/OAuth2/tokens", json={**body, "AccountSecret": f"guess-{n}"})
                        for n in range(GUESSES)
                    )
                )
            return [r.status_code for r in responses]

        before = _rss_bytes(proc.pid)
        with PeakRss(proc.pid) as rss:
            codes = asyncio.run(attack())
        assert set(codes) == {401}
        grown = rss.peak - before
        # Two slots at 64 MiB each, plus what the requests themselves hold; far from 40 x 64 MiB.
        assert grown < 300 * MiB, f"RSS grew by {grown / MiB:.0f} MiB"
        assert proc.poll() is None
    finally:
        stop(proc)
