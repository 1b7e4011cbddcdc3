"""SIGKILL mid-stream loses nothing: `mpaas serve` is killed while messages flow, restarted on the same data
dir, and every accepted message still ends Delivered with its status callback delivered (at least once, each
event under one stable id)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest

MESSAGES = 300
KILL_AFTER = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    env.update(MPAAS_SEED_INVENTORY_COUNT="300", MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS="0.3",
               MPAAS_WORKER_POLL_SECONDS="0.1", MPAAS_RATE_LIMIT_PER_MINUTE="0", PYTHONUNBUFFERED="1")
    return env


def _start(data_dir: Path, port: int) -> subprocess.Popen:
    log = open(data_dir / f"serve-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "mpaas.cli", "serve", "--port", str(port), "--data-dir",
                             str(data_dir)], stdout=log, stderr=subprocess.STDOUT, env=_env(), cwd=data_dir)
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, (data_dir / f"serve-{port}.log").read_text()
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx2.TransportError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)


class Callbacks:
    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[dict] = []

    def delivered(self) -> dict[str, set[str]]:
        """message id -> distinct event ids of its Delivered callbacks."""
        out: dict[str, set[str]] = defaultdict(set)
        with self.lock:
            for event in self.events:
                if event.get("Status") == "Delivered":
                    out[event["MessageId"]].add(event["EventId"])
        return out


@pytest.fixture
def callbacks():
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
    yield store
    server.shutdown()
    server.server_close()


def test_sigkill_loses_nothing(tmp_path, callbacks):
    port = _free_port()
    proc = _start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        created = subprocess.run([sys.executable, "-m", "mpaas.cli", "admin", "create-distributor", "--name", "Crash",
                                  "--rate-limit", "0", "--json", "--data-dir", str(tmp_path)],
                                 capture_output=True, text=True, env=_env(), check=True)
        credential = json.loads(created.stdout)
        client = httpx2.Client(timeout=10)

        def auth(path):
            token = client.post(f"{base}/v1.0/OAuth2/tokens", json={
                "AccountKey": credential["AccountKey"], "AccountSecret": credential["AccountSecret"],
                "ApiEndpoint": f"{base}{path}"}).json()["token"]
            return {"Authorization": f"Bearer {token}"}

        route = client.post(f"{base}/v1.0/message/routes", headers=auth("/v1.0/message/routes"), json={
            "RouteName": "crash", "MessageUrl": callbacks.url, "MessageUrlMethod": "POST",
            "CallbackMessageUrl": callbacks.url}).json()["MessageRouteId"]
        source = client.post(f"{base}/v1.0/numbers/provision", headers=auth("/v1.0/numbers/provision"), json={
            "NumberType": "mvno", "MessageType": "p2p", "MessageEnabled": True, "VoiceEnabled": False,
            "MessageRouteId": route, "ProductType": "Sms-Only"}).json()["PhoneNumberAssigned"]
        send_headers = auth("/v1.0/message/outbound")

        accepted: list[str] = []
        lock = threading.Lock()
        killed = threading.Event()

        def send(i: int) -> None:
            if killed.is_set():
                return
            try:
                response = httpx2.post(f"{base}/v1.0/message/outbound", headers=send_headers, timeout=10, json={
                    "From": source, "To": [{"Number": "+18015737111"}], "Body": f"crash test {i}"})
            except httpx2.TransportError:
                return  # the server is gone: this one was never accepted
            if response.status_code == 200:
                with lock:
                    accepted.append(response.json()["MessageId"])
                    if len(accepted) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        os.kill(proc.pid, signal.SIGKILL)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(MESSAGES)))
        proc.wait(timeout=10)
        assert killed.is_set() and proc.returncode == -signal.SIGKILL

        db = sqlite3.connect(f"file:{tmp_path / 'mpaas.db'}?mode=ro", uri=True)
        in_flight = db.execute("SELECT count(*) FROM messages WHERE status != 'Delivered'").fetchone()[0]
        db.close()
        assert in_flight > 0, "the kill came too late to interrupt anything"

        proc = _start(tmp_path, _free_port())  # restart on the same data dir
        deadline = time.monotonic() + 90
        while True:
            db = sqlite3.connect(f"file:{tmp_path / 'mpaas.db'}?mode=ro", uri=True)
            statuses = dict(db.execute(
                f"SELECT id, status FROM messages WHERE id IN ({','.join('?' * len(accepted))})", accepted).fetchall())
            db.close()
            delivered = callbacks.delivered()
            if all(statuses.get(m) == "Delivered" for m in accepted) and all(delivered.get(m) for m in accepted):
                break
            assert time.monotonic() < deadline, (
                f"not settled: {sum(s != 'Delivered' for s in statuses.values())} not Delivered, "
                f"{sum(not delivered.get(m) for m in accepted)} without a Delivered callback")
            time.sleep(0.2)
        # A re-sent callback carries the same event id: one Delivered event per message, however often sent.
        assert all(len(delivered[m]) == 1 for m in accepted)
        with callbacks.lock:
            total = sum(1 for e in callbacks.events if e.get("Status") == "Delivered" and e["MessageId"] in accepted)
        print(f"\naccepted {len(accepted)}, in flight at the kill {in_flight}, "
              f"Delivered callbacks {total} (re-sent duplicates {total - len(accepted)})")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)
