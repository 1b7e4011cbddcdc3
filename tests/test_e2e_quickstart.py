"""End to end, the way a person meets mpaas: `mpaas serve` as a real process, the README's curl quickstart
run by bash against it, and real webhooks arriving at a real HTTP receiver.

The README's ```bash quickstart block is extracted and executed as-is, so the commands people paste are the
commands under test."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest

from mpaas.config import Settings

# xdist_group: one `mpaas serve` for the module, so its tests share one xdist worker
pytestmark = [pytest.mark.process, pytest.mark.slow, pytest.mark.xdist_group("e2e_quickstart")]


REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
STARTUP_TIMEOUT_SECONDS = 60.0
WEBHOOK_TIMEOUT_SECONDS = 10.0
HANDSET = "+18015737111"  # the handset the quickstart texts and that texts back


def quickstart_block() -> str:
    blocks = re.findall(r"^```bash quickstart[ \t]*\n(.*?)^```[ \t]*$", README.read_text(), re.S | re.M)
    assert len(blocks) == 1, f"README.md must hold exactly one ```bash quickstart block, found {len(blocks)}"
    return blocks[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(**extra: str) -> dict[str, str]:
    """The inherited environment without any MPAAS_* setting (a developer's MPAAS_DATABASE_URL must not
    send the test to their database), the venv first on PATH (the quickstart calls `python3`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPAAS_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def mpaas_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mpaas.cli", *args]


# --------------------------------------------------------------------------------------------- receiver


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> dict:
        """The JSON body; {} when there is none (so predicates over every request never raise)."""
        try:
            body = json.loads(self.body)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


@dataclass
class Receiver:
    """A real webhook receiver on 127.0.0.1 that records every request and answers 204."""

    url: str
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, predicate, what: str, timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> Received:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                for request in self.requests:
                    if predicate(request):
                        return request
                seen = [(r.method, r.path, r.body[:300]) for r in self.requests]
            if time.monotonic() > deadline:
                raise AssertionError(f"no webhook {what} within {timeout} s; received: {seen}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            rec = holder[0]
            with rec.lock:
                rec.requests.append(
                    Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET = do_PUT = _record

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------------------------- server


@dataclass
class Server:
    base: str
    key: str
    secret: str
    account_id: str
    data_dir: Path
    env: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def token(self, client: httpx2.Client, path: str, key: str | None = None, secret: str | None = None) -> str:
        response = client.post(
            f"{self.base}/v1.0/oauth2/tokens",
            json={
                "AccountKey": key or self.key,
                "AccountSecret": secret or self.secret,
                "ApiEndpoint": f"{self.base}{path}",
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["successful"] is True
        return body["token"]


def _credential(text: str, name: str) -> str | None:
    match = re.search(rf"^\s*{name}\s+(\S+)\s*$", text, re.M)
    return match.group(1) if match else None


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """`mpaas serve` on a free port with a fresh data dir, small inventory and fast receipts."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    env = _clean_env(
        MPAAS_SEED_INVENTORY_COUNT="2000", MPAAS_SANDBOX_RECEIPT_DELAY_SECONDS="0.2", MPAAS_WORKER_POLL_SECONDS="0.1"
    )
    log = data_dir / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            mpaas_command("serve", "--port", str(port), "--data-dir", str(data_dir)),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=data_dir,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"mpaas serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            text = log.read_text(errors="replace")
            creds = [_credential(text, n) for n in ("AccountKey", "AccountSecret", "AccountId")]
            if all(creds):
                try:
                    if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"mpaas serve did not answer /healthz within {STARTUP_TIMEOUT_SECONDS} s:\n{text}")
            time.sleep(0.1)
        key, secret, account_id = creds
        assert key.startswith("DID-") and account_id.startswith("AID-"), text
        yield Server(base, key, secret, account_id, data_dir, env, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# ------------------------------------------------------------------------------------------- quickstart


@dataclass
class Quickstart:
    stdout: str
    values: dict[str, str]  # NAME=value lines the walk printed


@pytest.fixture(scope="module")
def quickstart(server: Server, receiver: Receiver) -> Quickstart:
    if shutil.which("bash") is None or shutil.which("curl") is None:
        pytest.skip("the README quickstart needs bash and curl")
    script = "set -euo pipefail\n" + quickstart_block()
    env = {**server.env, "BASE": server.base, "KEY": server.key, "SECRET": server.secret, "HOOK": receiver.url}
    try:
        done = subprocess.run(
            ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120, cwd=server.data_dir
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the README quickstart did not finish in 120 s:\n{exc.stdout}\n{exc.stderr}")
    assert done.returncode == 0, (
        f"the README quickstart failed ({done.returncode})\n--- stdout\n{done.stdout}\n"
        f"--- stderr\n{done.stderr}\n--- server\n{server.output()}"
    )
    values = dict(re.findall(r"^([A-Z_]+)=(\S+)$", done.stdout, re.M))
    for name, prefix in (
        ("MRID", "MRID-"),
        ("CRID", "CRID-"),
        ("SUBSCRIBER_ID", "TSUID-"),
        ("NUMBER", "+1801"),
        ("NUMBER_ID", "NID-"),
        ("MESSAGE_ID", "TMID-"),
    ):
        assert values.get(name, "").startswith(prefix), f"{name} not printed as expected:\n{done.stdout}"
    return Quickstart(done.stdout, values)


def test_quickstart_message_is_delivered(server: Server, quickstart: Quickstart) -> None:
    message_id = quickstart.values["MESSAGE_ID"]
    assert "Status: Delivered" in quickstart.stdout
    with httpx2.Client(timeout=10) as client:
        token = server.token(client, "/v1.0/message/details")
        response = client.get(
            f"{server.base}/v1.0/message/details",
            params={"MessageId": message_id},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        details = response.json()
        assert details["MessageId"] == message_id
        assert details["Status"] == "Delivered"
        assert details["From"] == quickstart.values["NUMBER"]
        assert details["To"] == HANDSET
        assert details["Body"] == "Hello from mpaas!"
        # The token is scoped to the endpoint it was minted for.
        other = client.get(
            f"{server.base}/v1.0/message/routes",
            params={"MessageRouteId": quickstart.values["MRID"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert other.status_code == 403, other.text
        assert other.json()["StatusCode"] == 403


def _signed(request: Received) -> None:
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", request.headers.get("x-mpaas-signature", "")), request.headers
    assert request.headers.get("x-mpaas-timestamp", "").isdigit(), request.headers
    assert abs(int(request.headers["x-mpaas-timestamp"]) - time.time()) < 300
    assert request.headers.get("x-mpaas-event-id"), request.headers
    assert request.headers["x-mpaas-event-id"] == request.json()["EventId"]


def test_quickstart_status_callback_reaches_the_receiver(receiver: Receiver, quickstart: Quickstart) -> None:
    message_id = quickstart.values["MESSAGE_ID"]

    def delivered(r: Received) -> bool:
        return (
            r.method == "POST"
            and r.path == "/status"
            and r.json().get("MessageId") == message_id
            and r.json().get("Status") == "Delivered"
        )

    callback = receiver.wait_for(delivered, f"POST /status with MessageId {message_id} and Status Delivered")
    _signed(callback)
    assert callback.headers["content-type"].startswith("application/json")
    event = callback.json()
    assert event["EventType"] == "message.status"
    assert event["Direction"] == "Outbound"
    assert event["From"] == quickstart.values["NUMBER"]
    assert event["To"] == HANDSET
    assert event["Segment"] == 1
    assert Decimal(str(event["Cost"])) == Settings.model_fields["message_cost_per_segment"].default
    assert event["ErrorCode"] is None


def _inbound(body: str, number: str):
    def match(r: Received) -> bool:
        return (
            r.method == "POST"
            and r.path == "/sms"
            and r.json().get("Message_Body") == body
            and r.json().get("To") == number
        )

    return match


def _assert_inbound_contract(request: Received, number: str, body: str) -> None:
    _signed(request)
    event = request.json()
    for name in ("Message_ID", "Owner", "To", "From", "Message_Body", "Segment"):
        assert name in event, f"inbound webhook lacks {name}: {event}"
    assert event["Message_ID"].startswith("TMID-")
    assert event["Owner"] == number
    assert event["To"] == number
    assert event["From"] == HANDSET
    assert event["Message_Body"] == body
    assert event["Segment"] == 1


def test_quickstart_inbound_message_reaches_message_url(receiver: Receiver, quickstart: Quickstart) -> None:
    number = quickstart.values["NUMBER"]
    request = receiver.wait_for(_inbound("Hi back!", number), f"POST /sms with the inbound message to {number}")
    _assert_inbound_contract(request, number, "Hi back!")


def test_cli_sandbox_inbound_reaches_the_running_server(
    server: Server, receiver: Receiver, quickstart: Quickstart
) -> None:
    """The README's other way to inject a reply: the CLI writes to the database, the server's workers deliver."""
    number = quickstart.values["NUMBER"]
    done = subprocess.run(
        mpaas_command(
            "sandbox",
            "inbound",
            "--from",
            HANDSET,
            "--to",
            number,
            "--body",
            "Sent with the CLI",
            "--data-dir",
            str(server.data_dir),
        ),
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = json.loads(done.stdout)
    assert printed["Status"] == "Received" and printed["MessageId"].startswith("TMID-")
    request = receiver.wait_for(_inbound("Sent with the CLI", number), "POST /sms for the CLI's inbound message")
    _assert_inbound_contract(request, number, "Sent with the CLI")
    assert request.json()["Message_ID"] == printed["MessageId"]


def test_admin_create_distributor_while_serving(server: Server) -> None:
    done = subprocess.run(
        mpaas_command(
            "admin", "create-distributor", "--name", "Second Distributor", "--data-dir", str(server.data_dir), "--json"
        ),
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    credential = json.loads(done.stdout)
    assert set(credential) == {"AccountKey", "AccountSecret", "AccountId"}
    uuid = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    assert re.fullmatch(f"DID-{uuid}", credential["AccountKey"]), credential
    assert re.fullmatch(f"AID-{uuid}", credential["AccountId"]), credential
    assert len(credential["AccountSecret"]) >= 16
    assert credential["AccountKey"] != server.key

    with httpx2.Client(timeout=10) as client:
        token = server.token(
            client, "/v1.0/account/message/routes", credential["AccountKey"], credential["AccountSecret"]
        )
        response = client.get(
            f"{server.base}/v1.0/account/message/routes", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        # The new credential sees its own (empty) account, not the demo account's routes.
        assert response.json()["AccountID"] == credential["AccountId"]
        assert response.json()["TotalRoutes"] == 0

        wrong = client.post(
            f"{server.base}/v1.0/oauth2/tokens",
            json={
                "AccountKey": credential["AccountKey"],
                "AccountSecret": "not-the-secret",
                "ApiEndpoint": f"{server.base}/v1.0/account/message/routes",
            },
        )
        assert wrong.status_code == 401


# ------------------------------------------------------------------------------------ README in sync


def _readme_settings_table() -> dict[str, str]:
    rows = re.findall(r"^\|\s*`(MPAAS_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|", README.read_text(), re.M)
    return {name: default.strip("`") for name, default in rows}


def _as_documented(value) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Path):
        return value.as_posix() if value.is_absolute() else f"./{value.as_posix()}"
    return str(value)


def test_readme_documents_every_setting() -> None:
    table = _readme_settings_table()
    expected = {f"MPAAS_{name.upper()}": _as_documented(f.default) for name, f in Settings.model_fields.items()}
    assert set(table) == set(expected), (
        f"README configuration table is out of sync with config.py: missing "
        f"{sorted(set(expected) - set(table))}, extra {sorted(set(table) - set(expected))}"
    )
    wrong = {name: (table[name], default) for name, default in expected.items() if table[name] != default}
    assert not wrong, f"README defaults differ from config.py (README, config.py): {wrong}"
