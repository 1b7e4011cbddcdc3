"""SIGKILL mid-stream loses nothing: `mpaas serve` is killed while messages flow, restarted on the same data
dir, and every accepted message still ends Delivered with its status callback delivered (at least once, each
event under one stable id). Run with the sandbox carrier, and with the SMPP connector against `mpaas smsc-sim`
(2,000 messages; the SMSC counts what it received, and no message reaches it more than twice)."""

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from support.processes import callback_receiver, prepare_sender, start_smsc_sim, wait_settled

pytestmark = [pytest.mark.process, pytest.mark.slow]


CARRIERS = {
    # carrier: (messages, recipients per request, kill after this many accepted)
    "sandbox": (300, 1, 120),
    "smpp": (2000, 20, 800),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    env.update(
        MPAAS_SEED_INVENTORY_COUNT="300",
        MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS="0.3",
        MPAAS_WORKER_POLL_SECONDS="0.1",
        MPAAS_RATE_LIMIT_PER_MINUTE="0",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@pytest.fixture(params=sorted(CARRIERS))
def carrier(request, tmp_path):
    """(name, extra server environment, a function returning the SMSC's stats or None)."""
    if request.param == "sandbox":
        yield "sandbox", {}, lambda: None
        return
    sim, port, stats = start_smsc_sim(_env())
    try:
        yield "smpp", {"MPAAS_SMPP_URL": f"smpp://mpaas:secret@127.0.0.1:{port}?window=50"}, stats
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def _start(data_dir: Path, port: int, extra: dict[str, str]) -> subprocess.Popen:
    log = open(data_dir / f"serve-{port}.log", "wb")  # noqa: SIM115 (the server writes to it while it runs)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mpaas.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_env(**extra),
        cwd=data_dir,
    )
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


@pytest.fixture
def callbacks():
    with callback_receiver() as store:
        yield store


def test_sigkill_loses_nothing(tmp_path, callbacks, carrier):
    name, extra, smsc_stats = carrier
    messages, per_request, kill_after = CARRIERS[name]
    port = _free_port()
    proc = _start(tmp_path, port, extra)
    base = f"http://127.0.0.1:{port}"
    try:
        created = subprocess.run(
            [
                sys.executable,
                "-m",
                "mpaas.cli",
                "admin",
                "create-distributor",
                "--name",
                "Crash",
                "--rate-limit",
                "0",
                "--json",
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            env=_env(),
            check=True,
        )
        credential = json.loads(created.stdout)
        source, send_headers = prepare_sender(base, credential, callbacks.url, "crash")

        accepted: list[str] = []
        lock = threading.Lock()
        killed = threading.Event()

        sent_batches: set[int] = set()

        def send(i: int, target: str | None = None) -> None:
            if killed.is_set() and target is None:
                return
            # A distinct destination per message, so the SMSC can count each message's copies.
            to = [{"Number": f"+1801555{1000 + i * per_request + j:04d}"} for j in range(per_request)]
            try:
                response = httpx2.post(
                    f"{target or base}/v1.0/message/outbound",
                    headers=send_headers,
                    timeout=10,
                    json={"From": source, "To": to, "Body": f"crash test {i}"},
                )
            except httpx2.TransportError:
                return  # the server is gone: these were never accepted
            if response.status_code == 200:
                with lock:
                    sent_batches.add(i)
                    accepted.extend(m["MessageId"] for m in response.json()["Messages"])
                    if len(accepted) >= kill_after and not killed.is_set():
                        killed.set()
                        os.kill(proc.pid, signal.SIGKILL)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(messages // per_request)))
        proc.wait(timeout=10)
        assert killed.is_set() and proc.returncode == -signal.SIGKILL

        db = sqlite3.connect(f"file:{tmp_path / 'mpaas.db'}?mode=ro", uri=True)
        in_flight = db.execute("SELECT count(*) FROM messages WHERE status != 'Delivered'").fetchone()[0]
        db.close()
        assert in_flight > 0, "the kill came too late to interrupt anything"

        new_port = _free_port()
        proc = _start(tmp_path, new_port, extra)  # restart on the same data dir
        # The client sends what the dead server never accepted (tokens are scoped by path, so they still work).
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda i: send(i, f"http://127.0.0.1:{new_port}"),
                    [i for i in range(messages // per_request) if i not in sent_batches],
                )
            )
        assert len(accepted) == messages

        def statuses_of(ids):
            db = sqlite3.connect(f"file:{tmp_path / 'mpaas.db'}?mode=ro", uri=True)
            try:
                return dict(
                    db.execute(
                        f"SELECT id, status FROM messages WHERE id IN ({','.join('?' * len(ids))})", ids
                    ).fetchall()
                )
            finally:
                db.close()

        delivered = wait_settled(accepted, callbacks, statuses_of)
        # A re-sent callback carries the same event id: one Delivered event per message, however often sent.
        assert all(len(delivered[m]) == 1 for m in accepted)
        with callbacks.lock:
            total = sum(1 for e in callbacks.events if e.get("Status") == "Delivered" and e["MessageId"] in accepted)
        stats = smsc_stats()
        report = (
            f"\n{name}: accepted {len(accepted)}, in flight at the kill {in_flight}, "
            f"Delivered callbacks {total} (re-sent duplicates {total - len(accepted)})"
        )
        if stats is not None:
            # The restarted server holds its bind: `mpaas carriers list --server` reads it from the process.
            listed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "mpaas.cli",
                    "carriers",
                    "list",
                    "--server",
                    f"http://127.0.0.1:{new_port}",
                    "--json",
                    "--data-dir",
                    str(tmp_path),
                ],
                capture_output=True,
                text=True,
                env=_env(),
                timeout=30,
            )
            assert listed.returncode == 0, listed.stderr
            assert [c["bound"] for c in json.loads(listed.stdout)] == [True]
            # Every accepted message reached the SMSC, none more than twice (a submit the SMSC answered just
            # before the kill, but whose answer was not yet stored, is sent again after the restart).
            assert stats["distinct"] >= len(accepted)
            assert all(d["count"] <= 2 for d in stats["duplicate_messages"])
            report += f"; SMSC received {stats['distinct']} messages, {stats['duplicates']} duplicate submits"
        print(report)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)
