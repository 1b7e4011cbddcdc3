"""Shared fixtures: a migrated database per test, the app (with its workers unless the test is marked
`no_workers`), and an API client that mints endpoint-scoped tokens the way a real integration must. The helpers
they are built from live in tests/support/.

Set MPAAS_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test) to run on PostgreSQL;
the default is a fresh SQLite file per test, copied from one migrated template."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from argon2 import PasswordHasher

from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.core.clock import SystemClock
from mpaas.core.db import migrate
from mpaas.core.security import hashing
from mpaas.roles.platform import Platform
from support.api import BASE_URL, OPERATOR_TOKEN, Api
from support.database import claim_worker_database, configured_database_url, reset_database
from support.seed import add_inventory, new_distributor
from support.sip import reap_sipp


def pytest_configure(config) -> None:
    claim_worker_database()  # under pytest-xdist on PostgreSQL: this worker's own database


@pytest.fixture(autouse=True, scope="session")
def _cheap_secret_hashing():
    """argon2 with its smallest cost in the test process: the same algorithm and code path, but the
    production cost (64 MiB, about 150 ms of CPU here) paid for every credential created and every token
    minted was most of many tests' time. Each hash records its own parameters, so verification follows
    them; subprocess tests (e2e, CLI roles, crash) run the production cost."""
    saved = hashing._hasher
    hashing._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    hashing._hasher = saved


@pytest.fixture(autouse=True)
def _no_sipp_left_behind():
    """Ends the sipp trunks a test started and did not wait for (a failed test's: support/sip.py reap_sipp)."""
    yield
    reap_sipp()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed SIP test's report carries what sipp saw: the tail of each `-trace_msg` log in its tmp_path. sipp's
    screen says only that a call failed; the one CI failure it could not explain was a late 180 the log shows."""
    outcome = yield
    report = outcome.get_result()
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if report.when != "call" or not report.failed or not isinstance(tmp_path, Path):
        return
    for log in sorted(tmp_path.glob("*_messages.log"))[:6]:
        report.sections.append((f"sipp {log.name} (last 4000 characters)", log.read_text(errors="replace")[-4000:]))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """Run the real Alembic history once; each test copies the result."""
    path = tmp_path_factory.mktemp("template") / "mpaas.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path, migrated_template) -> Settings:
    url = configured_database_url()
    if url is None:
        shutil.copy(migrated_template, tmp_path / "mpaas.db")
    else:
        reset_database(url)
    return Settings(
        data_dir=tmp_path,
        database_url=url,
        seed_inventory_count=0,
        operator_token=OPERATOR_TOKEN,
        sandbox_receipt_delay_seconds=0.05,
        worker_poll_seconds=0.05,
        rate_limit_per_minute=0,
        # As `mpaas serve` (Settings.for_sandbox): webhooks reach the tests' receivers on loopback, and the
        # /sandbox/v1 endpoints exist. Tests of the production defaults build their own settings.
        egress_allow="loopback",
        sandbox_endpoints=True,
    )


@pytest.fixture
def clock() -> SystemClock:
    return SystemClock()


@pytest.fixture
async def platform(settings, clock) -> AsyncIterator[Platform]:
    platform = Platform.build(settings, clock=clock)
    yield platform


@pytest.fixture
def run_workers(request) -> bool:
    """Whether the app runs its job workers and carrier gateway. Tests that only call the API and never need a
    job to run (no webhooks, receipts, carrier submits, billing or porting jobs) are marked `no_workers`; the
    app then starts and stops faster, as `mpaas api` does."""
    return request.node.get_closest_marker("no_workers") is None


@pytest.fixture
async def app(platform, run_workers):
    application = create_app(platform.settings, platform, run_workers=run_workers)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def api(platform, http) -> Api:
    return Api(http, await new_distributor(platform, "Acme"))


@pytest.fixture
async def other_api(platform, http) -> Api:
    return Api(http, await new_distributor(platform, "Globex"))


@pytest.fixture
async def numbers(platform) -> list[str]:
    """A small inventory: 20 numbers in 801, 20 in 212."""
    return await add_inventory(platform, 20, ["801"]) + await add_inventory(platform, 20, ["212"], seed=2)
