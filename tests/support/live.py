"""A real mpaas server on a loopback port (uvicorn in a thread) for the blocking client's tests; the session
fixture `live_server` (tests/client/conftest.py) starts one per session (per xdist worker)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx2
import uvicorn

from mpaas.accounts.service import IssuedCredential, create_distributor
from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform


@dataclass
class LiveServer:
    base_url: str
    credential: IssuedCredential
    settings: Settings

    @property
    def key(self) -> str:
        return self.credential.account_key

    @property
    def secret(self) -> str:
        return self.credential.account_secret


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _seed(settings: Settings) -> IssuedCredential:
    platform = Platform.build(settings)
    await platform.start()
    try:
        async with platform.db.write() as session:
            credential = await create_distributor(session, name="SDK", rate_limit=0, now=platform.clock.now())
        rows = list(inventory_data.generate(40, seed=7, area_codes=["801"]))
        await inventory.load(platform.db, rows, platform.clock.now())
        return credential
    finally:
        await platform.close()


def start_live_server(tmp_path_factory, migrated_template) -> tuple[LiveServer, Callable[[], None]]:
    """The server and a function that stops it."""
    data_dir = tmp_path_factory.mktemp("sdk-live")
    shutil.copy(migrated_template, data_dir / "mpaas.db")
    settings = Settings(
        data_dir=data_dir,
        seed_inventory_count=0,
        operator_token="sdk-operator",
        sandbox_receipt_delay_seconds=0.05,
        worker_poll_seconds=0.05,
        rate_limit_per_minute=0,
        # As `mpaas serve` (Settings.for_sandbox): webhooks reach the tests' receivers on loopback, and the
        # /sandbox/v1 endpoints exist. Tests of the production defaults build their own settings.
        egress_allow="loopback",
        sandbox_endpoints=True,
    )
    credential = asyncio.run(_seed(settings))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx2.TransportError:
            pass
        assert time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return LiveServer(base, credential, settings), stop
