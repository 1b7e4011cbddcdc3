"""Gateway failover on PostgreSQL: `mpaas api`, `mpaas worker` and two `mpaas gateway` processes against
`mpaas smsc-sim`. The first gateway holds the bind; it is SIGKILLed mid-stream; the standby takes the bind
within seconds, and every accepted message still ends Delivered with its callback, none reaching the SMSC
more than twice (the duplicates are counted and reported)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import psycopg
import pytest

from mpaas.core.jobs.wakeups import libpq_dsn
from support.processes import (
    callback_receiver,
    env,
    free_port,
    fresh_database,
    mpaas,
    postgres_url_or_skip,
    prepare_sender,
    run_mpaas,
    start_smsc_sim,
    stop,
    wait_for_line,
    wait_healthy,
    wait_settled,
)

pytestmark = [pytest.mark.process, pytest.mark.slow]


REQUESTS, PER_REQUEST, KILL_AFTER = 40, 20, 300
HOLDING = "holding the carrier binds"
TAKEOVER_LIMIT_SECONDS = 10.0


def test_standby_gateway_takes_the_bind_and_nothing_is_lost(tmp_path):
    test_url = postgres_url_or_skip()
    url = fresh_database(test_url, "mpaas_test_failover")
    base_env = env(MPAAS_DATABASE_URL=url, MPAAS_DATA_DIR=str(tmp_path), MPAAS_RATE_LIMIT_PER_MINUTE="0")
    sim, smpp_port, smsc_stats = start_smsc_sim(base_env)
    environ = {**base_env, "MPAAS_SMPP_URL": f"smpp://mpaas:secret@127.0.0.1:{smpp_port}?window=50"}
    run_mpaas("inventory", "generate", "--count", "20", environ=environ, cwd=tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api = mpaas("api", "--port", str(port), environ=environ, cwd=tmp_path, log_name="api.log")
    worker = mpaas("worker", environ=environ, cwd=tmp_path, log_name="worker.log")
    first = mpaas("gateway", environ=environ, cwd=tmp_path, log_name="gateway-1.log")
    procs = [api, worker, first]
    try:
        wait_for_line(tmp_path / "gateway-1.log", HOLDING, first)
        second = mpaas("gateway", environ=environ, cwd=tmp_path, log_name="gateway-2.log")
        procs.append(second)
        wait_for_line(tmp_path / "gateway-2.log", "gateway running", second)
        assert HOLDING not in (tmp_path / "gateway-2.log").read_text()  # standing by
        wait_healthy(base, api, tmp_path / "api.log")
        with callback_receiver() as callbacks:
            accepted, killed_at = _send_and_kill(base, environ, tmp_path, callbacks.url, first)
            wait_for_line(tmp_path / "gateway-2.log", HOLDING, second, timeout=TAKEOVER_LIMIT_SECONDS)
            takeover = time.monotonic() - killed_at
            _wait_settled(url, accepted, callbacks)
            delivered = callbacks.delivered()
        assert all(len(delivered[m]) == 1 for m in accepted)  # one event id per message, however often sent
        stats = smsc_stats()
        assert stats["distinct"] >= len(accepted)
        assert all(d["count"] <= 2 for d in stats["duplicate_messages"])
        print(
            f"\nfailover: accepted {len(accepted)}, standby held the bind {takeover:.1f} s after the kill; "
            f"SMSC received {stats['distinct']} messages, {stats['duplicates']} duplicate submits"
        )
    finally:
        stop(*procs)
        sim.terminate()
        sim.wait(timeout=10)


def _send_and_kill(base, environ, workdir, callback_url, holder) -> tuple[list[str], float]:
    credential = json.loads(
        run_mpaas(
            "admin",
            "create-distributor",
            "--name",
            "Failover",
            "--rate-limit",
            "0",
            "--json",
            environ=environ,
            cwd=workdir,
        )
    )
    source, headers = prepare_sender(base, credential, callback_url, "failover")
    accepted: list[str] = []
    lock = threading.Lock()
    killed_at: list[float] = []

    def send(i: int) -> None:
        # A distinct destination per message, so the SMSC can count each message's copies.
        to = [{"Number": f"+1801555{1000 + i * PER_REQUEST + j:04d}"} for j in range(PER_REQUEST)]
        response = httpx2.post(
            f"{base}/v1.0/message/outbound",
            headers=headers,
            timeout=30,
            json={"From": source, "To": to, "Body": f"failover {i}"},
        )
        assert response.status_code == 200, response.text
        with lock:
            accepted.extend(m["MessageId"] for m in response.json()["Messages"])
            if len(accepted) >= KILL_AFTER and not killed_at:
                os.kill(holder.pid, signal.SIGKILL)
                killed_at.append(time.monotonic())

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, range(REQUESTS)))
    holder.wait(timeout=10)
    assert killed_at and holder.returncode == -signal.SIGKILL
    return accepted, killed_at[0]


def _wait_settled(url, accepted, callbacks) -> None:
    with psycopg.connect(libpq_dsn(url), autocommit=True) as conn:
        wait_settled(
            accepted,
            callbacks,
            lambda ids: dict(conn.execute("SELECT id, status FROM messages WHERE id = ANY(%s)", (ids,)).fetchall()),
        )
