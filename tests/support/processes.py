"""Helpers for tests that run mpaas as separate processes (the scale-out roles) on a PostgreSQL database of
their own, beside the one the in-process suite resets per test. Every port is a free one the OS picked, so
pytest-xdist workers never ask for the same port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from mpaas.core.jobs.wakeups import libpq_dsn
from support.database import per_worker_name

REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_SECRETS_KEY = "dGVzdC1zZWNyZXRzLWtleS1vZi0zMi1ieXRlcy0wMDA="  # urlsafe base64 of 32 bytes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url_or_skip() -> str:
    url = os.environ.get("MPAAS_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("runs on PostgreSQL (MPAAS_TEST_DATABASE_URL); .ci/run's second pass")
    return url


def fresh_database(test_url: str, name: str) -> str:
    """Drop and create database `name` (suffixed with the xdist worker's id under pytest-xdist, so two workers
    running one module's tests never drop each other's) on the test URL's server; returns its SQLAlchemy URL."""
    name = per_worker_name(name)
    with psycopg.connect(libpq_dsn(test_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(test_url).set(database=name).render_as_string(hide_password=False)


def redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    return REDIS_URL


def env(**extra: str) -> dict[str, str]:
    """The test process's environment without its MPAAS_* settings, plus `extra`."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    # The production roles refuse to start without a secrets key (cli/roles.py); one fixed test key.
    out.update(PYTHONUNBUFFERED="1", MPAAS_WORKER_POLL_SECONDS="0.2", MPAAS_SECRETS_KEY=TEST_SECRETS_KEY)
    # The production roles reach public addresses only; these tests' receivers are on loopback.
    out.update(MPAAS_EGRESS_ALLOW="loopback")
    # Every process a test starts shares one PostgreSQL (100 connections) with the other xdist worker's; at the
    # default pool (10 + 10 overflow each, beside pgdriver's and the listener's) a few multi-process tests
    # together ran it out ("too many clients") in CI. Four each still lets concurrency tests contend.
    out.update(MPAAS_DATABASE_POOL_SIZE="4")
    out.update(extra)
    return out


def mpaas(*args: str, environ: dict[str, str], cwd: Path, log_name: str) -> subprocess.Popen:
    with open(cwd / log_name, "wb") as log:  # the child writes to its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "mpaas.cli", *args], stdout=log, stderr=subprocess.STDOUT, env=environ, cwd=cwd
        )


def run_mpaas(*args: str, environ: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mpaas.cli", *args], capture_output=True, text=True, env=environ, cwd=cwd, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        assert time.monotonic() < deadline, f"{base} did not start:\n{log.read_text()}"
        time.sleep(0.1)


def wait_for_line(log: Path, text: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{text!r} not in {log.name}:\n{log.read_text()}"
        time.sleep(0.1)


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Callbacks:
    """A real HTTP receiver of status callbacks (a thread), recording every JSON body it is sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[dict] = []
        self.url = ""

    def delivered(self) -> dict[str, set[str]]:
        """message id -> distinct event ids of its Delivered callbacks."""
        out: dict[str, set[str]] = defaultdict(set)
        with self.lock:
            for event in self.events:
                if event.get("Status") == "Delivered":
                    out[event["MessageId"]].add(event["EventId"])
        return out


def callback_receiver():
    """A context manager serving a `Callbacks` on a free loopback port."""

    @contextmanager
    def serving():
        store = Callbacks()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with store.lock:
                    store.events.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        store.url = f"http://127.0.0.1:{server.server_address[1]}/status"
        try:
            yield store
        finally:
            server.shutdown()
            server.server_close()

    return serving()


def start_smsc_sim(environ: dict[str, str], receipt_delay: float = 0.2):
    """`mpaas smsc-sim` on free ports; returns (process, SMPP port, stats function)."""
    port, control = free_port(), free_port()
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mpaas.cli",
            "smsc-sim",
            "--port",
            str(port),
            "--control-port",
            str(control),
            "--receipt-delay",
            str(receipt_delay),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env=environ,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{control}/stats", timeout=1)
            break
        except httpx2.TransportError:
            assert time.monotonic() < deadline and sim.poll() is None, "smsc-sim did not start"
            time.sleep(0.1)
    return sim, port, lambda: httpx2.get(f"http://127.0.0.1:{control}/stats", timeout=5).json()


def prepare_sender(base: str, credential: dict, callback_url: str, route_name: str) -> tuple[str, dict[str, str]]:
    """Over HTTP: a message route whose webhooks go to `callback_url` and a provisioned number on it.
    Returns (the number, headers carrying a token for POST /v1.0/message/outbound)."""
    client = httpx2.Client(timeout=10)

    def auth(path):
        token = client.post(
            f"{base}/v1.0/OAuth2/tokens",
            json={
                "AccountKey": credential["AccountKey"],
                "AccountSecret": credential["AccountSecret"],
                "ApiEndpoint": f"{base}{path}",
            },
        ).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    route = client.post(
        f"{base}/v1.0/message/routes",
        headers=auth("/v1.0/message/routes"),
        json={
            "RouteName": route_name,
            "MessageUrl": callback_url,
            "MessageUrlMethod": "POST",
            "CallbackMessageUrl": callback_url,
        },
    ).json()["MessageRouteId"]
    source = client.post(
        f"{base}/v1.0/numbers/provision",
        headers=auth("/v1.0/numbers/provision"),
        json={
            "NumberType": "mvno",
            "MessageType": "p2p",
            "MessageEnabled": True,
            "VoiceEnabled": False,
            "MessageRouteId": route,
            "ProductType": "Sms-Only",
        },
    ).json()["PhoneNumberAssigned"]
    return source, auth("/v1.0/message/outbound")


def wait_settled(accepted: list[str], callbacks: Callbacks, statuses_of, timeout: float = 90) -> dict[str, set[str]]:
    """Until every accepted message is Delivered (`statuses_of(ids)` -> {id: status}, read from the database)
    and has a Delivered callback; returns the callbacks' event ids by message."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = statuses_of(accepted)
        delivered = callbacks.delivered()
        if all(statuses.get(m) == "Delivered" for m in accepted) and all(delivered.get(m) for m in accepted):
            return delivered
        assert time.monotonic() < deadline, (
            f"not settled: {sum(s != 'Delivered' for s in statuses.values())} not Delivered, "
            f"{sum(not delivered.get(m) for m in accepted)} without a Delivered callback"
        )
        time.sleep(0.2)
